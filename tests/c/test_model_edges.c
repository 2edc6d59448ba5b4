/* C test program for models at extreme but accepted parameters (issue 11: a BG/NBD with
 * r = 1e9 did not return from one prediction). Every prediction either returns finite values in
 * range or CVM_STATUS_NUMERICAL with the parameters in the message; none hangs (the kernels'
 * work is capped). Parameters just outside the domain [1e-10, 1e10] are rejected. */
#include "cvm.h"
#include "cvm_test.h"

static const double F[3] = {2, 0, 7}, R[3] = {30.43, 0, 35}, T[3] = {38.86, 38.86, 38.86};

static int outcome_ok(cvm_status s, const double *v, size_t n, double lo, double hi, const char *what) {
    if (s == CVM_STATUS_NUMERICAL) {
        int told = cvm_last_error_message()[0] != '\0';
        if (!told) fprintf(stderr, "%s: NUMERICAL without a message\n", what);
        return told;
    }
    if (s != CVM_STATUS_OK) {
        fprintf(stderr, "%s: %s: %s\n", what, cvm_status_name(s), cvm_last_error_message());
        return 0;
    }
    for (size_t i = 0; i < n; i++)
        if (!(isfinite(v[i]) && v[i] >= lo && v[i] <= hi)) {
            fprintf(stderr, "%s: value %zu = %g outside [%g, %g]\n", what, i, v[i], lo, hi);
            return 0;
        }
    return 1;
}

static void check_model(const char *kind, const double p[4]) {
    cvm_model *m = NULL;
    CHECK_STATUS(cvm_model_from_params(kind, p, 4, &m), CVM_STATUS_OK);
    if (!m) return;
    char what[128];
    snprintf(what, sizeof what, "%s(%g, %g, %g, %g)", kind, p[0], p[1], p[2], p[3]);
    double a[3], e[3], l[3], one;
    CHECK(outcome_ok(cvm_model_probability_alive(m, F, 3, R, 3, T, 3, a, 3), a, 3, 0, 1, what));
    CHECK(outcome_ok(cvm_model_conditional_expected_purchases(m, 39, F, 3, R, 3, T, 3, e, 3), e, 3, 0, INFINITY,
                     what));
    CHECK(outcome_ok(cvm_model_predict(m, 39, F, 3, R, 3, T, 3, a, e, 3), a, 3, 0, 1, what));
    double ts[2] = {1, 39};
    CHECK(outcome_ok(cvm_model_expected_purchases_new_customer(m, ts, 2, e, 2), e, 2, 0, INFINITY, what));
    CHECK(outcome_ok(cvm_model_probability_of_n_purchases(m, 3, 39, &one), &one, 1, 0, 1, what));
    CHECK(outcome_ok(cvm_model_log_likelihood_individual(m, F, 3, R, 3, T, 3, l, 3), l, 3, -INFINITY, 0, what));
    cvm_model_free(m);
}

/* The example, kept small (each call at such r does up to its capped work, ~0.1 s):
 * one customer's P(alive) and expected purchases in one pass. */
static void check_huge_r(const char *kind, double r) {
    const double p[4] = {r, 4.414, 0.793, 2.426};
    cvm_model *m = NULL;
    CHECK_STATUS(cvm_model_from_params(kind, p, 4, &m), CVM_STATUS_OK);
    if (!m) return;
    char what[64];
    snprintf(what, sizeof what, "%s(r = %g)", kind, r);
    double a, e;
    cvm_status s = cvm_model_predict(m, 39, F, 1, R, 1, T, 1, &a, &e, 1);
    CHECK(outcome_ok(s, &a, 1, 0, 1, what));
    if (s == CVM_STATUS_OK) CHECK(outcome_ok(s, &e, 1, 0, INFINITY, what));
    cvm_model_free(m);
}

int main(void) {
    check_huge_r("bg_nbd", 1e9);
    check_huge_r("mbg_nbd", 1e9);
    check_huge_r("bg_nbd", 1e10);
    const double rs[3] = {1e8, 1e9, 1e10};
    for (int i = 0; i < 3; i++) {
        const double pn[4] = {rs[i], 10.58, 0.61, 11.67};
        check_model("pareto_nbd", pn);
        const double big_alpha[4] = {0.243, rs[i], 0.793, 2.426};
        check_model("bg_nbd", big_alpha);
        const double big_ab[4] = {0.243, 4.414, rs[i], rs[i]};
        check_model("bg_nbd", big_ab);
        const double pn_s[4] = {0.55, 10.58, rs[i], rs[i]};
        check_model("pareto_nbd", pn_s);
    }
    const double tiny[4] = {1e-10, 1e-10, 1e-10, 1e-10};
    check_model("bg_nbd", tiny);
    check_model("pareto_nbd", tiny);
    /* Just outside the domain: rejected, naming the parameter. */
    cvm_model *m = NULL;
    const double over[4] = {1.0000001e10, 4.414, 0.793, 2.426};
    CHECK_STATUS(cvm_model_from_params("bg_nbd", over, 4, &m), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("r", -1);
    CHECK(m == NULL);
    return cvm_test_finish("test_model_edges_c");
}
