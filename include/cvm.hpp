// cvm.hpp — header-only C++17 layer over the C API of libcvm (cvm.h). See docs/cpp.md.
//
// It adds no logic, only ownership, types and errors (wasmtime.hh is the model):
// * every handle is a move-only RAII object (cvm::Handle<T, free>; .capi() is the C escape hatch);
// * every failing call throws cvm::Error (a std::runtime_error) carrying the status, the field
//   (argument, option or JSON path) and the index the library reported;
// * inputs are any contiguous range (cvm::Span<T>: pointer + size, std::vector, std::array,
//   std::span under C++20); outputs are std::vector or owned result objects;
// * units, statuses, stages are enum classes; every returned string is a std::string (the
//   library's strings are copied and, when new, freed inside; a NULL is never read as a string).
#ifndef CVM_HPP
#define CVM_HPP

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#if __cplusplus >= 202002L && __has_include(<span>)
#include <span>
#endif

#include "cvm.h"

namespace cvm {

// ------------------------------------------------------------------------------ enums

/// Status of a call (cvm_status); anything but Ok is thrown as cvm::Error.
enum class Status : int {
    Ok = CVM_STATUS_OK,
    NullPointer = CVM_STATUS_NULL_POINTER,
    EmptyInput = CVM_STATUS_EMPTY_INPUT,
    LengthMismatch = CVM_STATUS_LENGTH_MISMATCH,
    InvalidValue = CVM_STATUS_INVALID_VALUE,
    UnknownName = CVM_STATUS_UNKNOWN_NAME,
    NotConverged = CVM_STATUS_NOT_CONVERGED,
    Numerical = CVM_STATUS_NUMERICAL,
    Json = CVM_STATUS_JSON,
    InvalidUtf8 = CVM_STATUS_INVALID_UTF8,
    NotIdentified = CVM_STATUS_NOT_IDENTIFIED,
    Panic = CVM_STATUS_PANIC,
};

/// Unit of time (CVM_UNIT_*); Period = none / periods of freq × k.
enum class Unit : std::uint32_t {
    Period = CVM_UNIT_PERIOD,
    Day = CVM_UNIT_DAY,
    Week = CVM_UNIT_WEEK,
    Month = CVM_UNIT_MONTH,
    Year = CVM_UNIT_YEAR,
};

/// Resolution of timestamps (CVM_TIMESTAMP_*), counted from 1970-01-01 UTC.
enum class TimestampUnit : std::uint32_t {
    Seconds = CVM_TIMESTAMP_SECONDS,
    Milliseconds = CVM_TIMESTAMP_MILLISECONDS,
    Microseconds = CVM_TIMESTAMP_MICROSECONDS,
    Nanoseconds = CVM_TIMESTAMP_NANOSECONDS,
    Days = CVM_TIMESTAMP_DAYS,
};

/// CLV discounting (CVM_CLV_*).
enum class ClvMethod : std::uint32_t { Continuous = CVM_CLV_CONTINUOUS, Lifetimes = CVM_CLV_LIFETIMES };

/// Loyalty ladder stage (CVM_STAGE_*).
enum class Stage : std::uint8_t {
    Suspect = CVM_STAGE_SUSPECT,
    Prospect = CVM_STAGE_PROSPECT,
    FirstTime = CVM_STAGE_FIRST_TIME,
    Repeat = CVM_STAGE_REPEAT,
    Advocate = CVM_STAGE_ADVOCATE,
    Lapsed = CVM_STAGE_LAPSED,
};

// ------------------------------------------------------------------------------ errors, strings

/// A failed call: what(), status(), field() ("" when none) and index() (-1 when none).
class Error : public std::runtime_error {
public:
    Error(Status status, const std::string &message, std::string field, std::int64_t index)
        : std::runtime_error(message), status_(status), field_(std::move(field)), index_(index) {}
    Status status() const noexcept { return status_; }
    const std::string &field() const noexcept { return field_; }
    std::int64_t index() const noexcept { return index_; }

private:
    Status status_;
    std::string field_;
    std::int64_t index_;
};

namespace detail {

/// A static or borrowed C string as a std::string ("" for NULL).
inline std::string copy(const char *s) { return s ? std::string(s) : std::string(); }

/// Throws the calling thread's last error unless `s` is CVM_STATUS_OK.
inline void check(cvm_status s) {
    if (s != CVM_STATUS_OK)
        throw Error(static_cast<Status>(s), copy(cvm_last_error_message()), copy(cvm_last_error_field()),
                    cvm_last_error_index());
}

/// Calls `f(char **)`, which writes a new string the caller owns; returns it and frees it.
template <class F> std::string take_string(F &&f) {
    char *raw = nullptr;
    check(f(&raw));
    struct Guard {
        char *p;
        ~Guard() { cvm_string_free(p); }
    } guard{raw};  // freed even if the copy throws
    return copy(guard.p);
}

template <class R, class T, class = void> struct is_range_of : std::false_type {};
template <class R, class T>
struct is_range_of<R, T,
                   std::void_t<decltype(std::declval<const R &>().data()), decltype(std::declval<const R &>().size())>>
    : std::is_convertible<decltype(std::declval<const R &>().data()), const T *> {};

}  // namespace detail

// ------------------------------------------------------------------------------ inputs

#if __cplusplus >= 202002L && __has_include(<span>)
/// A borrowed contiguous range of T (std::span under C++20).
template <class T> using Span = std::span<const T>;
#else
/// A borrowed contiguous range of T: pointer + size, or any container with data() and size().
template <class T> class Span {
public:
    constexpr Span() noexcept = default;
    constexpr Span(const T *data, std::size_t size) noexcept : data_(data), size_(size) {}
    template <class R, class = std::enable_if_t<detail::is_range_of<R, T>::value>>
    constexpr Span(const R &range) noexcept : data_(range.data()), size_(range.size()) {}
    constexpr const T *data() const noexcept { return data_; }
    constexpr std::size_t size() const noexcept { return size_; }
    constexpr bool empty() const noexcept { return size_ == 0; }
    constexpr const T *begin() const noexcept { return data_; }
    constexpr const T *end() const noexcept { return data_ + size_; }
    constexpr const T &operator[](std::size_t i) const noexcept { return data_[i]; }

private:
    const T *data_ = nullptr;
    std::size_t size_ = 0;
};
#endif

namespace detail {
inline cvm_doubles col(Span<double> s) { return cvm_doubles{s.data(), s.size()}; }
}  // namespace detail

// ------------------------------------------------------------------------------ handles

/// A move-only owner of a C handle, freed by `Free` (e.g. Handle<cvm_model, cvm_model_free>).
template <class T, void (*Free)(T *)> class Handle {
public:
    Handle() noexcept = default;
    explicit Handle(T *raw) noexcept : raw_(raw) {}
    Handle(const Handle &) = delete;
    Handle &operator=(const Handle &) = delete;
    Handle(Handle &&o) noexcept : raw_(std::exchange(o.raw_, nullptr)) {}
    Handle &operator=(Handle &&o) noexcept {
        if (this != &o) {
            Free(raw_);
            raw_ = std::exchange(o.raw_, nullptr);
        }
        return *this;
    }
    ~Handle() { Free(raw_); }
    /// The C handle (still owned by this object), for calls the C++ layer does not wrap.
    T *capi() const noexcept { return raw_; }
    /// Gives up ownership: the caller frees the C handle.
    T *release() noexcept { return std::exchange(raw_, nullptr); }
    explicit operator bool() const noexcept { return raw_ != nullptr; }

private:
    T *raw_ = nullptr;
};

/// An owner of every handle type of the C API (the classes below add methods to the common ones).
#define CVM_HPP_HANDLE(Name, ctype) using Name = Handle<ctype, ctype##_free>;
CVM_HPP_HANDLE(BgBbHandle, cvm_bg_bb)
CVM_HPP_HANDLE(BreakdownHandle, cvm_breakdown)
CVM_HPP_HANDLE(CampaignHandle, cvm_campaign)
CVM_HPP_HANDLE(ChurnCalibratorHandle, cvm_churn_calibrator)
CVM_HPP_HANDLE(ChurnLabelsHandle, cvm_churn_labels)
CVM_HPP_HANDLE(ChurnReportHandle, cvm_churn_report)
CVM_HPP_HANDLE(CompressedHandle, cvm_compressed)
CVM_HPP_HANDLE(EvaluationHandle, cvm_evaluation)
CVM_HPP_HANDLE(FeeResultHandle, cvm_fee_result)
CVM_HPP_HANDLE(FeeScheduleHandle, cvm_fee_schedule)
CVM_HPP_HANDLE(GammaGammaHandle, cvm_gamma_gamma)
CVM_HPP_HANDLE(LadderHandle, cvm_ladder)
CVM_HPP_HANDLE(LevelsHandle, cvm_levels)
CVM_HPP_HANDLE(LookalikeHandle, cvm_lookalike)
CVM_HPP_HANDLE(MigrationHandle, cvm_migration)
CVM_HPP_HANDLE(ModelHandle, cvm_model)
CVM_HPP_HANDLE(PlaybookHandle, cvm_playbook)
CVM_HPP_HANDLE(ReportHandle, cvm_report)
CVM_HPP_HANDLE(ReportBuilderHandle, cvm_report_builder)
CVM_HPP_HANDLE(RfmHandle, cvm_rfm)
CVM_HPP_HANDLE(RulesHandle, cvm_rules)
CVM_HPP_HANDLE(SbgHandle, cvm_sbg)
CVM_HPP_HANDLE(SummaryHandle, cvm_summary)
CVM_HPP_HANDLE(TableHandle, cvm_table)
CVM_HPP_HANDLE(TransitionsHandle, cvm_transitions)
CVM_HPP_HANDLE(TrendHandle, cvm_trend)
CVM_HPP_HANDLE(ValueMatrixHandle, cvm_value_matrix)
CVM_HPP_HANDLE(WhaleCurveHandle, cvm_whale_curve)
#undef CVM_HPP_HANDLE

// ------------------------------------------------------------------------------ library

/// The library's version string ("0.1.0").
inline std::string version() { return detail::copy(cvm_version()); }

/// Throws unless the library loaded agrees with the cvm.h this program was compiled with.
inline void check_version() { detail::check(CVM_CHECK_VERSION()); }

/// Sizes the thread pool (0: one thread per CPU, or RAYON_NUM_THREADS); before any computing
/// call, else throws (field "num_threads"). See docs/c-api.md#threads.
inline void set_num_threads(std::size_t n) { detail::check(cvm_set_num_threads(n)); }

/// Threads of the pool (starts it with the default size if needed).
inline std::size_t num_threads() { return cvm_num_threads(); }

/// "YYYY-MM-DD" → days since 1970-01-01.
inline std::int64_t parse_date(const std::string &text) {
    std::int64_t days = 0;
    detail::check(cvm_parse_date(text.c_str(), &days));
    return days;
}

/// Days since 1970-01-01 → "YYYY-MM-DD".
inline std::string format_date(std::int64_t days) {
    return detail::take_string([&](char **out) { return cvm_format_date(days, out); });
}

// ------------------------------------------------------------------------------ summary

/// Options of Summary::from_transactions (defaults are the library's).
struct SummaryOptions {
    Unit freq = static_cast<Unit>(cvm_summary_options_default().freq);
    std::uint32_t freq_multiplier = cvm_summary_options_default().freq_multiplier;
    Unit time_unit = static_cast<Unit>(cvm_summary_options_default().time_unit);
    TimestampUnit timestamp_unit = static_cast<TimestampUnit>(cvm_summary_options_default().timestamp_unit);
    std::optional<std::int64_t> observation_end;
    std::optional<std::int64_t> calibration_end;
    bool include_first_purchase = cvm_summary_options_default().include_first_purchase;
    bool net_negative_amounts = false;

    cvm_summary_options to_c() const {
        cvm_summary_options o = cvm_summary_options_default();
        o.freq = static_cast<std::uint32_t>(freq);
        o.freq_multiplier = freq_multiplier;
        o.time_unit = static_cast<std::uint32_t>(time_unit);
        o.timestamp_unit = static_cast<std::uint32_t>(timestamp_unit);
        o.has_observation_end = observation_end.has_value();
        o.observation_end = observation_end.value_or(0);
        o.has_calibration_end = calibration_end.has_value();
        o.calibration_end = calibration_end.value_or(0);
        o.include_first_purchase = include_first_purchase;
        o.negative_amounts = net_negative_amounts ? CVM_NEGATIVE_AMOUNTS_NET : CVM_NEGATIVE_AMOUNTS_ERROR;
        return o;
    }
};

/// One row per customer: frequency, recency, T, monetary value (views valid while it lives).
class Summary : public SummaryHandle {
public:
    static Summary from_transactions(Span<std::int64_t> customer_ids, Span<std::int64_t> timestamps,
                                     Span<double> amounts, const SummaryOptions &options = {}) {
        cvm_summary *out = nullptr;
        cvm_summary_options o = options.to_c();
        detail::check(cvm_summary_from_transactions(customer_ids.data(), customer_ids.size(), timestamps.data(),
                                                    timestamps.size(), amounts.data(), amounts.size(), &o, &out));
        return Summary(out);
    }
    std::size_t size() const { return cvm_summary_len(capi()); }
    Unit time_unit() const { return static_cast<Unit>(cvm_summary_time_unit(capi())); }
    Span<std::int64_t> customer_ids() const { return {cvm_summary_customer_ids(capi()), size()}; }
    Span<double> frequency() const { return {cvm_summary_frequency(capi()), size()}; }
    Span<double> recency() const { return {cvm_summary_recency(capi()), size()}; }
    Span<double> T() const { return {cvm_summary_T(capi()), size()}; }
    Span<double> monetary_value() const { return {cvm_summary_monetary_value(capi()), size()}; }
    /// Holdout purchases; empty when the summary has no holdout period.
    Span<double> frequency_holdout() const {
        const double *p = cvm_summary_frequency_holdout(capi());
        return {p, p ? size() : 0};
    }

private:
    explicit Summary(cvm_summary *raw) : SummaryHandle(raw) {}
};

// ------------------------------------------------------------------------------ models

/// Options of the fits.
struct FitOptions {
    double penalizer = cvm_fit_options_default().penalizer;
    std::uint32_t max_iterations = cvm_fit_options_default().max_iterations;
    double tolerance = cvm_fit_options_default().tolerance;
    Unit time_unit = static_cast<Unit>(cvm_fit_options_default().time_unit);

    cvm_fit_options to_c() const { return cvm_fit_options{penalizer, max_iterations, tolerance, static_cast<std::uint32_t>(time_unit)}; }
};

/// A transaction model (BG/NBD, MBG/NBD, Pareto/NBD).
class Model : public ModelHandle {
public:
    /// Fits `kind` ("bg_nbd", "mbg_nbd", "pareto_nbd") on the summary columns.
    static Model fit(const std::string &kind, Span<double> frequency, Span<double> recency, Span<double> T,
                     const FitOptions &options = {}) {
        cvm_model *out = nullptr;
        cvm_fit_options o = options.to_c();
        detail::check(cvm_model_fit(kind.c_str(), frequency.data(), frequency.size(), recency.data(), recency.size(),
                                    T.data(), T.size(), nullptr, 0, &o, &out));
        return Model(out);
    }
    static Model fit(const std::string &kind, const Summary &s, const FitOptions &options = {}) {
        return fit(kind, s.frequency(), s.recency(), s.T(), options);
    }
    static Model from_json(const std::string &json) {
        cvm_model *out = nullptr;
        detail::check(cvm_model_from_json(json.c_str(), &out));
        return Model(out);
    }
    std::string to_json() const {
        return detail::take_string([&](char **out) { return cvm_model_to_json(capi(), out); });
    }
    std::string kind() const { return detail::copy(cvm_model_kind(capi())); }
    Unit time_unit() const { return static_cast<Unit>(cvm_model_time_unit(capi())); }
    std::vector<double> params() const {
        std::vector<double> p(cvm_model_param_count(capi()));
        detail::check(cvm_model_params(capi(), p.data(), p.size()));
        return p;
    }
    std::vector<double> probability_alive(Span<double> frequency, Span<double> recency, Span<double> T) const {
        std::vector<double> out(frequency.size());
        detail::check(cvm_model_probability_alive(capi(), frequency.data(), frequency.size(), recency.data(),
                                                  recency.size(), T.data(), T.size(), out.data(), out.size()));
        return out;
    }
    std::vector<double> conditional_expected_purchases(double horizon, Span<double> frequency, Span<double> recency,
                                                       Span<double> T) const {
        std::vector<double> out(frequency.size());
        detail::check(cvm_model_conditional_expected_purchases(capi(), horizon, frequency.data(), frequency.size(),
                                                               recency.data(), recency.size(), T.data(), T.size(),
                                                               out.data(), out.size()));
        return out;
    }

private:
    explicit Model(cvm_model *raw) : ModelHandle(raw) {}
};

/// The Gamma-Gamma spend model.
class GammaGamma : public GammaGammaHandle {
public:
    static GammaGamma fit(Span<double> frequency, Span<double> monetary_value, const FitOptions &options = {}) {
        cvm_gamma_gamma *out = nullptr;
        cvm_fit_options o = options.to_c();
        detail::check(cvm_gamma_gamma_fit(frequency.data(), frequency.size(), monetary_value.data(),
                                          monetary_value.size(), nullptr, 0, &o, &out));
        return GammaGamma(out);
    }
    static GammaGamma from_json(const std::string &json) {
        cvm_gamma_gamma *out = nullptr;
        detail::check(cvm_gamma_gamma_from_json(json.c_str(), &out));
        return GammaGamma(out);
    }
    std::string to_json() const {
        return detail::take_string([&](char **out) { return cvm_gamma_gamma_to_json(capi(), out); });
    }
    std::vector<double> expected_average_spend(Span<double> frequency, Span<double> monetary_value) const {
        std::vector<double> out(frequency.size());
        detail::check(cvm_gamma_gamma_conditional_expected_average_spend(
            capi(), frequency.data(), frequency.size(), monetary_value.data(), monetary_value.size(), out.data(),
            out.size()));
        return out;
    }

private:
    explicit GammaGamma(cvm_gamma_gamma *raw) : GammaGammaHandle(raw) {}
};

// ------------------------------------------------------------------------------ CLV

/// Options of clv() (defaults are the library's: 12 months, 1 % a month, margin 1, continuous).
struct ClvOptions {
    double horizon = cvm_clv_options_default().horizon;
    Unit time_unit = static_cast<Unit>(cvm_clv_options_default().time_unit);
    /// Unit of the customer columns; Period = the model's.
    Unit data_time_unit = static_cast<Unit>(cvm_clv_options_default().data_time_unit);
    double discount_rate = cvm_clv_options_default().discount_rate;
    double margin = cvm_clv_options_default().margin;
    ClvMethod method = static_cast<ClvMethod>(cvm_clv_options_default().method);
    /// Confidence level of intervals in (0, 1); 0 = none.
    double interval_level = cvm_clv_options_default().interval_level;

    cvm_clv_options to_c() const {
        return cvm_clv_options{horizon,       static_cast<std::uint32_t>(time_unit),
                               static_cast<std::uint32_t>(data_time_unit), discount_rate,
                               margin,        static_cast<std::uint32_t>(method),
                               interval_level};
    }
};

/// The customer columns of clv(), in the transaction model's unit.
struct ClvCustomers {
    Span<double> frequency, recency, T, monetary_value;
    static ClvCustomers of(const Summary &s) { return {s.frequency(), s.recency(), s.T(), s.monetary_value()}; }
};

/// CLV per customer with its parts (lower/upper empty without intervals).
struct ClvResult {
    std::vector<double> clv, discounted_purchases, expected_spend, lower, upper;
};

/// Probabilistic CLV: margin · E(spend) · discounted expected purchases over the horizon.
inline ClvResult clv(const Model &model, const GammaGamma &spend, const ClvCustomers &c, const ClvOptions &options = {}) {
    const std::size_t n = c.frequency.size();
    ClvResult r{std::vector<double>(n), std::vector<double>(n), std::vector<double>(n), {}, {}};
    if (options.interval_level != 0.0) {
        r.lower.resize(n);
        r.upper.resize(n);
    }
    cvm_clv_customers cc{detail::col(c.frequency), detail::col(c.recency), detail::col(c.T),
                         detail::col(c.monetary_value)};
    cvm_clv_options o = options.to_c();
    cvm_clv_outputs out{r.clv.data(), r.discounted_purchases.data(), r.expected_spend.data(),
                        r.lower.empty() ? nullptr : r.lower.data(), r.upper.empty() ? nullptr : r.upper.data(), n};
    detail::check(cvm_clv(model.capi(), spend.capi(), &cc, &o, &out));
    return r;
}

// ------------------------------------------------------------------------------ loyalty

/// Ladder thresholds: the C struct's named members, starting from the library's defaults.
struct LadderOptions : cvm_ladder_options {
    LadderOptions() : cvm_ladder_options(cvm_ladder_options_default()) {}
};

/// The ladder's columns: the summary's three are required, the signals optional (empty: not given).
struct LadderColumns {
    Span<double> frequency{}, recency{}, T{};
    Span<std::uint8_t> purchased{};
    Span<double> interest{}, referrals{}, reviews{}, recommendations{}, p_alive{};
};

/// Each customer's stage on the loyalty ladder, with reasons.
class Ladder : public LadderHandle {
public:
    static Ladder compute(const LadderColumns &c, const LadderOptions &options = {}) {
        auto opt = [](Span<double> s) { return cvm_doubles{s.empty() ? nullptr : s.data(), s.size()}; };
        cvm_ladder_columns cc{detail::col(c.frequency), detail::col(c.recency), detail::col(c.T),
                              cvm_bytes{c.purchased.empty() ? nullptr : c.purchased.data(), c.purchased.size()},
                              opt(c.interest), opt(c.referrals), opt(c.reviews), opt(c.recommendations),
                              opt(c.p_alive)};
        cvm_ladder *out = nullptr;
        detail::check(cvm_loyalty_stages(&cc, &options, &out));
        return Ladder(out);
    }
    std::size_t size() const { return cvm_ladder_len(capi()); }
    std::vector<Stage> stages() const {
        std::vector<std::uint8_t> codes(size());
        detail::check(cvm_ladder_stages(capi(), codes.data(), codes.size()));
        std::vector<Stage> out;
        out.reserve(codes.size());
        for (auto c : codes) out.push_back(static_cast<Stage>(c));
        return out;
    }
    std::string reason(std::size_t row) const {
        return detail::take_string([&](char **out) { return cvm_ladder_reason(capi(), row, out); });
    }

private:
    explicit Ladder(cvm_ladder *raw) : LadderHandle(raw) {}
};

/// The canonical name of a stage ("suspect", …).
inline std::string stage_name(Stage s) { return detail::copy(cvm_stage_name(static_cast<std::uint8_t>(s))); }

// ------------------------------------------------------------------------------ rules

/// Named columns the rules read (numeric or 0/1 boolean), borrowed by copy into the library.
class Table : public TableHandle {
public:
    Table() : TableHandle(make()) {}
    Table &numeric(const std::string &name, Span<double> values) {
        detail::check(cvm_table_add_numeric(capi(), name.c_str(), values.data(), values.size()));
        return *this;
    }
    Table &boolean(const std::string &name, Span<std::uint8_t> values) {
        detail::check(cvm_table_add_boolean(capi(), name.c_str(), values.data(), values.size()));
        return *this;
    }

private:
    static cvm_table *make() {
        cvm_table *t = nullptr;
        detail::check(cvm_table_new(&t));
        return t;
    }
};

/// One decision per customer with its score and reasons.
class Evaluation : public EvaluationHandle {
public:
    explicit Evaluation(cvm_evaluation *raw) : EvaluationHandle(raw) {}
    std::size_t size() const { return cvm_evaluation_len(capi()); }
    std::vector<std::string> decisions() const {
        std::vector<std::uint16_t> codes(size());
        detail::check(cvm_evaluation_decision_codes(capi(), codes.data(), codes.size()));
        std::vector<std::string> names;
        names.reserve(codes.size());
        for (auto c : codes) names.push_back(detail::copy(cvm_evaluation_decision_name(capi(), c)));
        return names;
    }
    std::vector<double> scores() const {
        std::vector<double> s(size());
        detail::check(cvm_evaluation_scores(capi(), s.data(), s.size()));
        return s;
    }
    std::string reasons(std::size_t row) const {
        return detail::take_string([&](char **out) { return cvm_evaluation_reasons(capi(), row, out); });
    }
};

/// A rule set (selection criteria, bands, hard rules).
class Rules : public RulesHandle {
public:
    /// A preset ("good_customer", "big_customer_risk", "elastic_customer", "dormant_account") as
    /// it is; for overrides and renames call cvm_rules_preset with a cvm_preset_options.
    static Rules preset(const std::string &name) {
        cvm_rules *out = nullptr;
        detail::check(cvm_rules_preset(name.c_str(), nullptr, &out));
        return Rules(out);
    }
    static Rules from_json(const std::string &json) {
        cvm_rules *out = nullptr;
        detail::check(cvm_rules_from_json(json.c_str(), &out));
        return Rules(out);
    }
    std::string to_json() const {
        return detail::take_string([&](char **out) { return cvm_rules_to_json(capi(), out); });
    }
    Evaluation evaluate(const Table &table) const {
        cvm_evaluation *out = nullptr;
        detail::check(cvm_rules_evaluate(capi(), table.capi(), &out));
        return Evaluation(out);
    }

private:
    explicit Rules(cvm_rules *raw) : RulesHandle(raw) {}
};

// ------------------------------------------------------------------------------ value matrix

/// Each customer's cell of the current × potential value matrix (default: 2 × 2 at the medians).
class ValueMatrix : public ValueMatrixHandle {
public:
    static ValueMatrix compute(Span<double> current, Span<double> potential) {
        cvm_value_matrix *out = nullptr;
        cvm_value_matrix_options o = cvm_value_matrix_options_default();
        detail::check(cvm_value_matrix_compute(current.data(), current.size(), potential.data(), potential.size(), &o,
                                               &out));
        return ValueMatrix(out);
    }
    std::size_t size() const { return cvm_value_matrix_len(capi()); }
    std::vector<std::size_t> cells() const {
        std::vector<std::size_t> cell(size());
        detail::check(cvm_value_matrix_customers(capi(), nullptr, nullptr, cell.data(), cell.size()));
        return cell;
    }
    std::string label(std::size_t cell) const { return detail::copy(cvm_value_matrix_label(capi(), cell)); }
    std::string strategy(std::size_t cell) const { return detail::copy(cvm_value_matrix_strategy(capi(), cell)); }

private:
    explicit ValueMatrix(cvm_value_matrix *raw) : ValueMatrixHandle(raw) {}
};

}  // namespace cvm

#endif
