// cvm/fee.hpp — monthly account fees from average daily balances (part of cvm.hpp; see
// docs/cpp.md and docs/fees.md).
#ifndef CVM_FEE_HPP
#define CVM_FEE_HPP

#include "core.hpp"

namespace cvm {

/// Options of FeeSchedule::apply: the C struct's named members (input, timestamp_unit,
/// first/last month, average_over), from the library's defaults.
struct FeeOptions : cvm_fee_options {
    FeeOptions() : cvm_fee_options(cvm_fee_options_default()) {}
};

/// The rows of FeeSchedule::apply (opening balances and tiers may be empty).
struct FeeRows {
    Span<std::int64_t> account_ids, customer_ids, timestamps;
    Span<double> values;
    Span<std::int64_t> opening_account_ids{};
    Span<double> opening_balances{};
    Span<std::int64_t> tier_customer_ids{};
    std::vector<std::string> tiers{};
    /// Tier of customers without one; empty: none (such a customer is an error).
    std::optional<std::string> default_tier{};
};

/// One tier of a schedule: name, threshold, fee.
struct FeeTier {
    std::string name;
    double threshold, fee;
};

/// Per customer-month: id, month's first day, average daily balance, threshold, fee.
struct FeeValues {
    std::vector<std::int64_t> customer_id, month_start;
    std::vector<double> average_daily_balance, threshold, fee;
};

/// Per customer-month: days in the month, days open, tier index.
struct FeeDays {
    std::vector<std::uint32_t> days_in_month, days_open, tier;
};

/// The fee of every customer-month.
class FeeResult : public FeeResultHandle {
public:
    std::size_t size() const { return cvm_fee_result_len(capi()); }
    FeeValues values() const {
        const std::size_t n = size();
        FeeValues v{std::vector<std::int64_t>(n), std::vector<std::int64_t>(n), std::vector<double>(n),
                    std::vector<double>(n), std::vector<double>(n)};
        detail::check(cvm_fee_result_values(capi(), v.customer_id.data(), v.month_start.data(),
                                            v.average_daily_balance.data(), v.threshold.data(), v.fee.data(), n));
        return v;
    }
    FeeDays days_and_tiers() const {
        const std::size_t n = size();
        FeeDays d{std::vector<std::uint32_t>(n), std::vector<std::uint32_t>(n), std::vector<std::uint32_t>(n)};
        detail::check(
            cvm_fee_result_days_and_tiers(capi(), d.days_in_month.data(), d.days_open.data(), d.tier.data(), n));
        return d;
    }
    std::string reason(std::size_t row) const {
        return detail::take_string([&](char **out) { return cvm_fee_result_reason(capi(), row, out); });
    }
    /// Adopts a C handle (freed by this object).
    explicit FeeResult(cvm_fee_result *raw) noexcept : FeeResultHandle(raw) {}
};

/// Tiers of monthly fees by average daily balance.
class FeeSchedule : public FeeScheduleHandle {
public:
    /// The default schedule (docs/fees.md).
    static FeeSchedule standard() {
        return detail::make<FeeSchedule>([](cvm_fee_schedule **out) { return cvm_fee_schedule_default(out); });
    }
    static FeeSchedule from_json(const std::string &json) {
        return detail::make<FeeSchedule>(
            [&](cvm_fee_schedule **out) { return cvm_fee_schedule_from_json(json.c_str(), out); });
    }
    std::string to_json() const {
        return detail::take_string([&](char **out) { return cvm_fee_schedule_to_json(capi(), out); });
    }
    std::size_t size() const { return cvm_fee_schedule_len(capi()); }
    FeeTier tier(std::size_t i) const {
        FeeTier t{"", 0, 0};
        t.name = detail::take_string([&](char **name) {
            return cvm_fee_schedule_tier(capi(), i, name, &t.threshold, &t.fee);
        });
        return t;
    }
    FeeResult apply(const FeeRows &r, const FeeOptions &options = {}) const {
        auto i64 = [](Span<std::int64_t> s) { return cvm_int64s{s.data(), s.size()}; };
        std::vector<const char *> tiers = detail::c_strings(r.tiers);
        cvm_fee_rows rows{i64(r.account_ids),
                          i64(r.customer_ids),
                          i64(r.timestamps),
                          detail::col(r.values),
                          i64(r.opening_account_ids),
                          detail::col(r.opening_balances),
                          i64(r.tier_customer_ids),
                          cvm_strings{tiers.data(), tiers.size()},
                          r.default_tier ? r.default_tier->c_str() : nullptr};
        return detail::make<FeeResult>(
            [&](cvm_fee_result **out) { return cvm_fee_schedule_apply(capi(), &rows, &options, out); });
    }
    /// Adopts a C handle (freed by this object).
    explicit FeeSchedule(cvm_fee_schedule *raw) noexcept : FeeScheduleHandle(raw) {}
};

}  // namespace cvm

#endif
