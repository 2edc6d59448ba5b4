/* Runs every case of the catalogue of bad inputs (tests/c/catalogue_*.inc, listed in the
 * generated build/catalogue_all.h): each call fails with the expected status, field, index and
 * message, and a successful call afterwards clears the last error.
 *
 * CVM_CATALOGUE_MARKDOWN=1 prints every case as a Markdown row `| class | example | C |`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalogue.h"
#include "cvm_test.h"

#include "catalogue_all.h" /* #includes each catalogue_<area>.inc; CVM_CATALOGUE_AREAS(X) */

static void run_case(const char *area, const cvm_case *c, int markdown) {
    cvm_clear_last_error();
    cvm_status s = c->run();
    const char *msg = cvm_last_error_message();
    const char *field = cvm_last_error_field();
    int64_t index = cvm_last_error_index();
    int ok = s == c->status && (c->field == NULL || strcmp(field, c->field) == 0) &&
             (c->index == CVM_ANY_INDEX || index == c->index) &&
             (c->message == NULL || strstr(msg, c->message) != NULL) && msg[0] != '\0';
    CHECK(ok);
    if (!ok) {
        fprintf(stderr,
                "[%s] %s:\n  got      %s field '%s' index %lld: %s\n  expected %s field '%s' index %lld "
                "message containing '%s'\n",
                area, c->name, cvm_status_name(s), field, (long long)index, msg,
                cvm_status_name(c->status), c->field ? c->field : "(any)", (long long)c->index,
                c->message ? c->message : "(any)");
    }
    if (markdown) {
        const char *colon = strchr(c->name, ':');
        int class_len = colon ? (int)(colon - c->name) : 0;
        const char *example = colon ? colon + 2 : c->name;
        printf("| %.*s | %s | `%s` field `%s` index %lld |\n", class_len, c->name, example,
               cvm_status_name(s), field, (long long)index);
    }
    /* A successful call clears the last error. */
    int64_t day = 0;
    CHECK(cvm_parse_date("2024-01-01", &day) == CVM_STATUS_OK);
    CHECK(strcmp(cvm_last_error_message(), "") == 0);
    CHECK(strcmp(cvm_last_error_field(), "") == 0);
    CHECK(cvm_last_error_index() == -1);
}

static size_t run_table(const char *area, const cvm_case *cases, size_t n, int markdown) {
    for (size_t i = 0; i < n; i++) run_case(area, &cases[i], markdown);
    return n;
}

int main(void) {
    const char *md = getenv("CVM_CATALOGUE_MARKDOWN");
    int markdown = md != NULL && md[0] == '1';
    size_t n = 0;
#define CVM_RUN_AREA(area) n += run_table(#area, catalogue_##area, CVM_CASES(catalogue_##area), markdown);
    CVM_CATALOGUE_AREAS(CVM_RUN_AREA)
#undef CVM_RUN_AREA
    printf("catalogue: %zu cases\n", n);
    return cvm_test_finish("test_catalogue");
}
