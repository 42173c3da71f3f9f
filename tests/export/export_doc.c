/*
 * export_doc.c — a test helper for renderers.py: writes a synthesis
 * document (docs/EXPORTS.md) in every export format, as
 * `atelier export` does, so that the files can be read by real Markdown
 * renderers and HTML parsers.
 *
 *   export_doc DOC.json DIR
 *
 * writes DIR/<code>-synthese.<ext> for every format through export_write()
 * and prints the path of each file written, one a line. The interface
 * language is French whatever the environment says. Exit status 0, or 1
 * with a message on stderr.
 *
 * Boundary: reads one JSON file and calls the public export API; never
 * builds or changes the document (renderers.py does).
 */
#include <stdio.h>

#include <jansson.h>

#include "export.h"
#include "i18n.h"

int main(int argc, char **argv)
{
	json_error_t error;
	json_t *doc = NULL;
	i18n_cat *fr = NULL;
	char path[4096], err[512];
	int rc = 1;

	if (argc != 3) {
		fprintf(stderr, "usage: export_doc DOC.json DIR\n");
		return 1;
	}
	doc = json_load_file(argv[1], 0, &error);
	if (!doc) {
		fprintf(stderr, "%s:%d: %s\n", argv[1], error.line, error.text);
		goto done;
	}
	if (!(fr = i18n_new("fr"))) {
		fprintf(stderr, "out of memory\n");
		goto done;
	}
	for (int f = 0; f < EXPORT__COUNT; f++) {
		if (export_write(doc, (export_format)f, fr, argv[2], path, sizeof path, err,
		                 sizeof err) < 0) {
			fprintf(stderr, "%s\n", err);
			goto done;
		}
		printf("%s\n", path);
	}
	rc = 0;
done:
	i18n_free(fr);
	json_decref(doc);
	return rc;
}
