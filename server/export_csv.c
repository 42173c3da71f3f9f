/*
 * export_csv.c — the synthesis as a CSV table (RFC 4180): UTF-8 with a
 * byte order mark so spreadsheets detect the encoding, ',' between cells,
 * CRLF after each row.
 *
 * Boundary: one header row (from the catalogue), then one row per visible
 * contribution and per visible example action, in document order. Every
 * cell goes through export_text_csv() (quoting, formula guard). Must not
 * write files or render any other format.
 */
#include "export.h"

#include <stdio.h>

#include "export_text.h"
#include "i18n.h"

#define BOM "\xEF\xBB\xBF"
#define COLUMNS 10

/* The column heads, in row order. */
static const char *const heads[COLUMNS] = {
	"export.csv.activity", "export.csv.board",   "export.csv.type",
	"export.csv.parent",   "export.csv.id",      "export.csv.text",
	"export.csv.author",   "export.csv.votes",   "export.csv.created",
	"export.csv.edited",
};

/* Writes cells as one row. */
static void put_row(export_text *t, const char *const cells[COLUMNS])
{
	for (int i = 0; i < COLUMNS; i++) {
		if (i)
			export_text_put(t, ",");
		export_text_csv(t, cells[i]);
	}
	export_text_put(t, "\r\n");
}

/* The row of contribution c of board b in activity a; type is a catalogue
 * key, parent the id of its orientation or "". */
static void contribution(export_text *t, json_t *a, json_t *b, json_t *c,
                         const char *type, const char *parent)
{
	const i18n_cat *cat = export_text_cat(t);
	char id[32], votes[32];
	snprintf(id, sizeof id, "%lld", export_text_int(c, "id"));
	snprintf(votes, sizeof votes, "%lld", export_text_int(c, "votes"));
	const char *cells[COLUMNS] = {
		export_text_str(a, "title"), export_text_str(b, "title"), i18n(type, cat),
		parent, id, export_text_str(c, "text"), export_text_str(c, "author"),
		votes, export_text_str(c, "created"),
		i18n(json_is_true(json_object_get(c, "edited")) ? "export.yes" : "export.no", cat),
	};
	put_row(t, cells);
}

/* The rows of board b: each visible contribution, and after an orientation
 * its visible example actions in their order. */
static void board(export_text *t, json_t *a, json_t *b)
{
	int orientations = export_text_orientations(b);
	json_t *c, *x;
	size_t i, j;

	json_array_foreach(json_object_get(b, "contributions"), i, c) {
		char parent[32];
		if (!export_text_visible(c))
			continue;
		contribution(t, a, b, c,
		             orientations ? "export.type.orientation" : "export.type.contribution",
		             "");
		snprintf(parent, sizeof parent, "%lld", export_text_int(c, "id"));
		json_array_foreach(json_object_get(c, "actions"), j, x) {
			if (export_text_visible(x))
				contribution(t, a, b, x, "export.type.action", parent);
		}
	}
}

int export_csv(json_t *doc, const i18n_cat *cat, char **out, size_t *out_len)
{
	export_text *t = export_text_new(cat);
	const char *cells[COLUMNS];
	json_t *a, *b;
	size_t i, j;
	int rc = -1;

	*out = NULL;
	*out_len = 0;
	if (!t || !json_is_object(doc))
		goto done;
	export_text_put(t, BOM);
	for (i = 0; i < COLUMNS; i++)
		cells[i] = i18n(heads[i], cat);
	put_row(t, cells);
	json_array_foreach(json_object_get(doc, "activities"), i, a) {
		json_array_foreach(json_object_get(a, "boards"), j, b)
			board(t, a, b);
	}
	rc = export_text_take(t, out, out_len);
done:
	export_text_free(t);
	return rc;
}
