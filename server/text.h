/*
 * text.h — UTF-8 helpers shared by the protocol, the definitions and the
 * exports: validation, counting characters (code points), trimming white
 * space, detecting control characters, normalizing line ends.
 *
 * Boundary: bytes in, facts or bounds out. No JSON, no allocation except
 * text_normalize_newlines, no locale: the rules are Unicode's, the same on
 * every machine.
 *
 * Predicates return bool; everything else returns 0 or a negative code.
 * Except text_utf8_valid, every function expects valid UTF-8.
 */
#ifndef ATELIER_TEXT_H
#define ATELIER_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* True if buf[0..len) is well-formed UTF-8: shortest forms only, no
 * surrogates (U+D800..U+DFFF), nothing above U+10FFFF. NUL bytes are
 * valid UTF-8 (use text_has_control to refuse them). len 0 is valid. */
bool text_utf8_valid(const char *buf, size_t len);

/* Number of characters (Unicode code points) in the NUL-terminated s, or in
 * buf[0..len) for text_char_countn. NULL counts 0. */
size_t text_char_count(const char *s);
size_t text_char_countn(const char *buf, size_t len);

/* True if s[0..len) holds a control character: C0 (U+0000..U+001F, so NUL
 * and tab too), DEL (U+007F) or C1 (U+0080..U+009F). With allow_newline,
 * "\n" is not counted as one. text_has_control reads a NUL-terminated s
 * (so it cannot see an embedded NUL: use text_has_controln with the real
 * length for that). */
bool text_has_control(const char *s, bool allow_newline);
bool text_has_controln(const char *s, size_t len, bool allow_newline);

/* True if the code point at s (of at most len bytes) is white space:
 * Unicode White_Space (space, tab, line ends, U+00A0, U+1680,
 * U+2000..U+200A, U+2028, U+2029, U+202F, U+205F, U+3000) plus the
 * invisible U+200B ZERO WIDTH SPACE and U+FEFF BOM. *size (OUT, may be
 * NULL) receives the length in bytes of that code point (0 if len is 0). */
bool text_is_space(const char *s, size_t len, size_t *size /* OUT */);

/* Bounds of s[0..len) without white space (text_is_space) at either end:
 * the trimmed text is s[*start .. *start + *tlen). Nothing is copied or
 * written to s. A blank text gives *tlen == 0. Returns 0. */
int text_trim(const char *s, size_t len, size_t *start /* OUT */,
              size_t *tlen /* OUT */);

/* Copies s[0..len) into a malloc'd NUL-terminated string with every
 * "\r\n" replaced by "\n" (a lone "\r" is kept, it stays a control
 * character). *out (OUT) receives the copy (caller frees), *out_len its
 * length. Returns 0, or -1 on allocation failure (*out is then NULL). */
int text_normalize_newlines(const char *s, size_t len, char **out /* OUT */,
                            size_t *out_len /* OUT */);

/* Decodes the character at s[0..len) into *cp and returns its length in
 * bytes. Malformed bytes (overlong, surrogate, truncated, stray) count as
 * one byte of U+FFFD, so a caller always advances. A NUL stops a sequence
 * like any non-continuation byte, so on a NUL-terminated string len may
 * simply be 4. Returns 0 only when len is 0. */
size_t text_next(const char *s, size_t len, uint32_t *cp);

#endif
