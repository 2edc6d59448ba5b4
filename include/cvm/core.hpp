// cvm/core.hpp — the base of cvm.hpp, header-only C++17 layer over the C API of libcvm (cvm.h). See docs/cpp.md.
//
// It adds no logic, only ownership, types and errors (wasmtime.hh is the model):
// * every handle is a move-only RAII object (cvm::Handle<T, free>; .capi() is the C escape hatch);
// * every failing call throws cvm::Error (a std::runtime_error) carrying the status, the field
//   (argument, option or JSON path) and the index the library reported;
// * inputs are any contiguous range (cvm::Span<T>: pointer + size, std::vector, std::array,
//   std::span under C++20); outputs are std::vector or owned result objects;
// * units, statuses, stages are enum classes; every returned string is a std::string (the
//   library's strings are copied and, when new, freed inside; a NULL is never read as a string).
#ifndef CVM_CORE_HPP
#define CVM_CORE_HPP

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
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
/// An optional column: NULL when empty (the C API reads NULL as "not given").
template <class T> const T *opt(Span<T> s) { return s.empty() ? nullptr : s.data(); }
inline cvm_doubles opt_col(Span<double> s) { return cvm_doubles{opt(s), s.size()}; }

/// `n` values written by `f(T *out, std::size_t n)`.
template <class T, class F> std::vector<T> fill(std::size_t n, F &&f) {
    std::vector<T> v(n);
    check(f(v.data(), v.size()));
    return v;
}

/// A scalar written by `f(T *out)`.
template <class T, class F> T scalar(F &&f) {
    T v{};
    check(f(&v));
    return v;
}

/// `n` codes written by `f(C *out, std::size_t n)`, as the enum class E.
template <class E, class F> std::vector<E> fill_enum(std::size_t n, F &&f) {
    using C = std::underlying_type_t<E>;
    std::vector<E> out;
    for (C c : fill<C>(n, f)) out.push_back(static_cast<E>(c));
    return out;
}

/// The codes of enum values `v`, for a C call.
template <class E> std::vector<std::underlying_type_t<E>> codes(const std::vector<E> &v) {
    std::vector<std::underlying_type_t<E>> out;
    for (E e : v) out.push_back(static_cast<std::underlying_type_t<E>>(e));
    return out;
}

/// Borrowed C strings of `v` (valid while `v` lives).
inline std::vector<const char *> c_strings(const std::vector<std::string> &v) {
    std::vector<const char *> out;
    out.reserve(v.size());
    for (const auto &s : v) out.push_back(s.c_str());
    return out;
}

/// A new handle of type H written by `f(raw **out)`.
template <class H, class F> H make(F &&f) {
    typename H::c_type *raw = nullptr;
    check(f(&raw));
    return H(raw);
}
}  // namespace detail

// ------------------------------------------------------------------------------ handles

/// A move-only owner of a C handle, freed by `Free` (e.g. Handle<cvm_model, cvm_model_free>).
template <class T, void (*Free)(T *)> class Handle {
public:
    /// The C handle type.
    using c_type = T;
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

/// The library's major, minor and patch version numbers.
inline std::array<std::uint32_t, 3> version_numbers() {
    return {cvm_version_major(), cvm_version_minor(), cvm_version_patch()};
}

/// Throws unless the library loaded is compatible with version major.minor.patch.
inline void check_version(std::uint32_t major, std::uint32_t minor, std::uint32_t patch) {
    detail::check(cvm_check_version(major, minor, patch));
}

/// Clears the calling thread's last error (the C++ layer reports errors as exceptions).
inline void clear_last_error() { cvm_clear_last_error(); }

/// The canonical name of a status ("CVM_STATUS_OK", …; "" for an unknown code).
inline std::string status_name(Status s) { return detail::copy(cvm_status_name(static_cast<std::int32_t>(s))); }

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

}  // namespace cvm

#endif
