/* Unit tests of bcast.c: shared buffers, bounded queues, routing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "bcast.h"

struct conn {
	bcast_queue *q;
	int woken;
	int overflowed;
};

static void wake(void *c) { ((struct conn *)c)->woken++; }
static void overflow(void *c) { ((struct conn *)c)->overflowed++; }

static void test_msg_headroom_and_refs(void **state)
{
	(void)state;
	bcast_msg *m = bcast_msg_new("hello", 5, 16);
	assert_non_null(m);
	assert_int_equal(bcast_msg_len(m), 5);
	assert_memory_equal(bcast_msg_data(m), "hello", 5);
	assert_int_equal(bcast_msg_data(m)[5], '\0');
	bcast_queue *q = bcast_queue_new(4, 1024);
	assert_int_equal(bcast_queue_push(q, m), 0);
	bcast_msg_unref(m); /* the queue keeps it alive */
	assert_memory_equal(bcast_msg_data(bcast_queue_peek(q)), "hello", 5);
	bcast_queue_free(q);
	bcast_msg_unref(NULL);
	bcast_queue_free(NULL);
}

static void test_queue_order_growth_and_bounds(void **state)
{
	(void)state;
	bcast_queue *q = bcast_queue_new(100, 1 << 20);
	char buf[16];
	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < 50; i++) {
			int n = snprintf(buf, sizeof buf, "m%d", i);
			bcast_msg *m = bcast_msg_new(buf, (size_t)n, 0);
			assert_int_equal(bcast_queue_push(q, m), 0);
			bcast_msg_unref(m);
		}
		for (int i = 0; i < 50; i++) {
			int n = snprintf(buf, sizeof buf, "m%d", i);
			bcast_msg *m = bcast_queue_peek(q);
			assert_int_equal(bcast_msg_len(m), (size_t)n);
			assert_memory_equal(bcast_msg_data(m), buf, (size_t)n);
			bcast_queue_pop(q);
		}
		assert_null(bcast_queue_peek(q));
	}
	bcast_queue_free(q);

	q = bcast_queue_new(2, 1 << 20);
	bcast_msg *m = bcast_msg_new("x", 1, 0);
	assert_int_equal(bcast_queue_push(q, m), 0);
	assert_int_equal(bcast_queue_push(q, m), 0);
	assert_int_equal(bcast_queue_push(q, m), -1); /* message bound */
	assert_int_equal(bcast_queue_count(q), 2);
	bcast_queue_free(q);

	q = bcast_queue_new(100, 3);
	assert_int_equal(bcast_queue_push(q, m), 0);
	assert_int_equal(bcast_queue_push(q, m), 0);
	assert_int_equal(bcast_queue_push(q, m), 0);
	assert_int_equal(bcast_queue_push(q, m), -1); /* byte bound */
	bcast_queue_free(q);

	/* A reply passes the byte bound (not the message bound), and its
	 * bytes count against the next pushes. */
	bcast_msg *big = bcast_msg_new("0123456789", 10, 0);
	q = bcast_queue_new(2, 3);
	assert_int_equal(bcast_queue_push(q, big), -1);
	assert_int_equal(bcast_queue_push_reply(q, big), 0);
	assert_int_equal(bcast_queue_push(q, m), -1);
	assert_int_equal(bcast_queue_push_reply(q, m), 0);
	assert_int_equal(bcast_queue_push_reply(q, m), -1); /* message bound */
	bcast_msg_unref(big);
	bcast_queue_free(q);
	bcast_msg_unref(m);
}

static void test_routing(void **state)
{
	(void)state;
	bcast_hub *h = bcast_hub_new(wake, overflow);
	struct conn all = {bcast_queue_new(10, 1 << 20), 0, 0};
	struct conn act7 = {bcast_queue_new(10, 1 << 20), 0, 0};
	struct conn act8 = {bcast_queue_new(10, 1 << 20), 0, 0};
	struct conn other = {bcast_queue_new(10, 1 << 20), 0, 0};
	assert_int_equal(bcast_watch(h, &all, all.q, 1, 0), 0);
	assert_int_equal(bcast_watch(h, &act7, act7.q, 1, 7), 0);
	assert_int_equal(bcast_watch(h, &act8, act8.q, 1, 8), 0);
	assert_int_equal(bcast_watch(h, &other, other.q, 2, 0), 0);
	assert_int_equal(bcast_watchers(h), 4);

	bcast_msg *m = bcast_msg_new("e", 1, 0);
	assert_int_equal(bcast_publish(h, 1, 7, m), 2);  /* all + act7 */
	assert_int_equal(bcast_publish(h, 1, 0, m), 3);  /* seminar-wide */
	assert_int_equal(bcast_publish(h, 3, 0, m), 0);  /* nobody */
	assert_int_equal(bcast_queue_count(all.q), 2);
	assert_int_equal(bcast_queue_count(act7.q), 2);
	assert_int_equal(bcast_queue_count(act8.q), 1);
	assert_int_equal(bcast_queue_count(other.q), 0);
	assert_int_equal(all.woken, 2);

	/* Moving a watch replaces it; unwatch stops delivery. */
	assert_int_equal(bcast_watch(h, &act8, act8.q, 2, 0), 0);
	assert_int_equal(bcast_watchers(h), 4);
	bcast_unwatch(h, all.q);
	bcast_unwatch(h, all.q);
	assert_int_equal(bcast_publish(h, 2, 5, m), 2); /* other + act8 */
	assert_int_equal(bcast_queue_count(all.q), 2);

	bcast_msg_unref(m);
	bcast_hub_free(h);
	bcast_queue_free(all.q);
	bcast_queue_free(act7.q);
	bcast_queue_free(act8.q);
	bcast_queue_free(other.q);
}

/* Leaving in any order keeps every other watch: each queue's slot follows
 * the entry moved into a freed place. */
static void test_unwatch_in_any_order(void **state)
{
	(void)state;
	enum { N = 64 };
	bcast_hub *h = bcast_hub_new(NULL, NULL);
	bcast_queue *q[N];
	for (int i = 0; i < N; i++) {
		q[i] = bcast_queue_new(10, 1 << 20);
		assert_int_equal(bcast_watch(h, &q[i], q[i], 1, 0), 0);
	}
	/* the first, then every third from the end, then one moved twice */
	bcast_unwatch(h, q[0]);
	for (int i = N - 1; i > 0; i -= 3)
		bcast_unwatch(h, q[i]);
	bcast_unwatch(h, q[1]);
	assert_int_equal(bcast_watch(h, &q[1], q[1], 1, 0), 0);
	assert_int_equal(bcast_watch(h, &q[1], q[1], 1, 0), 0); /* again: no second entry */

	size_t left = 0;
	for (int i = 0; i < N; i++)
		left += !(i == 0 || (N - 1 - i) % 3 == 0);
	assert_int_equal(bcast_watchers(h), left);
	bcast_msg *m = bcast_msg_new("e", 1, 0);
	assert_int_equal(bcast_publish(h, 1, 0, m), left);
	for (int i = 0; i < N; i++)
		assert_int_equal(bcast_queue_count(q[i]), (i == 0 || (N - 1 - i) % 3 == 0) ? 0 : 1);
	bcast_msg_unref(m);
	bcast_hub_free(h);
	for (int i = 0; i < N; i++)
		bcast_queue_free(q[i]);
}

/* A full queue reports overflow once per message and the others still get it. */
static void test_overflow_spares_others(void **state)
{
	(void)state;
	bcast_hub *h = bcast_hub_new(wake, overflow);
	struct conn slow = {bcast_queue_new(1, 1 << 20), 0, 0};
	struct conn fast = {bcast_queue_new(10, 1 << 20), 0, 0};
	bcast_watch(h, &slow, slow.q, 1, 0);
	bcast_watch(h, &fast, fast.q, 1, 0);
	bcast_msg *m = bcast_msg_new("e", 1, 0);
	for (int i = 0; i < 3; i++)
		bcast_publish(h, 1, 0, m);
	assert_int_equal(slow.overflowed, 2);
	assert_int_equal(bcast_queue_count(slow.q), 1);
	assert_int_equal(bcast_queue_count(fast.q), 3);
	bcast_msg_unref(m);
	bcast_hub_free(h);
	bcast_queue_free(slow.q);
	bcast_queue_free(fast.q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_msg_headroom_and_refs),
		cmocka_unit_test(test_queue_order_growth_and_bounds),
		cmocka_unit_test(test_routing),
		cmocka_unit_test(test_overflow_spares_others),
		cmocka_unit_test(test_unwatch_in_any_order),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
