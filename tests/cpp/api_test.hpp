// Shared helpers of the C++ API tests: the CDNOW calibration summary and an expect_error.
#ifndef CVM_API_TEST_HPP
#define CVM_API_TEST_HPP

#include <fstream>

#include "cvm.hpp"
#include "cvm_test.h"

namespace api_test {

/// The CDNOW sample up to 1997-09-30, summarised in weeks (2357 customers).
inline cvm::Summary cdnow() {
    std::vector<std::int64_t> ids, days;
    std::vector<double> amounts;
    std::ifstream in("../../data/CDNOW_sample.txt");
    long master, id, cds;
    std::string date;
    double amount;
    const std::int64_t end = cvm::parse_date("1997-09-30");
    while (in >> master >> id >> date >> cds >> amount) {
        if (cvm::parse_date(date) > end) continue;
        ids.push_back(id), days.push_back(cvm::parse_date(date)), amounts.push_back(amount);
    }
    cvm::SummaryOptions o;
    o.time_unit = cvm::Unit::Week;
    o.observation_end = end;
    return cvm::Summary::from_transactions(ids, days, amounts, o);
}

/// The cvm::Error `fn` throws (a failed check when it throws nothing).
template <class Fn> cvm::Error expect_error(Fn &&fn) {
    try {
        fn();
    } catch (const cvm::Error &e) {
        return e;
    }
    CHECK(false);
    return cvm::Error(cvm::Status::Ok, "", "", -1);
}

/// Whether `e` carries this status, field and index.
inline bool is(const cvm::Error &e, cvm::Status s, const std::string &field, std::int64_t index) {
    return e.status() == s && e.field() == field && e.index() == index && std::string(e.what()).size() > 0;
}

}  // namespace api_test

#endif
