/*
 * test_markdown.c — the Markdown synthesis of the fixture: content, order,
 * hidden contributions left out, and user text that stays inert.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fixture.h"
#include "i18n.h"

#define APPENDIX "\n## Annexe\xc2\xa0: toutes les contributions\n"

/* Counts the lines of text[0..end) that are list items: "- ", "   - " or
 * "N. " at the start of a line. */
static int list_items(const char *text, const char *end)
{
	int n = 0;
	for (const char *p = text; p && p < end; p = strchr(p, '\n')) {
		p += *p == '\n';
		const char *q = p + strspn(p, " ");
		if (strncmp(q, "- ", 2) == 0)
			n++;
		else if (q == p && q[strspn(q, "0123456789")] == '.' && *q >= '1' && *q <= '9')
			n++;
	}
	return n;
}

/* fixture_each: counts shown contributions, checks hidden texts are absent. */
static void check_one(void *ctx, json_t *a, json_t *b, json_t *parent, json_t *c,
                      int shown)
{
	const char **out = ctx;
	const char *text = json_string_value(json_object_get(c, "text"));
	(void)a;
	(void)b;
	(void)parent;
	if (shown)
		((int *)out[1])[0]++;
	else if (text && strstr(out[0], text))
		fail_msg("a hidden text is shown: %s", text);
}

static void test_header_and_totals(void **state)
{
	(void)state;
	json_t *doc = fixture_load();
	char *md = fixture_render(doc, EXPORT_MD, NULL);

	assert_ptr_equal(strstr(md, "# Cité éducative : séminaire de l’année\n"), md);
	fixture_find(md, "**Date\xC2\xA0:** 11 octobre 2022\n");
	fixture_find(md, "**Lieu\xC2\xA0:** Roubaix, salle des fêtes\n");
	fixture_find(md, "Bilan partagé des trois axes et ateliers de l’après\\-midi\\.");
	fixture_find(md, "| Atelier | Participants | Contributions | Votes |\n| --- |");
	fixture_find(md, "| Axe 1 : conforter le rôle de l’école | 42 | 17 | 31 |\n");
	fixture_find(md, "| Orientations stratégiques | 17 | 10 | 29 |\n");
	fixture_find(md, "| **Total** | 51 | 27 | 60 |\n");
	fixture_find(md, "**Animation\xC2\xA0:** animateur·rice, chef de file Éducation nationale\n");
	fixture_find(md, "\n*Synthèse produite par Atelier le 11 octobre 2022\\.*\n");
	free(md);
	json_decref(doc);
}

static void test_order_and_appendix(void **state)
{
	(void)state;
	json_t *doc = fixture_load();
	char *md = fixture_render(doc, EXPORT_MD, NULL);
	const char *appendix = fixture_find(md, APPENDIX);

	/* By votes in the body, in creation order in the appendix. */
	fixture_before(md, appendix, "- Renforcer la médiation scolaire", "- \\<script\\>");
	fixture_before(md, appendix, "- \\<script\\>", "- \\<img src");
	fixture_before(md, appendix, "- \\<img src", "- `[lien](javascript:alert(1))`");
	fixture_before(md, appendix, "## Axe 1", "### Questions à la salle");
	fixture_before(md, appendix, "### Questions à la salle", "## Orientations stratégiques");
	fixture_before(appendix, NULL, "- \\<script\\>", "- Renforcer la médiation scolaire");
	fixture_before(appendix, NULL, "1. **Mettre en œuvre", "2. **Favoriser");
	fixture_find(md, "- Renforcer la médiation scolaire entre l’école et les familles — 9 votes — *Parent d’élève*\n");
	fixture_find(md, "- \\-2\\+3 — 1 vote\n");
	fixture_find(md, "### Panneau sans contribution visible\n\nAucune contribution\\.\n");
	free(md);
	json_decref(doc);
}

static void test_orientations(void **state)
{
	(void)state;
	json_t *doc = fixture_load();
	char *md = fixture_render(doc, EXPORT_MD, NULL);
	const char *appendix = fixture_find(md, APPENDIX);

	fixture_find(md, "\n1. **Favoriser l’implication des parents par la co\\-éducation** — 12 votes\n"
	                 "\n   Exemples d’actions\n\n"
	                 "   - Faciliter la relation école\\-enfants\\-parents via la médiation scolaire — 0 vote\n"
	                 "   - Sensibiliser les parents au bien\\-être des enfants — 0 vote\n"
	                 "   - Développer des permanences psychologiques et parentalité — 0 vote\n");
	fixture_before(md, appendix, "1. **Favoriser", "2. **Mettre en œuvre une logique de parcours éducatifs de 0 à 25 ans** — 7 votes — *Chef de file Éducation nationale*\n");
	fixture_before(md, appendix, "2. **Mettre en œuvre", "   - Dispositif passerelle — 0 vote\n   - Parcours sport");
	fixture_before(md, appendix, "   - Parcours sport", "3. **Ouvrir le champ des possibles** — 2 votes\n");
	free(md);
	json_decref(doc);
}

static void test_hidden_left_out(void **state)
{
	(void)state;
	json_t *doc = fixture_load();
	char *md = fixture_render(doc, EXPORT_MD, NULL);
	const char *appendix = fixture_find(md, APPENDIX);
	int shown = 0;
	const char *ctx[2] = {md, (const char *)&shown};

	fixture_each(doc, check_one, ctx);
	assert_int_equal(shown, 27);
	assert_null(strstr(md, "MASQU"));
	/* Each shown contribution is one list item in the body and one in the
	 * appendix. */
	assert_int_equal(list_items(md, appendix), shown);
	assert_int_equal(list_items(appendix, appendix + strlen(appendix)), shown);
	free(md);
	json_decref(doc);
}

/* A copy of md with each code span, fences included, blanked out with
 * spaces. Spans are found as CommonMark finds them in this output: a run
 * of backticks that no backslash escapes opens one, the next run of the
 * same length closes it, on the same line. */
static char *without_code(const char *md)
{
	char *out = strdup(md);
	assert_non_null(out);
	for (char *p = out; *p;) {
		if (*p == '\\' && p[1]) {
			p += 2;
			continue;
		}
		if (*p != '`') {
			p++;
			continue;
		}
		size_t n = strspn(p, "`"), m;
		char *q = p + n;
		while ((q = strchr(q, '`')) && (m = strspn(q, "`")) != n)
			q += m;
		if (!q || memchr(p, '\n', (size_t)(q - p)))
			fail_msg("a code span left open at offset %ld", (long)(p - out));
		memset(p, ' ', (size_t)(q + n - p));
		p = q + n;
	}
	return out;
}

static void test_user_text_inert(void **state)
{
	(void)state;
	json_t *doc = fixture_load();
	char *md = fixture_render(doc, EXPORT_MD, NULL);
	char *text = without_code(md);

	/* Outside code spans: no link or image, no HTML, no automatic link. */
	assert_null(strstr(text, "]("));
	assert_null(strstr(text, "://"));
	assert_null(strstr(text, "www."));
	for (const char *p = text; *p; p++) {
		if (strchr("<>[]`|@", *p) && *p && (p == text || p[-1] != '\\')) {
			/* Our own table rows are the only bare pipes. */
			if (*p == '|' && (p == text || p[-1] == '\n' || p[-1] == ' ' || p[1] == '\n'))
				continue;
			fail_msg("bare '%c' at offset %ld", *p, (long)(p - text));
		}
	}
	fixture_find(md, "- \\<script\\>alert\\(1\\)\\</script\\> — 5 votes\n");
	/* What a renderer could read as a link is code, shown as typed. */
	fixture_find(md, "- `![img](http://x/y.png)` — 3 votes\n");
	fixture_find(md, "- `[lien](javascript:alert(1))` — 3 votes\n");
	fixture_find(md, "- Voir `http://exemple.fr` et `www.exemple.fr` pour le détail");
	/* A multi-line text stays in its item: no heading, no list, no table. */
	fixture_find(md, "- Première ligne\\\n  \\# pas un titre\\\n  \\- pas une liste\\\n"
	                 "  1\\. pas une liste numérotée — 0 vote\n");
	fixture_find(md, "- \\| a \\| b \\|\\\n  \\|\\-\\-\\-\\|\\-\\-\\-\\|\\\n");
	assert_null(strstr(md, "\n# pas"));
	assert_null(strstr(md, "\n|---"));
	/* Formula-like texts only lose their syntax, or are code (a ':'
	 * after letters and digits, an '@'). */
	fixture_find(md, "- \\+cmd — 2 votes\n");
	fixture_find(md, "- `=SUM(A1:A2)` — 2 votes\n");
	fixture_find(md, "- `@x` — 1 vote\n");
	free(text);
	free(md);
	json_decref(doc);
}

static void test_unicode_intact(void **state)
{
	(void)state;
	json_t *doc = fixture_load();
	char *md = fixture_render(doc, EXPORT_MD, NULL);
	json_t *salle = json_object_get(json_array_get(json_object_get(
		json_array_get(json_object_get(doc, "activities"), 0), "boards"), 0),
		"contributions");
	const char *emoji = NULL;
	size_t i;
	json_t *c;

	json_array_foreach(salle, i, c) {
		if (json_integer_value(json_object_get(c, "id")) == 29)
			emoji = json_string_value(json_object_get(c, "text"));
	}
	assert_non_null(emoji);
	assert_int_equal(strlen(emoji), 800);
	fixture_find(md, emoji);
	fixture_find(md, "m\xC3\xA9" "diation");      /* é */
	fixture_find(md, "Mettre en \xC5\x93uvre");     /* œ */
	fixture_find(md, "animateur\xC2\xB7rice");      /* · */
	/* The right-to-left override is left out, its text kept. */
	assert_null(strstr(md, "\xE2\x80\xAE"));
	fixture_find(md, "- `exe.cod` — texte inversé — 0 vote\n");
	free(md);
	json_decref(doc);
}

/* An author, a prompt or an orientation that shows nothing once cleaned
 * (white space, bidi controls) is left out: no empty emphasis "**" or
 * "****" stays in its place. */
static void test_blank_texts(void **state)
{
	(void)state;
	json_t *doc = fixture_load();
	json_t *acts = json_object_get(doc, "activities");
	json_t *salle = json_array_get(json_object_get(json_array_get(acts, 0), "boards"), 0);
	json_t *orient = json_array_get(json_object_get(json_array_get(acts, 1), "boards"), 0);
	json_object_set_new(json_array_get(json_object_get(salle, "contributions"), 0), "author",
	                    json_string("\xE2\x80\xAE\xC2\xA0"));
	json_object_set_new(salle, "prompt", json_string(" \xE2\x81\xA6"));
	json_object_set_new(json_array_get(json_object_get(orient, "contributions"), 0), "text",
	                    json_string("\xE2\x80\xAE"));
	char *md = fixture_render(doc, EXPORT_MD, NULL);

	fixture_find(md, "### Questions à la salle\n\n- Renforcer la médiation scolaire entre "
	                 "l’école et les familles — 9 votes\n");
	fixture_find(md, "\n1. — 12 votes\n\n   Exemples d’actions\n\n   - Faciliter");
	assert_null(strstr(md, "****"));
	assert_null(strstr(md, "— **"));
	free(md);
	json_decref(doc);
}

static void test_english(void **state)
{
	(void)state;
	json_t *doc = fixture_load();
	char *md = fixture_render_in(doc, EXPORT_MD, "en", NULL);

	fixture_find(md, "**Date:** 11 October 2022\n");
	fixture_find(md, "\n## Appendix: all contributions\n");
	fixture_find(md, "   Example actions\n");
	fixture_find(md, "— 0 votes\n");
	fixture_find(md, "— 1 vote\n");
	free(md);
	json_decref(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_and_totals),
		cmocka_unit_test(test_order_and_appendix),
		cmocka_unit_test(test_orientations),
		cmocka_unit_test(test_hidden_left_out),
		cmocka_unit_test(test_user_text_inert),
		cmocka_unit_test(test_unicode_intact),
		cmocka_unit_test(test_blank_texts),
		cmocka_unit_test(test_english),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
