/*
 * export.h — the synthesis of a seminar in Markdown, HTML, CSV and JSON.
 *
 * Boundary: a synthesis document (from store_dump(), shape in
 * docs/EXPORTS.md) in, text out. No SQLite, no network; export.c alone
 * writes files. Every user text is escaped for its format.
 */
#ifndef ATELIER_EXPORT_H
#define ATELIER_EXPORT_H

#include <stddef.h>
#include <jansson.h>
#include "i18n.h"

typedef enum export_format {
	EXPORT_MD = 0,
	EXPORT_HTML,
	EXPORT_CSV,
	EXPORT_JSON,
	EXPORT__COUNT
} export_format;

/* "md" -> EXPORT_MD ...; returns -1 for an unknown name. */
int export_format_parse(const char *name);
const char *export_format_ext(export_format f);  /* "md", "html", "csv", "json" */
const char *export_format_mime(export_format f); /* "text/markdown; charset=utf-8" ... */

/* Renders doc (borrowed) in format f, in the language of cat (borrowed;
 * NULL: French). On success returns 0 and *out is a malloc'd buffer of
 * *out_len bytes (NUL-terminated as well). */
int export_render(json_t *doc, export_format f, const i18n_cat *cat, char **out, size_t *out_len);

/* One function per format, called by export_render (cat not NULL). */
int export_markdown(json_t *doc, const i18n_cat *cat, char **out, size_t *out_len);
int export_html(json_t *doc, const i18n_cat *cat, char **out, size_t *out_len);
int export_csv(json_t *doc, const i18n_cat *cat, char **out, size_t *out_len);
int export_json(json_t *doc, const i18n_cat *cat, char **out, size_t *out_len);

/* Writes doc in format f, in the language of cat (NULL: French), to
 * dir/<code>-synthese.<ext> (atomically: a temporary file then rename).
 * The path written goes to path_out. Returns 0, or -1 with a sentence of
 * the catalogue in err. */
int export_write(json_t *doc, export_format f, const i18n_cat *cat, const char *dir, char *path_out,
                 size_t path_len, char *err, size_t err_len);

#endif
