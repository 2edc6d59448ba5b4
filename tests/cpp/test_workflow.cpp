// The workflow of tests/c/test_cvm.cpp over cvm.hpp: no manual free, no status check.
#include <cstdio>
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
    // An ERP's text customer numbers ("C-00001"): the same summary, customers in id order.
    std::vector<std::string> keys;
    for (std::int64_t i : ids) {
        char key[16];
        std::snprintf(key, sizeof key, "C-%05lld", static_cast<long long>(i));
        keys.emplace_back(key);
    }
    auto t = cvm::Summary::from_transactions(keys, days, amounts, opt);
    CHECK(t.size() == s.size());
    bool same = true;
    for (std::size_t i = 0; i < s.size(); i++) {
        char key[16];
        std::snprintf(key, sizeof key, "C-%05lld", static_cast<long long>(s.customer_ids()[i]));
        same = same && t.text_id(i) == std::string_view(key) && t.customer_ids()[i] == static_cast<std::int64_t>(i) &&
               t.frequency()[i] == s.frequency()[i] && t.recency()[i] == s.recency()[i] && t.T()[i] == s.T()[i] &&
               t.monetary_value()[i] == s.monetary_value()[i];
    }
    CHECK(same);
    CHECK(!t.text_id(t.size()).has_value() && !s.text_id(0).has_value());
    try {
        std::vector<std::size_t> offsets{0, 2, 1};
        cvm::Summary::from_text_transactions(offsets, "ab", std::vector<std::int64_t>{1, 2}, {});
        CHECK(false);
    } catch (const cvm::Error &e) {
        CHECK(e.status() == cvm::Status::InvalidValue && e.field() == "offsets" && e.index() == 1);
    }
    CHECK(cvm::version().size() >= 5);
    return cvm_test_finish("test_workflow");
}
