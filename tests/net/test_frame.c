/*
 * test_frame.c — server/frame.c: texts of every size come out as frames a
 * client reassembles into the same text, none larger than FRAME_MAX, with
 * the opcodes and FIN bits of their part of the message; frame_size reads
 * each header back, and says 0 while a header is incomplete.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "frame.h"

/* Walks the frames of m: checks sizes, opcodes and FIN for part, and
 * returns the payloads joined (malloc'd) with their length in *len. */
static char *unframe(bcast_msg *m, frame_part part, size_t *len, size_t *nframes)
{
	const unsigned char *p = bcast_msg_data(m);
	size_t left = bcast_msg_len(m), n = 0;
	char *out = malloc(left + 1);
	assert_non_null(out);
	*len = 0;
	while (left) {
		size_t f = frame_size(p, left);
		assert_true(f >= 2 && f <= left && f <= FRAME_MAX);
		size_t h = (p[1] & 0x7f) < 126 ? 2 : (p[1] & 0x7f) == 126 ? 4 : 10;
		int fin = p[0] & 0x80, op = p[0] & 0x0f;
		assert_int_equal(p[0] & 0x70, 0);  /* no RSV bits */
		assert_int_equal(p[1] & 0x80, 0);  /* never masked */
		assert_int_equal(op, n == 0 && part != FRAME_END ? 1 : 0);
		assert_int_equal(!!fin, f == left && part != FRAME_START);
		memcpy(out + *len, p + h, f - h);
		*len += f - h;
		p += f;
		left -= f;
		n++;
	}
	*nframes = n;
	return out;
}

static void texts_of_every_size_come_back(void **state)
{
	(void)state;
	const size_t sizes[] = {0, 1, 125, 126, 65531, 65532, 65533, 65535, 65536, 200000};
	const frame_part parts[] = {FRAME_WHOLE, FRAME_START, FRAME_END};
	char *text = malloc(200000);
	assert_non_null(text);
	for (size_t i = 0; i < 200000; i++)
		text[i] = (char)('a' + i % 26);
	for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++)
		for (size_t k = 0; k < 3; k++) {
			bcast_msg *m = frame_text(parts[k], text, sizes[s], 16);
			size_t len, nframes;
			assert_non_null(m);
			char *back = unframe(m, parts[k], &len, &nframes);
			assert_int_equal(len, sizes[s]);
			assert_memory_equal(back, text, len);
			/* one frame up to the largest payload, then fragments */
			assert_int_equal(nframes, sizes[s] <= FRAME_MAX - 4
			                              ? 1
			                              : (sizes[s] + FRAME_MAX - 5) / (FRAME_MAX - 4));
			free(back);
			bcast_msg_unref(m);
		}
	free(text);
}

static void size_needs_the_whole_header(void **state)
{
	(void)state;
	const unsigned char small[] = {0x81, 5};
	const unsigned char mid[] = {0x81, 126, 0x01, 0x00};
	const unsigned char big[] = {0x81, 127, 0, 0, 0, 0, 0, 1, 0, 0};
	assert_int_equal(frame_size(small, 1), 0);
	assert_int_equal(frame_size(small, 2), 7);
	assert_int_equal(frame_size(mid, 3), 0);
	assert_int_equal(frame_size(mid, 4), 4 + 256);
	assert_int_equal(frame_size(big, 9), 0);
	assert_int_equal(frame_size(big, 10), 10 + 65536);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(texts_of_every_size_come_back),
		cmocka_unit_test(size_needs_the_whole_header),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
