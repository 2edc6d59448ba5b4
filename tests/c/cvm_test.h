/* Minimal test harness shared by the C and C++ test programs of libcvm. */
#ifndef CVM_TEST_H
#define CVM_TEST_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cvm_test_passed = 0;
static int cvm_test_failed = 0;

#define CHECK(cond)                                                                   \
    do {                                                                              \
        if (cond) {                                                                   \
            cvm_test_passed++;                                                        \
        } else {                                                                      \
            cvm_test_failed++;                                                        \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);  \
        }                                                                             \
    } while (0)

#define CHECK_CLOSE(a, b, tol)                                                                \
    do {                                                                                      \
        double cvm_a_ = (a), cvm_b_ = (b);                                                    \
        if (fabs(cvm_a_ - cvm_b_) <= (tol)) {                                                 \
            cvm_test_passed++;                                                                \
        } else {                                                                              \
            cvm_test_failed++;                                                                \
            fprintf(stderr, "%s:%d: %s = %.12g, expected %.12g (tol %g)\n", __FILE__, __LINE__, \
                    #a, cvm_a_, cvm_b_, (double)(tol));                                        \
        }                                                                                     \
    } while (0)

#define CHECK_STATUS(call, expected)                                                     \
    do {                                                                                 \
        cvm_status cvm_s_ = (call);                                                      \
        if (cvm_s_ == (expected)) {                                                      \
            cvm_test_passed++;                                                           \
        } else {                                                                         \
            cvm_test_failed++;                                                           \
            fprintf(stderr, "%s:%d: %s returned %s (%s), expected %s\n", __FILE__, __LINE__, \
                    #call, cvm_status_name(cvm_s_), cvm_last_error_message(), #expected);  \
        }                                                                                \
    } while (0)

/* Checks the last error's field and index. */
#define CHECK_ERROR_AT(field, index)                                        \
    do {                                                                    \
        CHECK(strcmp(cvm_last_error_field(), (field)) == 0);                \
        CHECK(cvm_last_error_index() == (index));                           \
        if (strcmp(cvm_last_error_field(), (field)) != 0)                   \
            fprintf(stderr, "  field was '%s' (%s)\n", cvm_last_error_field(), \
                    cvm_last_error_message());                              \
    } while (0)

static inline int cvm_test_finish(const char *name) {
    printf("%s: %d passed, %d failed\n", name, cvm_test_passed, cvm_test_failed);
    return cvm_test_failed == 0 ? 0 : 1;
}

/* Reads a whole file (NUL-terminated); exits on failure. */
static inline char *cvm_read_file(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "cannot open %s\n", path);
        exit(2);
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = (char *)malloc((size_t)n + 1);
    if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
        fprintf(stderr, "cannot read %s\n", path);
        exit(2);
    }
    buf[n] = '\0';
    fclose(f);
    return buf;
}

#endif
