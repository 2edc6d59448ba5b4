// cvm/rules.hpp — tables, rule sets, evaluations, transitions, reports, campaigns (part of cvm.hpp; see docs/cpp.md).
#ifndef CVM_RULES_HPP
#define CVM_RULES_HPP

#include "core.hpp"

namespace cvm {

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
    /// A categorical column: `codes` index `categories` (-1: missing).
    Table &categorical(const std::string &name, Span<std::int32_t> codes, const std::vector<std::string> &categories) {
        std::vector<const char *> c = detail::c_strings(categories);
        detail::check(
            cvm_table_add_categorical(capi(), name.c_str(), codes.data(), codes.size(), c.data(), c.size()));
        return *this;
    }
    /// Rows of the columns added (0 before the first).
    std::size_t n_rows() const { return cvm_table_n_rows(capi()); }

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
    /// Decision codes (index decision_names()) of each customer.
    std::vector<std::uint16_t> decision_codes() const {
        return detail::fill<std::uint16_t>(
            size(), [&](std::uint16_t *o, std::size_t n) { return cvm_evaluation_decision_codes(capi(), o, n); });
    }
    /// The rules' decisions, in code order.
    std::vector<std::string> decision_names() const {
        std::vector<std::string> out;
        for (std::size_t c = 0; c < cvm_evaluation_decision_count(capi()); c++)
            out.push_back(detail::copy(cvm_evaluation_decision_name(capi(), c)));
        return out;
    }
    /// Customers per decision code.
    std::vector<std::size_t> counts() const {
        return detail::fill<std::size_t>(cvm_evaluation_decision_count(capi()), [&](std::size_t *o, std::size_t n) {
            return cvm_evaluation_counts(capi(), o, n);
        });
    }
    /// The hard rule that decided for `row`; empty when the score decided.
    std::optional<std::string> fired_rule(std::size_t row) const {
        const char *s = cvm_evaluation_fired_rule(capi(), row);
        return s ? std::optional<std::string>(s) : std::nullopt;
    }
    /// The service strategy of `row`; empty when none applies.
    std::optional<std::string> strategy(std::size_t row) const {
        const char *s = cvm_evaluation_strategy(capi(), row);
        return s ? std::optional<std::string>(s) : std::nullopt;
    }
    /// A warning that most customers got one decision.
    struct Warning {
        std::uint16_t decision_code;
        std::size_t count;
        double share;
        std::string message;
    };
    std::vector<Warning> warnings() const {
        std::vector<Warning> out;
        for (std::size_t k = 0; k < cvm_evaluation_warning_count(capi()); k++) {
            Warning w{0, 0, 0.0, detail::copy(cvm_evaluation_warning_message(capi(), k))};
            detail::check(cvm_evaluation_warning(capi(), k, &w.decision_code, &w.count, &w.share));
            out.push_back(std::move(w));
        }
        return out;
    }
};

/// Overrides of a preset: thresholds by option name, and renamed input columns (from → to).
struct PresetOptions {
    std::vector<std::pair<std::string, double>> overrides;
    std::vector<std::pair<std::string, std::string>> renames;
};

/// A rule set (selection criteria, bands, hard rules).
class Rules : public RulesHandle {
public:
    /// A preset ("good_customer", "big_customer_risk", "elastic_customer", "dormant_account"),
    /// with thresholds overridden and columns renamed as `options` says.
    static Rules preset(const std::string &name, const PresetOptions &options = {}) {
        std::vector<std::string> names, from, to;
        std::vector<double> values;
        for (const auto &kv : options.overrides) names.push_back(kv.first), values.push_back(kv.second);
        for (const auto &kv : options.renames) from.push_back(kv.first), to.push_back(kv.second);
        std::vector<const char *> n = detail::c_strings(names), f = detail::c_strings(from), t = detail::c_strings(to);
        cvm_preset_options o = cvm_preset_options_default();
        o.option_names = n.data(), o.n_option_names = n.size();
        o.option_values = values.data(), o.n_option_values = values.size();
        o.rename_from = f.data(), o.n_rename_from = f.size();
        o.rename_to = t.data(), o.n_rename_to = t.size();
        return detail::make<Rules>([&](cvm_rules **out) { return cvm_rules_preset(name.c_str(), &o, out); });
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

    /// Adopts a C handle (freed by this object).
    explicit Rules(cvm_rules *raw) noexcept : RulesHandle(raw) {}
};

/// Per account: id, status before and after (CVM_ACCOUNT_*), transition (CVM_TRANSITION_*).
struct TransitionValues {
    std::vector<std::int64_t> account_id;
    std::vector<std::uint32_t> before, after, transition;
};

/// One snapshot of accounts: ids and the table the rules read (one row per id).
struct AccountSnapshot {
    Span<std::int64_t> ids;
    const Table &table;
};

/// Dormant-account transitions between two snapshots.
class Transitions : public TransitionsHandle {
public:
    static Transitions compute(const Rules &rules, const std::string &dormant_decision, const AccountSnapshot &before,
                               const AccountSnapshot &after) {
        return detail::make<Transitions>([&](cvm_transitions **out) {
            return cvm_dormant_transitions(rules.capi(), dormant_decision.c_str(), before.ids.data(),
                                           before.ids.size(), before.table.capi(), after.ids.data(), after.ids.size(),
                                           after.table.capi(), out);
        });
    }
    std::size_t size() const { return cvm_transitions_len(capi()); }
    TransitionValues values() const {
        const std::size_t n = size();
        TransitionValues v{std::vector<std::int64_t>(n), std::vector<std::uint32_t>(n), std::vector<std::uint32_t>(n),
                           std::vector<std::uint32_t>(n)};
        detail::check(cvm_transitions_values(capi(), v.account_id.data(), v.before.data(), v.after.data(),
                                             v.transition.data(), n));
        return v;
    }
    std::string reason(std::size_t row) const {
        return detail::take_string([&](char **out) { return cvm_transitions_reason(capi(), row, out); });
    }
    /// Adopts a C handle (freed by this object).
    explicit Transitions(cvm_transitions *raw) noexcept : TransitionsHandle(raw) {}
};

/// How look-alike features are standardised (CVM_STANDARDIZE_*).
enum class Standardization : std::uint32_t { Loyal = CVM_STANDARDIZE_LOYAL, Pooled = CVM_STANDARDIZE_POOLED };

/// Candidates ranked by similarity to the loyal customers.
class Lookalike : public LookalikeHandle {
public:
    static Lookalike rank(const Table &candidates, const Table &loyal, const std::vector<std::string> &features,
                          std::size_t k, Standardization standardization = Standardization::Loyal) {
        std::vector<const char *> f = detail::c_strings(features);
        return detail::make<Lookalike>([&](cvm_lookalike **out) {
            return cvm_lookalike_rank(candidates.capi(), loyal.capi(), f.data(), f.size(), k,
                                      static_cast<std::uint32_t>(standardization), out);
        });
    }
    /// Candidates ranked (length of distance() and similarity()).
    std::size_t size() const { return cvm_lookalike_len(capi()); }
    std::vector<double> distance() const { return scores(true); }
    std::vector<double> similarity() const { return scores(false); }
    /// Indices of the kept candidates, most similar first.
    std::vector<std::size_t> top() const {
        return detail::fill<std::size_t>(cvm_lookalike_top_count(capi()), [&](std::size_t *o, std::size_t n) {
            return cvm_lookalike_top(capi(), o, n);
        });
    }
    /// Adopts a C handle (freed by this object).
    explicit Lookalike(cvm_lookalike *raw) noexcept : LookalikeHandle(raw) {}

private:
    std::vector<double> scores(bool distance) const {
        return detail::fill<double>(size(), [&](double *o, std::size_t n) {
            return cvm_lookalike_scores(capi(), distance ? o : nullptr, distance ? nullptr : o, n);
        });
    }
};

}  // namespace cvm

#endif
