/*
 * test_rate.c — the rate limiter on its own, with an injected clock: burst
 * then refill per connection, per-address buckets shared by connections,
 * a room behind one address, lock-outs that grow after wrong guesses and
 * are forgotten over quiet time, and the bounded address table.
 *
 * Boundary: rate.h only; no network, no sleeping.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "rate.h"

static double fake_now;

static double fake_clock(void *ctx)
{
	(void)ctx;
	return fake_now;
}

static int setup(void **state)
{
	fake_now = 1000;
	*state = rate_new(fake_clock, NULL);
	return *state ? 0 : -1;
}

static int teardown(void **state)
{
	rate_free(*state);
	return 0;
}

/* Takes tokens until refused; returns how many were given (at most max). */
static int drain(rate_conn *c, rate_action a, int max)
{
	int n = 0;
	while (n < max && rate_take(c, a) == RATE_OK)
		n++;
	return n;
}

static void test_connection_burst_then_refill(void **state)
{
	rate_conn *c = rate_conn_new(*state, "10.0.0.1");
	assert_non_null(c);
	int burst = drain(c, RATE_POST, 1000);
	assert_true(burst >= 5 && burst < 100);
	assert_int_equal(rate_take(c, RATE_POST), RATE_LIMITED);
	/* Other kinds of action have buckets of their own. */
	assert_int_equal(rate_take(c, RATE_VOTE), RATE_OK);
	/* A minute later the bucket is full again, never fuller. */
	fake_now += 60;
	assert_int_equal(drain(c, RATE_POST, 1000), burst);
	fake_now += 1;
	assert_int_equal(rate_take(c, RATE_POST), RATE_OK);
	rate_conn_free(c);
}

static void test_new_connection_does_not_reset_address(void **state)
{
	rate *r = *state;
	int total = 0;
	rate_conn *c;
	/* One client opening connection after connection: the address bucket
	 * runs out even though every connection is fresh. */
	for (int i = 0; i < 10000; i++) {
		c = rate_conn_new(r, "192.0.2.7");
		int got = drain(c, RATE_JOIN, 1000);
		rate_conn_free(c);
		total += got;
		if (!got)
			break;
	}
	assert_true(total > 0 && total < 10000);
	c = rate_conn_new(r, "192.0.2.7");
	assert_int_equal(rate_take(c, RATE_JOIN), RATE_LIMITED);
	rate_conn_free(c);
	/* Another address is not affected. */
	c = rate_conn_new(r, "192.0.2.8");
	assert_int_equal(rate_take(c, RATE_JOIN), RATE_OK);
	rate_conn_free(c);
}

static void test_room_behind_one_address(void **state)
{
	rate *r = *state;
	enum { ROOM = 300 };
	rate_conn *phones[ROOM];
	for (int i = 0; i < ROOM; i++)
		phones[i] = rate_conn_new(r, "203.0.113.1");
	/* Everybody joins, watches, posts twice and votes three times in the
	 * same second: all of it goes through. */
	for (int i = 0; i < ROOM; i++) {
		assert_int_equal(rate_take(phones[i], RATE_JOIN), RATE_OK);
		assert_int_equal(rate_take(phones[i], RATE_JOIN), RATE_OK);
		assert_int_equal(rate_take(phones[i], RATE_POST), RATE_OK);
		assert_int_equal(rate_take(phones[i], RATE_POST), RATE_OK);
		for (int v = 0; v < 3; v++)
			assert_int_equal(rate_take(phones[i], RATE_VOTE), RATE_OK);
	}
	/* A steady room: each phone posts every 10 s for ten minutes. */
	for (int s = 0; s < 600; s++) {
		fake_now += 1;
		for (int i = s % 10; i < ROOM; i += 10)
			assert_int_equal(rate_take(phones[i], RATE_POST), RATE_OK);
	}
	for (int i = 0; i < ROOM; i++)
		rate_conn_free(phones[i]);
}

static void test_key_guesses_lock_out_growing(void **state)
{
	rate *r = *state;
	rate_conn *c = rate_conn_new(r, "198.51.100.9");
	int free_guesses = 0;
	while (rate_secret_check(c, RATE_SECRET_KEY) == RATE_OK && free_guesses < 100) {
		rate_secret_failed(c, RATE_SECRET_KEY);
		free_guesses++;
	}
	assert_true(free_guesses >= 3 && free_guesses <= 10);
	double w1 = rate_secret_wait(c, RATE_SECRET_KEY);
	assert_true(w1 > 0);
	/* The lock-out holds for every connection of the address... */
	rate_conn *c2 = rate_conn_new(r, "198.51.100.9");
	assert_int_equal(rate_secret_check(c2, RATE_SECRET_KEY), RATE_LIMITED);
	/* ...but not for another address, nor for join codes. */
	rate_conn *other = rate_conn_new(r, "198.51.100.10");
	assert_int_equal(rate_secret_check(other, RATE_SECRET_KEY), RATE_OK);
	assert_int_equal(rate_secret_check(c, RATE_SECRET_CODE), RATE_OK);
	/* Once it ends, the next wrong guess locks out for longer. */
	fake_now += w1 + 0.001;
	assert_int_equal(rate_secret_check(c, RATE_SECRET_KEY), RATE_OK);
	rate_secret_failed(c2, RATE_SECRET_KEY);
	double w2 = rate_secret_wait(c, RATE_SECRET_KEY);
	assert_true(w2 > w1 * 1.5);
	/* It grows up to a ceiling, never forever. */
	double w = w2;
	for (int i = 0; i < 40; i++) {
		fake_now += w + 0.001;
		rate_secret_failed(c, RATE_SECRET_KEY);
		w = rate_secret_wait(c, RATE_SECRET_KEY);
	}
	assert_true(w > 0 && w <= 3600);
	/* After a long quiet time every wrong guess is forgotten. */
	fake_now += 24 * 3600;
	assert_int_equal(rate_secret_check(c, RATE_SECRET_KEY), RATE_OK);
	rate_secret_failed(c, RATE_SECRET_KEY);
	assert_int_equal(rate_secret_check(c, RATE_SECRET_KEY), RATE_OK);
	rate_conn_free(c);
	rate_conn_free(c2);
	rate_conn_free(other);
}

static void test_code_guesses_more_lenient_than_key(void **state)
{
	rate_conn *c = rate_conn_new(*state, "198.51.100.20");
	int key = 0, code = 0;
	while (rate_secret_check(c, RATE_SECRET_KEY) == RATE_OK && key < 1000) {
		rate_secret_failed(c, RATE_SECRET_KEY);
		key++;
	}
	while (rate_secret_check(c, RATE_SECRET_CODE) == RATE_OK && code < 1000) {
		rate_secret_failed(c, RATE_SECRET_CODE);
		code++;
	}
	assert_true(code > key);
	assert_true(code < 1000);
	rate_conn_free(c);
}

static void test_address_table_is_bounded(void **state)
{
	rate *r = *state;
	char addr[32];
	/* 300,000 one-shot clients from as many addresses. */
	for (int i = 0; i < 300000; i++) {
		snprintf(addr, sizeof addr, "10.%d.%d.%d", (i >> 16) & 255, (i >> 8) & 255, i & 255);
		rate_conn *c = rate_conn_new(r, addr);
		assert_non_null(c);
		rate_take(c, RATE_POST);
		rate_conn_free(c);
		if (i % 1000 == 999)
			fake_now += 1;
	}
	assert_true(rate_addr_count(r) <= 100000);
	/* Once they are quiet the table empties on the next sweep. */
	fake_now += 3600;
	for (int i = 0; i < 5000; i++) {
		snprintf(addr, sizeof addr, "172.16.%d.%d", (i >> 8) & 255, i & 255);
		rate_conn_free(rate_conn_new(r, addr));
	}
	assert_true(rate_addr_count(r) < 20000);
}

static void test_null_and_unknown_address(void **state)
{
	rate_conn_free(NULL);
	rate_free(NULL);
	rate_conn *a = rate_conn_new(*state, NULL), *b = rate_conn_new(*state, "");
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(rate_take(a, RATE__COUNT), RATE_LIMITED);
	assert_int_equal(rate_take(a, RATE_KEY), RATE_OK);
	rate_conn_free(a);
	rate_conn_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_connection_burst_then_refill, setup, teardown),
		cmocka_unit_test_setup_teardown(test_new_connection_does_not_reset_address, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_room_behind_one_address, setup, teardown),
		cmocka_unit_test_setup_teardown(test_key_guesses_lock_out_growing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_code_guesses_more_lenient_than_key, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_address_table_is_bounded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_null_and_unknown_address, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
