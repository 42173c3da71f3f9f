/* Unit test of qr.c: the SVG, read back module by module, is exactly the
 * matrix libqrencode computes for the same text. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qr.h"

static void check_roundtrip(const char *text)
{
	char *svg = NULL;
	size_t len = 0;
	assert_int_equal(qr_svg(text, &svg, &len), 0);
	assert_int_equal(strlen(svg), len);
	assert_non_null(strstr(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\""));
	assert_non_null(strstr(svg, "</svg>"));

	QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	assert_non_null(qr);
	int w = qr->width, size;
	assert_int_equal(sscanf(strstr(svg, "viewBox=\"0 0 "), "viewBox=\"0 0 %d", &size), 1);
	assert_int_equal(size, w + 8);

	/* Paint the runs "M x y h n v 1 H x z" into a matrix. */
	unsigned char *m = calloc((size_t)(size * size), 1);
	const char *p = strstr(svg, " d=\"");
	assert_non_null(p);
	p += 4;
	int x, y, run, back, used;
	while (sscanf(p, "M%d %dh%dv1H%dz%n", &x, &y, &run, &back, &used) == 4) {
		assert_int_equal(back, x);
		for (int i = 0; i < run; i++)
			m[y * size + x + i] = 1;
		p += used;
	}
	assert_int_equal(*p, '"');
	for (int yy = 0; yy < size; yy++)
		for (int xx = 0; xx < size; xx++) {
			int inside = xx >= 4 && yy >= 4 && xx < w + 4 && yy < w + 4;
			int dark = inside ? (qr->data[(yy - 4) * w + (xx - 4)] & 1) : 0;
			assert_int_equal(m[yy * size + xx], dark);
		}
	free(m);
	QRcode_free(qr);
	free(svg);
}

static void test_join_addresses(void **state)
{
	(void)state;
	check_roundtrip("http://192.168.1.23:8080/j/RBX22");
	check_roundtrip("https://atelier.exemple.fr/j/ABCDEF");
	check_roundtrip("x");
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(test_join_addresses)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
