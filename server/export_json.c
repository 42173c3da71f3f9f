/*
 * export_json.c — the synthesis as JSON: the document itself (complete,
 * hidden contributions included, re-importable), pretty-printed.
 *
 * Boundary: document in, text out, through jansson's encoder (which
 * escapes what JSON needs). Must not change the document or write files.
 */
#include "export.h"

#include <stdlib.h>
#include <string.h>

/* Two-space indentation, UTF-8 left as is, keys in document order (jansson
 * keeps insertion order), then a newline. */
int export_json(json_t *doc, const i18n_cat *cat, char **out, size_t *out_len)
{
	char *text = NULL;
	size_t len;
	int rc = -1;

	(void)cat; /* the document's own words: no catalogue */
	*out = NULL;
	*out_len = 0;
	if (!json_is_object(doc))
		goto done;
	text = json_dumps(doc, JSON_INDENT(2));
	if (!text)
		goto done;
	len = strlen(text);
	/* The newline goes at the end of jansson's own buffer (malloc'd:
	 * no custom allocator is set). */
	char *grown = realloc(text, len + 2);
	if (!grown)
		goto done;
	text = grown;
	text[len] = '\n';
	text[len + 1] = '\0';
	*out = text;
	*out_len = len + 1;
	text = NULL;
	rc = 0;
done:
	free(text);
	return rc;
}
