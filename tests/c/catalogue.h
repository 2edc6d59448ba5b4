/* The catalogue of bad inputs of the C API: one table of cases per area.
 *
 * Each area adds a file tests/c/catalogue_<area>.inc defining
 *
 *     static const cvm_case catalogue_<area>[] = {
 *         {"class: example", run_function, CVM_STATUS_..., "field", index, "message substring"},
 *         ...
 *     };
 *
 * (plus the static run functions it names). The Makefile lists every catalogue_*.inc in
 * build/catalogue_all.h and tests/c/test_catalogue.c runs every table; nothing else to edit.
 *
 * A run function makes one call that must fail and returns its status; it frees whatever it
 * created (the programs run under AddressSanitizer with leak detection and under valgrind).
 */
#ifndef CVM_CATALOGUE_H
#define CVM_CATALOGUE_H

#include <stddef.h>
#include <stdint.h>

#include "cvm.h"

/* `index` of a case that does not check the index. */
#define CVM_ANY_INDEX INT64_MIN

typedef struct cvm_case {
    /* "class: example", e.g. "unknown name: cvm_model_fit(\"bgnbd\")". */
    const char *name;
    /* Makes the call; returns its status. */
    cvm_status (*run)(void);
    /* Expected status. */
    cvm_status status;
    /* Expected cvm_last_error_field() (NULL: not checked). */
    const char *field;
    /* Expected cvm_last_error_index() (CVM_ANY_INDEX: not checked). */
    int64_t index;
    /* A substring of cvm_last_error_message() (NULL: not checked). */
    const char *message;
} cvm_case;

#define CVM_CASES(table) (sizeof(table) / sizeof((table)[0]))

#endif
