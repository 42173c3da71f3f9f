/*
 * view_screen.h — the projection screens on the wire (docs/PROTOCOL.md,
 * "Screens"): the screen object, the replies about screens and their
 * events.
 *
 * Boundary: store_screen structs in, encoded text out (jansson inside).
 * A screen's object is the same for every audience: it holds no text of
 * a participant and never its token. No network, no SQLite, no rules.
 * Each function returns a malloc'd text, or NULL when out of memory.
 */
#ifndef ATELIER_VIEW_SCREEN_H
#define ATELIER_VIEW_SCREEN_H

#include <stddef.h>
#include "store_screen.h"

/* {"type":"screen","re","screen"}: the reply to a screen's screen_hello. */
char *view_screen_hello(const char *re, const store_screen *sc);

/* {"type":"ack","re","screen"}: the reply to screen_pair, screen_set. */
char *view_screen_ack(const char *re, const store_screen *sc);

/* {"type":"screens","re","screens":[screen…]}: the reply to screen_list. */
char *view_screen_list(const char *re, const store_screen *items, size_t n);

/* {"type":"event","seq","kind":"screen","screen"}. */
char *view_screen_event(long long seq, const store_screen *sc);

#endif
