/*
 * i18n.h — the interface catalogue (web/i18n.json, embedded at build time):
 * French first, English second. The pages read the same file.
 *
 * An i18n_cat is the catalogue parsed once, in one language. main.c makes
 * the process's own and passes it down to what speaks to a person (the
 * command line, the server's printout, the exports, the sentences of the
 * store's and the definitions' errors); a test makes the one it needs.
 *
 * Boundary: key -> text. Nothing else.
 */
#ifndef ATELIER_I18N_H
#define ATELIER_I18N_H

typedef struct i18n_cat i18n_cat;

/* The catalogue in language lang: "en", or "fr" for anything else (NULL
 * too). NULL when out of memory. */
i18n_cat *i18n_new(const char *lang);
void i18n_free(i18n_cat *cat); /* NULL is a no-op */

/* The language of the environment: "en" when the first of LC_ALL,
 * LC_MESSAGES and LANG that is set starts with "en", otherwise "fr". */
const char *i18n_env_lang(void);

/* The catalogue's language: "fr" or "en". */
const char *i18n_lang(const i18n_cat *cat);

/* Text for key in the catalogue's language, falling back to French, then
 * to the key itself. Never NULL; valid as long as cat. (The key comes
 * first so that every call names its key right after "i18n(", where the
 * catalogue test finds it.) */
const char *i18n(const char *key, const i18n_cat *cat);

/* The plural form of key for the count n: the text of key "_one" or key
 * "_other", French taking the singular for 0 and 1, English for 1 only
 * (as the pages do). The key itself when the catalogue lacks the form. */
const char *i18n_plural(const char *key, long long n, const i18n_cat *cat);

/* cat itself, or when cat is NULL a French catalogue made for the caller,
 * who frees *own (set to NULL when cat is not NULL) once done. NULL when
 * out of memory. For the functions that take NULL for French. */
const i18n_cat *i18n_or_french(const i18n_cat *cat, i18n_cat **own /* OUT */);

#endif
