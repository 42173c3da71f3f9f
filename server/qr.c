/*
 * qr.c — renders a QR code as one SVG path (see qr.h).
 *
 * Each row's runs of dark modules become one "M x y h n v 1 h -n z"
 * sub-path, which keeps the file small (a join address is about 2 KB).
 * Must not touch the network or the disk.
 */
#include "qr.h"

#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define QUIET 4

struct out {
	char *buf;
	size_t len, cap;
	int failed;
};

static void put(struct out *o, const char *fmt, int a, int b, int c)
{
	char tmp[160];
	int n = snprintf(tmp, sizeof tmp, fmt, a, b, c);
	if (n < 0 || (size_t)n >= sizeof tmp) {
		o->failed = 1;
		return;
	}
	if (o->failed)
		return;
	if (o->len + (size_t)n + 1 > o->cap) {
		size_t ncap = (o->cap + (size_t)n + 1) * 2;
		char *nb = realloc(o->buf, ncap);
		if (!nb) {
			o->failed = 1;
			return;
		}
		o->buf = nb;
		o->cap = ncap;
	}
	memcpy(o->buf + o->len, tmp, (size_t)n + 1);
	o->len += (size_t)n;
}

int qr_svg(const char *text, char **out, size_t *out_len)
{
	struct out o = {0};
	QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!qr)
		goto fail;
	int w = qr->width, size = w + 2 * QUIET;
	put(&o, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
	        "shape-rendering=\"crispEdges\" role=\"img\">", size, size, 0);
	put(&o, "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path fill=\"#000\" d=\"",
	    size, size, 0);
	for (int y = 0; y < w; y++) {
		for (int x = 0; x < w;) {
			if (!(qr->data[y * w + x] & 1)) {
				x++;
				continue;
			}
			int run = 1;
			while (x + run < w && (qr->data[y * w + x + run] & 1))
				run++;
			put(&o, "M%d %dh%dv1H", x + QUIET, y + QUIET, run);
			put(&o, "%dz", x + QUIET, 0, 0);
			x += run;
		}
	}
	put(&o, "\"/></svg>\n", 0, 0, 0);
	QRcode_free(qr);
	if (o.failed)
		goto fail;
	*out = o.buf;
	*out_len = o.len;
	return 0;
fail:
	free(o.buf);
	*out = NULL;
	*out_len = 0;
	return -1;
}
