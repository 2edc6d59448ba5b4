// The workflow of tests/c/test_cvm.cpp over cvm.hpp: no manual free, no status check.
#include <fstream>
#include <sstream>

#include "cvm.hpp"
#include "cvm_test.h"

int main() {
    std::vector<std::int64_t> ids, days;
    std::vector<double> amounts;
    std::ifstream in("../../data/CDNOW_sample.txt");
    long master, id, cds;
    std::string date;
    double amount;
    const std::int64_t end = cvm::parse_date("1997-09-30");
    while (in >> master >> id >> date >> cds >> amount) {
        if (cvm::parse_date(date) > end) continue;  // calibration only
        ids.push_back(id), days.push_back(cvm::parse_date(date)), amounts.push_back(amount);
    }
    cvm::SummaryOptions opt;
    opt.time_unit = cvm::Unit::Week;
    opt.observation_end = end;
    auto s = cvm::Summary::from_transactions(ids, days, amounts, opt);
    CHECK(s.size() == 2357);
    double total = 0;
    for (double f : s.frequency()) total += f;
    CHECK_CLOSE(total, 2457.0, 0.0);
    CHECK(s.frequency_holdout().empty());
    CHECK(s.customer_ids()[0] == 1);
    CHECK_CLOSE(s.recency()[0], 213.0 / 7.0, 1e-12);
    CHECK_CLOSE(s.T()[0], 272.0 / 7.0, 1e-12);
    try {
        cvm::Summary::from_transactions(std::vector<std::int64_t>{1, 2}, std::vector<std::int64_t>{1, 2},
                                        std::vector<double>{1, 2, 3});
        CHECK(false);
    } catch (const cvm::Error &e) {
        CHECK(e.status() == cvm::Status::LengthMismatch && e.field() == "monetary_value" && e.index() == -1);
    }
    CHECK(cvm::version().size() >= 5);
    return cvm_test_finish("test_workflow");
}
