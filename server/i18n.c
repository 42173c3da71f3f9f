/*
 * i18n.c — looks texts up in the embedded catalogue (web/i18n.json).
 *
 * The catalogue is one JSON object: { "key": { "fr": "...", "en": "..." } }.
 * It is parsed once, on first use, and kept for the life of the process.
 * Owns no other state than the chosen language.
 */
#include "i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

extern const unsigned char catalogue_data[];
extern const unsigned long catalogue_size;

static json_t *catalogue; /* parsed on first use, never freed */
static const char *lang = "fr";

void i18n_set_lang(const char *l)
{
	if (l && strcmp(l, "en") == 0)
		lang = "en";
	else
		lang = "fr";
}

void i18n_init_from_env(void)
{
	const char *vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
	for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
		const char *v = getenv(vars[i]);
		if (v && *v) {
			i18n_set_lang(strncmp(v, "en", 2) == 0 ? "en" : "fr");
			return;
		}
	}
	i18n_set_lang("fr");
}

const char *i18n_lang(void)
{
	return lang;
}

/* Text for key in the current language, falling back to French; NULL
 * when the catalogue has no such key. */
static const char *lookup(const char *key)
{
	if (!catalogue) {
		catalogue = json_loadb((const char *)catalogue_data, catalogue_size, 0, NULL);
		if (!catalogue)
			return NULL;
	}
	json_t *entry = json_object_get(catalogue, key);
	const char *text = json_string_value(json_object_get(entry, lang));
	if (!text)
		text = json_string_value(json_object_get(entry, "fr"));
	return text;
}

const char *i18n(const char *key)
{
	const char *text = lookup(key);
	return text ? text : key;
}

const char *i18n_plural(const char *key, long long n)
{
	/* The rule of web/js/i18n.js tn(). */
	int one = strcmp(lang, "fr") == 0 ? n > -2 && n < 2 : n == 1;
	char full[128];
	const char *text;

	snprintf(full, sizeof full, "%s%s", key, one ? "_one" : "_other");
	text = lookup(full);
	return text ? text : key;
}
