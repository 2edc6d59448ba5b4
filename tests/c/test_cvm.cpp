// C++ test program for libcvm (linked against the shared library): RAII ownership of handles,
// the CDNOW summary through the C ABI, and errors.
#include <cstdint>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "cvm.h"
#include "cvm_test.h"

namespace {

struct SummaryDeleter {
    void operator()(cvm_summary *s) const { cvm_summary_free(s); }
};
using Summary = std::unique_ptr<cvm_summary, SummaryDeleter>;

struct Log {
    std::vector<int64_t> id, day;
    std::vector<double> amount;
};

Log read_log() {
    std::ifstream in("../../data/CDNOW_sample.txt");
    Log log;
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream fields(line);
        long master = 0, id = 0, cds = 0;
        std::string date;
        double amount = 0;
        if (!(fields >> master >> id >> date >> cds >> amount)) continue;
        int64_t day = 0;
        if (cvm_parse_date(date.c_str(), &day) != CVM_STATUS_OK) std::exit(3);
        log.id.push_back(id);
        log.day.push_back(day);
        log.amount.push_back(amount);
    }
    return log;
}

void test_summary() {
    Log log = read_log();
    CHECK(log.id.size() == 6919);
    cvm_summary_options opt = cvm_summary_options_default();
    opt.time_unit = CVM_UNIT_WEEK;
    opt.has_observation_end = true;
    CHECK_STATUS(cvm_parse_date("1997-09-30", &opt.observation_end), CVM_STATUS_OK);
    // Calibration-only log: drop the holdout rows.
    Log cal;
    for (size_t i = 0; i < log.id.size(); i++) {
        if (log.day[i] <= opt.observation_end) {
            cal.id.push_back(log.id[i]);
            cal.day.push_back(log.day[i]);
            cal.amount.push_back(log.amount[i]);
        }
    }
    cvm_summary *raw = nullptr;
    CHECK_STATUS(cvm_summary_from_transactions(cal.id.data(), cal.id.size(), cal.day.data(), cal.day.size(),
                                               cal.amount.data(), cal.amount.size(), &opt, &raw),
                 CVM_STATUS_OK);
    Summary s(raw);
    size_t n = cvm_summary_len(s.get());
    CHECK(n == 2357);
    double total = 0;
    for (size_t i = 0; i < n; i++) total += cvm_summary_frequency(s.get())[i];
    CHECK_CLOSE(total, 2457.0, 0.0);
    CHECK(cvm_summary_frequency_holdout(s.get()) == nullptr);
    // Customer 1: x = 2, t_x = 30.43, T = 38.86 in the published summary.
    CHECK(cvm_summary_customer_ids(s.get())[0] == 1);
    CHECK_CLOSE(cvm_summary_recency(s.get())[0], 213.0 / 7.0, 1e-12);
    CHECK_CLOSE(cvm_summary_T(s.get())[0], 272.0 / 7.0, 1e-12);
}

void test_errors() {
    std::vector<int64_t> ids{1, 2};
    std::vector<int64_t> ts{1, 2};
    std::vector<double> amount{1.0, 2.0, 3.0};
    cvm_summary *raw = nullptr;
    CHECK_STATUS(cvm_summary_from_transactions(ids.data(), ids.size(), ts.data(), ts.size(), amount.data(),
                                               amount.size(), nullptr, &raw),
                 CVM_STATUS_LENGTH_MISMATCH);
    CHECK_ERROR_AT("monetary_value", -1);
    CHECK(raw == nullptr);
    CHECK(std::string(cvm_version()).size() >= 5);
}

}  // namespace

int main() {
    test_summary();
    test_errors();
    return cvm_test_finish("test_cvm_cpp");
}
