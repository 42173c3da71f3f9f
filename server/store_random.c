/*
 * store_random.c — random identifiers: facilitator keys, participant
 * tokens, join codes and the screens' pairing codes.
 *
 * Boundary: bytes from the kernel (getrandom(), else /dev/urandom) turned
 * into text. No database access, no fallback to a weak generator: when the
 * kernel gives nothing, the caller gets an error.
 */
#include "store_private.h"

#include <errno.h>
#include <stdio.h>
#include <sys/random.h>

/* Join codes avoid letters and digits that read alike (0/O, 1/I/L). */
static const char code_alphabet[] = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

static int fill(unsigned char *buf, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = getrandom(buf + got, n - got, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	if (got < n) {
		FILE *f = fopen("/dev/urandom", "rb");
		if (!f)
			return -1;
		got += fread(buf + got, 1, n - got, f);
		fclose(f);
	}
	return got == n ? 0 : -1;
}

int store__random_hex(char *out, size_t nbytes)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char buf[64];

	if (nbytes > sizeof buf || fill(buf, nbytes) != 0)
		return STORE_ERR;
	for (size_t i = 0; i < nbytes; i++) {
		out[2 * i] = hex[buf[i] >> 4];
		out[2 * i + 1] = hex[buf[i] & 15];
	}
	out[2 * nbytes] = '\0';
	return STORE_OK;
}

/* len characters drawn uniformly from alphabet, and a NUL. */
static int draw(char *out, size_t len, const char *alphabet, unsigned n)
{
	const unsigned limit = 256 - 256 % n; /* rejection keeps it uniform */
	size_t i = 0;

	while (i < len) {
		unsigned char b[16];
		if (fill(b, sizeof b) != 0)
			return STORE_ERR;
		for (size_t j = 0; j < sizeof b && i < len; j++)
			if (b[j] < limit)
				out[i++] = alphabet[b[j] % n];
	}
	out[len] = '\0';
	return STORE_OK;
}

int store__random_code(char *out, size_t len)
{
	return draw(out, len, code_alphabet, sizeof code_alphabet - 1);
}

int store__random_digits(char *out, size_t len)
{
	return draw(out, len, "0123456789", 10);
}
