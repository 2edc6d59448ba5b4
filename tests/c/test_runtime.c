/* C test program for libcvm's run-time API: version numbers and the header check, the thread
 * pool size (set before the first parallel call, an error afterwards), dates as numbers, and the
 * cvm_*_default() of every options struct. */
#include "cvm.h"
#include "cvm_test.h"

static void test_threads(void) {
    /* First cvm call of the process: the pool is not started yet. */
    CHECK_STATUS(cvm_set_num_threads(2), CVM_STATUS_OK);
    CHECK(cvm_num_threads() == 2);
    /* Parallel work runs on those 2 threads; resizing afterwards is refused, pool unchanged. */
    const double p[4] = {0.243, 4.414, 0.793, 2.426}, x[3] = {0, 2, 5}, tx[3] = {0, 30, 35},
                 T[3] = {38, 38, 38};
    cvm_model *m = NULL;
    CHECK_STATUS(cvm_model_from_params("bg_nbd", p, 4, &m), CVM_STATUS_OK);
    double alive[3];
    CHECK_STATUS(cvm_model_probability_alive(m, x, 3, tx, 3, T, 3, alive, 3), CVM_STATUS_OK);
    CHECK_CLOSE(alive[0], 1.0, 0.0);
    cvm_model_free(m);
    CHECK_STATUS(cvm_set_num_threads(4), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("num_threads", -1);
    CHECK(strstr(cvm_last_error_message(), "already started with 2 threads") != NULL);
    CHECK(cvm_num_threads() == 2);
}

static void test_version(void) {
    CHECK(cvm_version_major() == CVM_VERSION_MAJOR);
    CHECK(cvm_version_minor() == CVM_VERSION_MINOR);
    CHECK(cvm_version_patch() == CVM_VERSION_PATCH);
    char text[64];
    snprintf(text, sizeof text, "%d.%d.%d", CVM_VERSION_MAJOR, CVM_VERSION_MINOR, CVM_VERSION_PATCH);
    CHECK(strcmp(text, cvm_version()) == 0);
    CHECK_STATUS(CVM_CHECK_VERSION(), CVM_STATUS_OK);
    CHECK_STATUS(cvm_check_version(CVM_VERSION_MAJOR, CVM_VERSION_MINOR + 1, 0), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("version", -1);
}

static void test_dates(void) {
    char *text = NULL;
    CHECK_STATUS(cvm_format_date(0, &text), CVM_STATUS_OK);
    CHECK(text && strcmp(text, "1970-01-01") == 0);
    cvm_string_free(text);
    int64_t days = 0;
    CHECK_STATUS(cvm_parse_date("1997-09-30", &days), CVM_STATUS_OK);
    CHECK(days == 10134);
    CHECK_STATUS(cvm_format_date(days, &text), CVM_STATUS_OK);
    CHECK(text && strcmp(text, "1997-09-30") == 0);
    cvm_string_free(text);
    text = NULL;
    CHECK_STATUS(cvm_format_date(-719163, &text), CVM_STATUS_INVALID_VALUE);
    CHECK(text == NULL);
}

static void test_defaults(void) {
    cvm_cashflow c = cvm_cashflow_default();
    CHECK(c.periods == CVM_PERIODS_INFINITE && c.timing == CVM_TIMING_END && c.discount_rate == 0.0);
    CHECK(c.convention == CVM_RETENTION_PRESENT && c.revenue.kind == CVM_SERIES_DEFAULT);
    cvm_decomposition_inputs d = cvm_decomposition_inputs_default();
    CHECK(d.realised == NULL && d.potential == NULL && d.satisfaction == NULL && !d.plain_referrals);
    CHECK(d.referrals.kind == CVM_SERIES_DEFAULT);
    cvm_value_matrix_options v = cvm_value_matrix_options_default();
    CHECK(v.current_thresholds == NULL && v.labels == NULL && v.strategy_set == CVM_MATRIX_STRATEGIES_SOURCE);
    cvm_preset_options po = cvm_preset_options_default();
    CHECK(po.option_names == NULL && po.n_option_names == 0 && po.rename_from == NULL && po.n_rename_to == 0);
    cvm_clv_options o = cvm_clv_options_default();
    CHECK(o.time_unit == CVM_UNIT_MONTH && o.data_time_unit == CVM_UNIT_PERIOD && o.method == CVM_CLV_CONTINUOUS);
    CHECK_CLOSE(o.horizon, 12.0, 0.0);
    CHECK_CLOSE(o.discount_rate, 0.01, 0.0);
}

int main(void) {
    test_threads();
    test_version();
    test_dates();
    test_defaults();
    return cvm_test_finish("test_runtime");
}
