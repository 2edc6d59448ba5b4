// cvm/loyalty.hpp — loyalty ladder, levels, migration, trends, look-alikes (part of cvm.hpp; see docs/cpp.md).
#ifndef CVM_LOYALTY_HPP
#define CVM_LOYALTY_HPP

#include "core.hpp"

namespace cvm {

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
        return detail::fill_enum<Stage>(
            size(), [&](std::uint8_t *o, std::size_t n) { return cvm_ladder_stages(capi(), o, n); });
    }
    std::string reason(std::size_t row) const {
        return detail::take_string([&](char **out) { return cvm_ladder_reason(capi(), row, out); });
    }
    /// Customers per stage, in CVM_STAGE_* order (6 values).
    std::vector<std::size_t> counts() const {
        return detail::fill<std::size_t>(6, [&](std::size_t *o, std::size_t n) { return cvm_ladder_counts(capi(), o, n); });
    }

    /// Adopts a C handle (freed by this object).
    explicit Ladder(cvm_ladder *raw) noexcept : LadderHandle(raw) {}
};

/// The canonical name of a stage ("suspect", …).
inline std::string stage_name(Stage s) { return detail::copy(cvm_stage_name(static_cast<std::uint8_t>(s))); }

/// Attitudinal loyalty level (CVM_LEVEL_*).
enum class Level : std::uint8_t {
    None = CVM_LEVEL_NONE,
    Cognitive = CVM_LEVEL_COGNITIVE,
    Affective = CVM_LEVEL_AFFECTIVE,
    Conative = CVM_LEVEL_CONATIVE,
    Action = CVM_LEVEL_ACTION,
};

/// The canonical name of a level ("none", …; "" for an unknown code).
inline std::string level_name(Level l) { return detail::copy(cvm_level_name(static_cast<std::uint8_t>(l))); }

/// Level thresholds and rules: the C struct's named members, from the library's defaults.
struct LevelOptions : cvm_level_options {
    LevelOptions() : cvm_level_options(cvm_level_options_default()) {}
};

/// The four survey columns of Levels::compute (one value per customer each).
struct LevelColumns {
    Span<double> belief_better, satisfaction, repurchase_intent, repeat_despite_obstacles;
};

/// Each customer's attitudinal loyalty level (Oliver's four phases) with reasons.
class Levels : public LevelsHandle {
public:
    static Levels compute(const LevelColumns &c, const LevelOptions &options = {}) {
        return detail::make<Levels>([&](cvm_levels **out) {
            return cvm_loyalty_levels(c.belief_better.data(), c.belief_better.size(), c.satisfaction.data(),
                                      c.satisfaction.size(), c.repurchase_intent.data(), c.repurchase_intent.size(),
                                      c.repeat_despite_obstacles.data(), c.repeat_despite_obstacles.size(), &options,
                                      out);
        });
    }
    std::size_t size() const { return cvm_levels_len(capi()); }
    std::vector<Level> levels() const {
        return detail::fill_enum<Level>(
            size(), [&](std::uint8_t *o, std::size_t n) { return cvm_levels_levels(capi(), o, n); });
    }
    std::string reason(std::size_t row) const {
        return detail::take_string([&](char **out) { return cvm_levels_reason(capi(), row, out); });
    }
    /// Adopts a C handle (freed by this object).
    explicit Levels(cvm_levels *raw) noexcept : LevelsHandle(raw) {}
};

/// How customers in only one snapshot are treated (CVM_MIGRATION_*).
enum class MigrationPolicy : std::uint32_t { Strict = CVM_MIGRATION_STRICT, OuterJoin = CVM_MIGRATION_OUTER_JOIN };

/// One snapshot of stages: customer ids and their stage codes.
struct StageSnapshot {
    Span<std::int64_t> ids;
    Span<std::uint8_t> stages;
};

/// One customer's move between snapshots (state codes: CVM_STAGE_* or CVM_STATE_NEW/GONE).
struct Move {
    std::int64_t id;
    std::uint8_t from, to;
};

/// The transition matrix between the stages of two snapshots.
class Migration : public MigrationHandle {
public:
    static Migration compute(const StageSnapshot &before, const StageSnapshot &after,
                             MigrationPolicy policy = MigrationPolicy::Strict) {
        return detail::make<Migration>([&](cvm_migration **out) {
            return cvm_stage_migration(before.ids.data(), before.ids.size(), before.stages.data(),
                                       before.stages.size(), after.ids.data(), after.ids.size(), after.stages.data(),
                                       after.stages.size(), static_cast<std::uint32_t>(policy), out);
        });
    }
    std::size_t n_rows() const { return cvm_migration_n_rows(capi()); }
    std::size_t n_columns() const { return cvm_migration_n_columns(capi()); }
    /// State codes of the rows / columns (stage names: stage_name()).
    std::vector<std::uint8_t> row_states() const {
        return detail::fill<std::uint8_t>(
            n_rows(), [&](std::uint8_t *o, std::size_t n) { return cvm_migration_row_states(capi(), o, n); });
    }
    std::vector<std::uint8_t> column_states() const {
        return detail::fill<std::uint8_t>(
            n_columns(), [&](std::uint8_t *o, std::size_t n) { return cvm_migration_column_states(capi(), o, n); });
    }
    /// Counts, row-major (n_rows() × n_columns()).
    std::vector<std::uint64_t> counts() const {
        return detail::fill<std::uint64_t>(n_rows() * n_columns(), [&](std::uint64_t *o, std::size_t n) {
            return cvm_migration_counts(capi(), o, n);
        });
    }
    /// Row-normalised rates, row-major.
    std::vector<double> rates() const {
        return detail::fill<double>(n_rows() * n_columns(),
                                    [&](double *o, std::size_t n) { return cvm_migration_rates(capi(), o, n); });
    }
    std::vector<Move> moves() const {
        const std::size_t n = cvm_migration_n_moves(capi());
        std::vector<std::int64_t> ids(n);
        std::vector<std::uint8_t> from(n), to(n);
        detail::check(cvm_migration_moves(capi(), ids.data(), from.data(), to.data(), n));
        std::vector<Move> out;
        for (std::size_t i = 0; i < n; i++) out.push_back(Move{ids[i], from[i], to[i]});
        return out;
    }
    /// Adopts a C handle (freed by this object).
    explicit Migration(cvm_migration *raw) noexcept : MigrationHandle(raw) {}
};

/// Relationship trend type (CVM_TREND_*).
enum class TrendType : std::uint32_t {
    HighRising = CVM_TREND_HIGH_RISING,
    HighStable = CVM_TREND_HIGH_STABLE,
    HighDeclining = CVM_TREND_HIGH_DECLINING,
    LowRising = CVM_TREND_LOW_RISING,
    LowStable = CVM_TREND_LOW_STABLE,
    LowDeclining = CVM_TREND_LOW_DECLINING,
};

/// Options of Trend::compute: level threshold (empty: the median) and slope tolerance, from the
/// library's defaults.
struct TrendOptions {
    std::optional<double> high_level;
    double slope_tolerance = cvm_trend_options_default().slope_tolerance;
    /// CVM_SLOPE_RELATIVE (a fraction of the level) or CVM_SLOPE_ABSOLUTE (profit per period).
    std::uint32_t slope_scale = cvm_trend_options_default().slope_scale;

    cvm_trend_options to_c() const {
        return cvm_trend_options{high_level.has_value(), high_level.value_or(0.0), slope_tolerance, slope_scale};
    }
};

/// Each customer's trend level, slope and threshold.
struct TrendValues {
    std::vector<double> level, slope, threshold;
};

/// Each customer's relationship trend (level × slope of profit over periods).
class Trend : public TrendHandle {
public:
    /// `profit` row-major, customers × n_periods (oldest first).
    static Trend compute(Span<double> profit, std::size_t n_periods, const TrendOptions &options = {}) {
        const cvm_trend_options o = options.to_c();
        return detail::make<Trend>(
            [&](cvm_trend **out) { return cvm_relationship_trend(profit.data(), profit.size(), n_periods, &o, out); });
    }
    std::size_t size() const { return cvm_trend_len(capi()); }
    double high_level() const { return cvm_trend_high_level(capi()); }
    std::vector<TrendType> types() const {
        return detail::fill_enum<TrendType>(
            size(), [&](std::uint32_t *o, std::size_t n) { return cvm_trend_types(capi(), o, n); });
    }
    TrendValues values() const {
        const std::size_t n = size();
        TrendValues v{std::vector<double>(n), std::vector<double>(n), std::vector<double>(n)};
        detail::check(cvm_trend_values(capi(), v.level.data(), v.slope.data(), v.threshold.data(), n));
        return v;
    }
    std::string reason(std::size_t row) const {
        return detail::take_string([&](char **out) { return cvm_trend_reason(capi(), row, out); });
    }
    /// Adopts a C handle (freed by this object).
    explicit Trend(cvm_trend *raw) noexcept : TrendHandle(raw) {}
};

}  // namespace cvm

#endif
