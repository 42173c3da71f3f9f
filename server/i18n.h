/*
 * i18n.h — the interface catalogue (web/i18n.json, embedded at build time):
 * French first, English second. The pages read the same file.
 *
 * Boundary: key -> text. Nothing else.
 */
#ifndef ATELIER_I18N_H
#define ATELIER_I18N_H

/* Chooses the language: "fr" (default) or "en". Anything else keeps "fr".
 * i18n_init_from_env() picks "en" when LC_ALL, LC_MESSAGES or LANG starts
 * with "en", otherwise "fr". */
void i18n_set_lang(const char *lang);
void i18n_init_from_env(void);
const char *i18n_lang(void);

/* Text for key in the current language, falling back to French, then to
 * the key itself. Never NULL; valid for the life of the process. */
const char *i18n(const char *key);

/* The plural form of key for the count n: the text of key "_one" or key
 * "_other", French taking the singular for 0 and 1, English for 1 only
 * (as the pages do). The key itself when the catalogue lacks the form. */
const char *i18n_plural(const char *key, long long n);

#endif
