/*
 * i18n.c — looks texts up in the embedded catalogue (web/i18n.json).
 *
 * The catalogue is one JSON object: { "key": { "fr": "...", "en": "..." } }.
 * Each i18n_cat parses it once and keeps it with its language. Holds no
 * state outside the objects it makes (no globals: main.c makes the
 * process's catalogue and passes it down).
 */
#include "i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

extern const unsigned char catalogue_data[];
extern const unsigned long catalogue_size;

struct i18n_cat {
	json_t *entries;  /* the parsed catalogue */
	const char *lang; /* "fr" or "en" */
};

i18n_cat *i18n_new(const char *lang)
{
	i18n_cat *cat = calloc(1, sizeof *cat);
	if (!cat)
		return NULL;
	cat->lang = lang && strcmp(lang, "en") == 0 ? "en" : "fr";
	cat->entries = json_loadb((const char *)catalogue_data, catalogue_size, 0, NULL);
	if (!cat->entries) {
		free(cat);
		return NULL;
	}
	return cat;
}

void i18n_free(i18n_cat *cat)
{
	if (!cat)
		return;
	json_decref(cat->entries);
	free(cat);
}

const char *i18n_env_lang(void)
{
	const char *vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
	for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
		const char *v = getenv(vars[i]);
		if (v && *v)
			return strncmp(v, "en", 2) == 0 ? "en" : "fr";
	}
	return "fr";
}

const char *i18n_lang(const i18n_cat *cat)
{
	return cat->lang;
}

const i18n_cat *i18n_or_french(const i18n_cat *cat, i18n_cat **own)
{
	*own = cat ? NULL : i18n_new("fr");
	return cat ? cat : *own;
}

/* Text for key in the catalogue's language, falling back to French; NULL
 * when the catalogue has no such key. */
static const char *lookup(const i18n_cat *cat, const char *key)
{
	json_t *entry = json_object_get(cat->entries, key);
	const char *text = json_string_value(json_object_get(entry, cat->lang));
	if (!text)
		text = json_string_value(json_object_get(entry, "fr"));
	return text;
}

const char *i18n(const char *key, const i18n_cat *cat)
{
	const char *text = lookup(cat, key);
	return text ? text : key;
}

const char *i18n_plural(const char *key, long long n, const i18n_cat *cat)
{
	/* The rule of web/js/i18n.js tn(). */
	int one = strcmp(cat->lang, "fr") == 0 ? n > -2 && n < 2 : n == 1;
	char full[128];
	const char *text;

	snprintf(full, sizeof full, "%s%s", key, one ? "_one" : "_other");
	text = lookup(cat, full);
	return text ? text : key;
}
