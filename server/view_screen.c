/*
 * view_screen.c — the screens' wire shapes (view_screen.h): the screen
 * object {"id","pairing","code","activity","follow","mode","contribution",
 * "join","console"} in replies and events.
 *
 * Boundary: structs to JSON text. A paired screen's pairing code is not
 * shown again (null), nor, ever, its token. No rules, no SQL.
 */
#include "view_screen.h"

#include <jansson.h>

#include "proto.h"

static json_t *str_or_null(const char *s)
{
	return s && *s ? json_string(s) : json_null();
}

static json_t *screen(const store_screen *sc)
{
	const vocab_screen_row *mode = vocab_screen(sc->mode);

	if (!mode)
		return NULL;
	return json_pack("{s:I, s:o, s:o, s:o, s:b, s:s, s:o, s:b, s:o}", "id",
	                 (json_int_t)sc->id, "pairing",
	                 str_or_null(sc->seminar_id ? NULL : sc->pairing), "code",
	                 str_or_null(sc->seminar_id ? sc->code : NULL), "activity",
	                 str_or_null(sc->activity_id ? sc->activity : NULL), "follow", sc->follow,
	                 "mode", mode->name, "contribution",
	                 sc->contribution_id > 0 ? json_integer(sc->contribution_id) : json_null(),
	                 "join", sc->join_panel, "console", str_or_null(sc->console));
}

static char *reply(const char *type, const char *re, json_t *body)
{
	char *text = body ? proto_encode_reply(type, re, body) : NULL;
	json_decref(body);
	return text;
}

char *view_screen_hello(const char *re, const store_screen *sc)
{
	return reply("screen", re, json_pack("{s:o}", "screen", screen(sc)));
}

char *view_screen_ack(const char *re, const store_screen *sc)
{
	return reply("ack", re, json_pack("{s:o}", "screen", screen(sc)));
}

char *view_screen_list(const char *re, const store_screen *items, size_t n)
{
	json_t *list = json_array();

	for (size_t i = 0; list && i < n; i++)
		if (json_array_append_new(list, screen(&items[i]))) {
			json_decref(list);
			list = NULL;
		}
	return list ? reply("screens", re, json_pack("{s:o}", "screens", list)) : NULL;
}

char *view_screen_event(long long seq, const store_screen *sc)
{
	json_t *o = screen(sc);
	char *text = o ? proto_encode_event(seq, "screen", o) : NULL;

	json_decref(o);
	return text;
}
