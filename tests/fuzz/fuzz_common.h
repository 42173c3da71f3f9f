/*
 * fuzz_common.h — what every harness of tests/fuzz/ defines and shares.
 * With -DATELIER_FUZZ=ON libFuzzer calls LLVMFuzzerTestOneInput; otherwise
 * replay.c feeds it every file of a corpus folder, as an ordinary ctest.
 */
#ifndef ATELIER_FUZZ_COMMON_H
#define ATELIER_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>

/* Runs one input. Returns 0; a fault aborts (sanitizers, or fuzz_check). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Aborts with a message when cond is false: a property every input must
 * keep (a reply that is not JSON, an error that still broadcasts...). */
#define fuzz_check(cond) \
	((cond) ? (void)0 : fuzz_fail(#cond, __FILE__, __LINE__))
void fuzz_fail(const char *what, const char *file, int line);

/* Checks that text holds exactly len bytes (no NUL inside) and is one
 * JSON value without duplicate keys; aborts otherwise. */
void fuzz_check_json(const char *text, size_t len);

#endif
