/*
 * test_html.c — the standalone HTML synthesis of the fixture: a page that
 * prints, the same content as Markdown, and user text that can never
 * become markup, a link or a script.
 */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fixture.h"

#define APPENDIX "<h2>Annexe\xc2\xa0: toutes les contributions</h2>"

/* The only elements and attributes the page may hold. */
static const char *const tags[] = {
	"html", "head", "meta", "title", "style", "body", "header", "footer",
	"section", "h1", "h2", "h3", "h4", "p", "strong", "table", "thead",
	"tbody", "tr", "th", "td", "ul", "ol", "li", "span", "br", NULL,
};
static const char *const attributes[] = {
	"lang", "charset", "name", "content", "http-equiv", "class", NULL,
};

static int listed(const char *const *list, const char *s, size_t n)
{
	for (; *list; list++) {
		if (strlen(*list) == n && strncmp(*list, s, n) == 0)
			return 1;
	}
	return 0;
}

/* Reads every tag of html and fails on an element or attribute outside
 * the lists (so no script, image, link or event handler); the <style>
 * content is skipped. Returns the number of tags read. */
static int scan_tags(const char *html)
{
	int n = 0;
	const char *p = html;

	if (strncmp(p, "<!DOCTYPE html>\n", 16) == 0)
		p += 16;
	while ((p = strchr(p, '<'))) {
		p++;
		p += *p == '/';
		size_t len = strspn(p, "abcdefghijklmnopqrstuvwxyz0123456789");
		if (!listed(tags, p, len))
			fail_msg("element <%.*s> at offset %ld", (int)len, p, (long)(p - html));
		int style = len == 5 && strncmp(p, "style", 5) == 0 && p[-1] != '/';
		p += len;
		while (*p && *p != '>') {
			while (isspace((unsigned char)*p))
				p++;
			if (*p == '>')
				break;
			len = strcspn(p, "= >");
			if (!listed(attributes, p, len))
				fail_msg("attribute %.*s at offset %ld", (int)len, p, (long)(p - html));
			p += len;
			if (*p == '=') {
				assert_int_equal(p[1], '"');
				p = strchr(p + 2, '"');
				assert_non_null(p);
				p++;
			}
		}
		assert_int_equal(*p, '>');
		if (style) {
			p = strstr(p, "</style>");
			assert_non_null(p);
		}
		n++;
	}
	return n;
}

static int count(const char *hay, const char *needle)
{
	int n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

static void test_standalone_page(void **state)
{
	(void)state;
	json_t *doc = fixture_load();
	char *html = fixture_render(doc, EXPORT_HTML, NULL);

	assert_ptr_equal(strstr(html, "<!DOCTYPE html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\">"), html);
	fixture_find(html, "<title>Synthèse — Cité éducative : séminaire de l’année</title>");
	fixture_find(html, "content=\"default-src 'none'; style-src 'unsafe-inline'\"");
	/* It prints: 11pt, a page per activity, bordered tables, no dark
	 * background. */
	const char *print = fixture_find(html, "@media print{");
	fixture_find(print, "font-size:11pt");
	fixture_find(print, "section.activity,section.appendix{break-before:page;");
	fixture_find(print, "background:#fff!important;color:#000!important");
	fixture_find(html, "th,td{border:1px solid #444;");
	assert_ptr_equal(strstr(html, "</body>\n</html>\n") + 16, html + strlen(html));
	assert_int_equal(count(html, "<section class=\"activity\">"), 2);
	assert_int_equal(count(html, "<section"), count(html, "</section>"));
	free(html);
	json_decref(doc);
}

static void test_content(void **state)
{
	(void)state;
	json_t *doc = fixture_load();
	char *html = fixture_render(doc, EXPORT_HTML, NULL);
	const char *appendix = fixture_find(html, APPENDIX);

	fixture_find(html, "<h1>Cité éducative : séminaire de l’année</h1>");
	fixture_find(html, "<strong>Date\xC2\xA0:</strong> 11 octobre 2022</p>");
	fixture_find(html, "<tr><td>Axe 1 : conforter le rôle de l’école</td><td class=\"n\">42</td>"
	                   "<td class=\"n\">17</td><td class=\"n\">31</td></tr>");
	fixture_find(html, "<tr class=\"total\"><th>Total</th><td class=\"n\">51</td>"
	                   "<td class=\"n\">27</td><td class=\"n\">60</td></tr>");
	fixture_find(html, "<li><span class=\"text\">Renforcer la médiation scolaire entre l’école et les familles</span>"
	                   " — <span class=\"votes\">9 votes</span> — <span class=\"author\">Parent d’élève</span></li>");
	fixture_before(html, appendix, ">Renforcer la médiation", ">&lt;script&gt;");
	fixture_before(html, appendix, ">&lt;script&gt;", ">&lt;img src");
	fixture_before(appendix, NULL, ">&lt;script&gt;", ">Renforcer la médiation");
	/* Orientations, numbered, with their example actions in order. */
	fixture_find(html, "<ol class=\"orientations\">\n<li class=\"orientation\"><span class=\"text\">"
	                   "Favoriser l’implication des parents par la co-éducation</span> — "
	                   "<span class=\"votes\">12 votes</span>\n<p class=\"label\">Exemples d’actions</p>\n"
	                   "<ul class=\"contributions\">\n<li><span class=\"text\">Faciliter la relation");
	fixture_before(html, appendix, "Faciliter la relation", "Sensibiliser les parents");
	fixture_before(html, appendix, "Sensibiliser les parents", "Développer des permanences");
	fixture_before(html, appendix, "Développer des permanences", ">Mettre en œuvre");
	fixture_before(html, appendix, ">Mettre en œuvre", ">Dispositif passerelle");
	fixture_before(html, appendix, ">Dispositif passerelle", ">Ouvrir le champ des possibles");
	fixture_find(html, "<p class=\"none\">Aucune contribution.</p>");
	/* Hidden contributions and the actions of a hidden orientation are
	 * left out; each shown one is one item in the body and one in the
	 * appendix. */
	assert_null(strstr(html, "MASQU"));
	assert_int_equal(count(html, "<li"), 2 * 27);
	free(html);
	json_decref(doc);
}

static void test_user_text_inert(void **state)
{
	(void)state;
	json_t *doc = fixture_load();
	char *html = fixture_render(doc, EXPORT_HTML, NULL);

	assert_true(scan_tags(html) > 100);
	assert_null(strstr(html, "<script"));
	assert_null(strstr(html, "<img"));
	assert_null(strstr(html, "<a "));
	assert_null(strstr(html, "href"));
	fixture_find(html, ">&lt;script&gt;alert(1)&lt;/script&gt;</span>");
	fixture_find(html, ">&lt;img src=x onerror=alert(1)&gt;</span>");
	fixture_find(html, ">[lien](javascript:alert(1))</span>");
	fixture_find(html, ">Il a dit &quot;bonjour&quot;, puis « merci » et c&#39;est tout</span>");
	fixture_find(html, ">Voir http://exemple.fr et www.exemple.fr pour le détail</span>");
	fixture_find(html, ">Première ligne<br># pas un titre<br>- pas une liste<br><br>1. pas");
	/* onerror= only ever appears as escaped text. */
	for (const char *p = html; (p = strstr(p, "onerror=")); p++)
		assert_memory_equal(p - 14, "&lt;img src=x ", 14);
	assert_null(strstr(html, "\xE2\x80\xAE"));
	fixture_find(html, ">exe.cod — texte inversé</span>");
	fixture_find(html, "<li><span class=\"text\">retour chariot au début</span>");
	free(html);
	json_decref(doc);
}

/* An author or a prompt that shows nothing once cleaned (white space,
 * bidi controls) is left out, not written as an empty element. */
static void test_blank_texts(void **state)
{
	(void)state;
	json_t *doc = fixture_load();
	json_t *acts = json_object_get(doc, "activities");
	json_t *salle = json_array_get(json_object_get(json_array_get(acts, 0), "boards"), 0);
	json_object_set_new(json_array_get(json_object_get(salle, "contributions"), 0), "author",
	                    json_string("\xE2\x80\xAE\xC2\xA0"));
	json_object_set_new(salle, "prompt", json_string(" \xE2\x81\xA6"));
	char *html = fixture_render(doc, EXPORT_HTML, NULL);

	fixture_find(html, "<h3>Questions à la salle</h3>\n<ul class=\"contributions\">\n");
	fixture_find(html, "<li><span class=\"text\">Renforcer la médiation scolaire entre l’école et "
	                   "les familles</span> — <span class=\"votes\">9 votes</span></li>");
	free(html);
	json_decref(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_standalone_page),
		cmocka_unit_test(test_content),
		cmocka_unit_test(test_user_text_inert),
		cmocka_unit_test(test_blank_texts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
