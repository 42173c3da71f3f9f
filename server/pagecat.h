/*
 * pagecat.h — the catalogue of one page in one language, for the browser:
 * the subset of web/i18n.json a page needs (its own keys, "common." and
 * "err."), as {"key": "text"}, plain and in gzip.
 *
 * Boundary: reads the catalogue file it was given, by path, and nothing
 * else; no network. web/i18n.json stays the one source: a subset is made
 * from the file as it is now, and made again when the file changes.
 */
#ifndef ATELIER_PAGECAT_H
#define ATELIER_PAGECAT_H

#include <stddef.h>

typedef struct pagecat pagecat;

/* The pages and their key prefixes: "phone" (index.html), "screen"
 * (ecran.html), "facil" (animation.html). Languages: "fr", "en". */

/* The subset of catalogue (a JSON text in the format of web/i18n.json:
 * {"key": {"fr": "...", "en": "..."}}) for page in lang: every key that
 * starts with "PAGE.", "common." or "err.", with its text in lang (the
 * French one where lang has none), as one compact JSON object, keys
 * sorted. Caller frees. NULL when lang or page is not one of the above,
 * or catalogue is not such an object. */
char *pagecat_subset(const char *catalogue, size_t len, const char *lang, const char *page);

/* A cache of subsets made from the catalogue file at path (copied).
 * NULL when out of memory. */
pagecat *pagecat_new(const char *path);

/* Frees it; NULL is a no-op. */
void pagecat_free(pagecat *c);

/* The subset for (lang, page), from the file as it is now (made again
 * when its size, modification time or inode changed): *body, *len, and
 * *etag (a quoted strong validator of these bytes). With gzip set, the
 * bytes are the subset in gzip and the ETag another one. All three stay
 * valid until the next call. 0; -1 when lang or page is unknown; -2 when
 * the file cannot be read or parsed, or out of memory. */
int pagecat_get(pagecat *c, const char *lang, const char *page, int gzip,
                const unsigned char **body /* OUT */, size_t *len /* OUT */,
                const char **etag /* OUT */);

#endif
