/*
 * qr.h — QR codes as SVG, for the join address shown on the screen.
 *
 * Boundary: text in, SVG text out (libqrencode does the encoding).
 */
#ifndef ATELIER_QR_H
#define ATELIER_QR_H

#include <stddef.h>

/* Encodes text (error correction level M) as a standalone SVG document,
 * dark modules in black on white with a 4-module quiet zone. Returns 0 and
 * a malloc'd NUL-terminated *out of *out_len bytes, or -1. */
int qr_svg(const char *text, char **out, size_t *out_len);

#endif
