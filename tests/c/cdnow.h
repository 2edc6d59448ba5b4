/* The CDNOW sample transaction log (data/CDNOW_sample.txt), read once for the C tests. Include
 * after defining _POSIX_C_SOURCE (strtok_r). */
#ifndef CVM_TEST_CDNOW_H
#define CVM_TEST_CDNOW_H

#include "cvm.h"
#include "cvm_test.h"

enum { CDNOW_MAX_TX = 8000 };

typedef struct {
    int64_t *id, *day;
    double *amount;
    size_t n;
} cdnow_log_t;

/* Customer ids (the sample's 1..2357), days since 1970-01-01 and dollar amounts, in file order. */
static inline cdnow_log_t cdnow_read_log(void) {
    char *text = cvm_read_file("../../data/CDNOW_sample.txt");
    cdnow_log_t log = {malloc(CDNOW_MAX_TX * sizeof(int64_t)), malloc(CDNOW_MAX_TX * sizeof(int64_t)),
                       malloc(CDNOW_MAX_TX * sizeof(double)), 0};
    char *save = NULL;
    for (char *line = strtok_r(text, "\r\n", &save); line; line = strtok_r(NULL, "\r\n", &save)) {
        long master, id, cds;
        char date[16];
        double amount;
        if (sscanf(line, "%ld %ld %15s %ld %lf", &master, &id, date, &cds, &amount) != 5) continue;
        if (log.n >= CDNOW_MAX_TX || cvm_parse_date(date, &log.day[log.n]) != CVM_STATUS_OK) exit(3);
        log.id[log.n] = id;
        log.amount[log.n] = amount;
        log.n++;
    }
    free(text);
    return log;
}

static inline void cdnow_free_log(cdnow_log_t *log) {
    free(log->id);
    free(log->day);
    free(log->amount);
}

/* The calibration summary in weeks (calibration to 1997-09-30, holdout to 1998-06-30). */
static inline cvm_summary *cdnow_calibration_summary(const cdnow_log_t *log) {
    cvm_summary_options opt = cvm_summary_options_default();
    opt.time_unit = CVM_UNIT_WEEK;
    opt.has_observation_end = true;
    opt.has_calibration_end = true;
    if (cvm_parse_date("1998-06-30", &opt.observation_end) != CVM_STATUS_OK ||
        cvm_parse_date("1997-09-30", &opt.calibration_end) != CVM_STATUS_OK)
        exit(3);
    cvm_summary *s = NULL;
    if (cvm_summary_from_transactions(log->id, log->n, log->day, log->n, log->amount, log->n, &opt, &s) !=
        CVM_STATUS_OK)
        exit(3);
    return s;
}

#endif
