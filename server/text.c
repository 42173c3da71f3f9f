/*
 * text.c — UTF-8 helpers: validation, counting code points, white space,
 * control characters, line ends (see text.h for each contract).
 *
 * Boundary: owns the decoding of UTF-8 byte sequences for the whole server.
 * Pure functions over caller buffers: no JSON, no I/O, no locale, no state.
 * It must not know about messages, fields or limits: that is proto.c's and
 * defn.c's business.
 */
#include "text.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Decodes the code point at s[0..len) into *cp. Returns its length in
 * bytes (1 to 4), or 0 if the bytes there are not well-formed UTF-8
 * (overlong form, surrogate, above U+10FFFF, truncated, stray byte). */
static size_t decode(const unsigned char *s, size_t len, uint32_t *cp)
{
	size_t n;
	uint32_t c, min;

	if (len == 0)
		return 0;
	c = s[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if (c >= 0xC2 && c <= 0xDF) {
		n = 2;
		c &= 0x1F;
		min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 3;
		c &= 0x0F;
		min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4;
		c &= 0x07;
		min = 0x10000;
	} else {
		return 0; /* continuation byte, C0/C1 lead, F5..FF */
	}
	if (len < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return n;
}

/* Like decode, for text already known to be valid: a malformed byte is
 * taken as one unit (U+FFFD) so callers always advance and never read
 * past len. */
static size_t step(const unsigned char *s, size_t len, uint32_t *cp)
{
	size_t n = decode(s, len, cp);

	if (n == 0) {
		*cp = 0xFFFD;
		n = 1;
	}
	return n;
}

size_t text_next(const char *s, size_t len, uint32_t *cp)
{
	return len ? step((const unsigned char *)s, len, cp) : 0;
}

static bool is_space_cp(uint32_t c)
{
	return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 ||
	       c == 0x1680 || (c >= 0x2000 && c <= 0x200B) || c == 0x2028 ||
	       c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000 ||
	       c == 0xFEFF;
}

static bool is_control_cp(uint32_t c)
{
	return c < 0x20 || (c >= 0x7F && c <= 0x9F);
}

bool text_utf8_valid(const char *buf, size_t len)
{
	const unsigned char *s = (const unsigned char *)buf;
	size_t i = 0;
	uint32_t cp;

	while (i < len) {
		size_t n = decode(s + i, len - i, &cp);
		if (n == 0)
			return false;
		i += n;
	}
	return true;
}

size_t text_char_countn(const char *buf, size_t len)
{
	const unsigned char *s = (const unsigned char *)buf;
	size_t i = 0, count = 0;
	uint32_t cp;

	if (!buf)
		return 0;
	while (i < len) {
		i += step(s + i, len - i, &cp);
		count++;
	}
	return count;
}

size_t text_char_count(const char *s)
{
	return s ? text_char_countn(s, strlen(s)) : 0;
}

bool text_has_controln(const char *buf, size_t len, bool allow_newline)
{
	const unsigned char *s = (const unsigned char *)buf;
	size_t i = 0;
	uint32_t cp;

	if (!buf)
		return false;
	while (i < len) {
		i += step(s + i, len - i, &cp);
		if (is_control_cp(cp) && !(allow_newline && cp == '\n'))
			return true;
	}
	return false;
}

bool text_has_control(const char *s, bool allow_newline)
{
	return s ? text_has_controln(s, strlen(s), allow_newline) : false;
}

bool text_is_space(const char *s, size_t len, size_t *size)
{
	uint32_t cp = 0;
	size_t n = len ? step((const unsigned char *)s, len, &cp) : 0;

	if (size)
		*size = n;
	return n > 0 && is_space_cp(cp);
}

int text_trim(const char *s, size_t len, size_t *start, size_t *tlen)
{
	size_t b = 0, e, n;

	while (b < len && text_is_space(s + b, len - b, &n))
		b += n;
	e = b;
	/* Walk forward from b, remembering where the last non-space ends:
	 * UTF-8 can be read backwards, but forwards is simpler to get right. */
	for (size_t i = b; i < len; i += n) {
		if (!text_is_space(s + i, len - i, &n))
			e = i + n;
	}
	*start = b;
	*tlen = e - b;
	return 0;
}

int text_normalize_newlines(const char *s, size_t len, char **out,
                            size_t *out_len)
{
	char *copy = malloc(len + 1);
	size_t j = 0;

	*out = NULL;
	*out_len = 0;
	if (!copy)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\r' && i + 1 < len && s[i + 1] == '\n')
			continue; /* the "\n" that follows is copied next */
		copy[j++] = s[i];
	}
	copy[j] = '\0';
	*out = copy;
	*out_len = j;
	return 0;
}
