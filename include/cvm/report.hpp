// cvm/report.hpp — playbooks, the per-customer action report, campaign selection, RFM segments
// (part of cvm.hpp; see docs/cpp.md).
#ifndef CVM_REPORT_HPP
#define CVM_REPORT_HPP

#include "loyalty.hpp"

namespace cvm {

/// The rules that turn a customer's figures into a next best action.
class Playbook : public PlaybookHandle {
public:
    /// The default playbook (docs/decisions.md).
    static Playbook standard() { return detail::make<Playbook>([](cvm_playbook **out) { return cvm_playbook_default(out); }); }
    static Playbook from_json(const std::string &json) {
        return detail::make<Playbook>([&](cvm_playbook **out) { return cvm_playbook_from_json(json.c_str(), out); });
    }
    std::string to_json() const {
        return detail::take_string([&](char **out) { return cvm_playbook_to_json(capi(), out); });
    }
    /// Adopts a C handle (freed by this object).
    explicit Playbook(cvm_playbook *raw) noexcept : PlaybookHandle(raw) {}
};

/// The report: one row per customer with its next best action; CSV and HTML.
class Report : public ReportHandle {
public:
    std::size_t rows() const { return cvm_report_rows(capi()); }
    std::string action(std::size_t row) const { return text(row, false); }
    std::string action_reason(std::size_t row) const { return text(row, true); }
    std::string csv() const {
        return detail::take_string([&](char **out) { return cvm_report_csv(capi(), out); });
    }
    std::string html(const std::string &title) const {
        return detail::take_string([&](char **out) { return cvm_report_html(capi(), title.c_str(), out); });
    }
    /// Adopts a C handle (freed by this object).
    explicit Report(cvm_report *raw) noexcept : ReportHandle(raw) {}

private:
    std::string text(std::size_t row, bool reason) const {
        return detail::take_string([&](char **out) { return cvm_report_action(capi(), row, reason, out); });
    }
};

/// Flag columns of the report (CVM_FLAG_*).
enum class Flag : std::uint32_t { Dormant = CVM_FLAG_DORMANT, FeeDue = CVM_FLAG_FEE_DUE, Elastic = CVM_FLAG_ELASTIC };

/// Collects the columns of a report, then builds it (each setter returns *this).
class ReportBuilder : public ReportBuilderHandle {
public:
    /// A report for the customers `ids` (row labels).
    explicit ReportBuilder(const std::vector<std::string> &ids) : ReportBuilderHandle(make(ids)) {}
    ReportBuilder &values(Span<double> realised, Span<double> potential, Span<double> influence) {
        same(realised.size(), potential.size(), influence.size());
        return set(cvm_report_builder_values(capi(), realised.data(), potential.data(), influence.data(),
                                             realised.size()));
    }
    ReportBuilder &clv(Span<double> clv) { return set(cvm_report_builder_clv(capi(), clv.data(), clv.size())); }
    ReportBuilder &churn(Span<double> p) { return set(cvm_report_builder_churn(capi(), p.data(), p.size())); }
    ReportBuilder &matrix(const std::vector<std::string> &cells, const std::vector<std::string> &strategies) {
        same(cells.size(), strategies.size(), cells.size());
        auto c = detail::c_strings(cells), s = detail::c_strings(strategies);
        return set(cvm_report_builder_matrix(capi(), c.data(), s.data(), c.size()));
    }
    ReportBuilder &stages(const std::vector<Stage> &stages) {
        auto c = detail::codes(stages);
        return set(cvm_report_builder_stages(capi(), c.data(), c.size()));
    }
    ReportBuilder &levels(const std::vector<Level> &levels) {
        auto c = detail::codes(levels);
        return set(cvm_report_builder_levels(capi(), c.data(), c.size()));
    }
    /// A flag column: 0 false, 1 true, anything else missing.
    ReportBuilder &flag(Flag which, Span<std::uint8_t> values) {
        return set(cvm_report_builder_flag(capi(), static_cast<std::uint32_t>(which), values.data(), values.size()));
    }
    /// "high_risk", "watch", "low_risk"; an empty optional is missing.
    ReportBuilder &big_customer_risk(const std::vector<std::optional<std::string>> &decisions) {
        std::vector<const char *> d;
        for (const auto &x : decisions) d.push_back(x ? x->c_str() : nullptr);
        return set(cvm_report_builder_big_customer_risk(capi(), d.data(), d.size()));
    }
    ReportBuilder &selection(const std::vector<std::string> &decisions, const std::vector<std::string> &reasons) {
        same(decisions.size(), reasons.size(), decisions.size());
        auto d = detail::c_strings(decisions), r = detail::c_strings(reasons);
        return set(cvm_report_builder_selection(capi(), d.data(), r.data(), d.size()));
    }
    /// Builds with `playbook` (default: the standard one); the builder is unchanged.
    Report build(const Playbook *playbook = nullptr) const {
        return detail::make<Report>([&](cvm_report **out) {
            return cvm_report_builder_build(capi(), playbook ? playbook->capi() : nullptr, out);
        });
    }

private:
    static cvm_report_builder *make(const std::vector<std::string> &ids) {
        auto c = detail::c_strings(ids);
        cvm_report_builder *b = nullptr;
        detail::check(cvm_report_builder_new(c.data(), c.size(), &b));
        return b;
    }
    ReportBuilder &set(cvm_status s) {
        detail::check(s);
        return *this;
    }
    /// Columns given together must have one length (the C call takes one n).
    static void same(std::size_t a, std::size_t b, std::size_t c) {
        if (a != b || a != c)
            throw Error(Status::LengthMismatch, "columns given together must have one length", "n", -1);
    }
};

/// Campaign optimiser (CVM_CAMPAIGN_*).
enum class CampaignMethod : std::uint32_t { Auto = CVM_CAMPAIGN_AUTO, Exact = CVM_CAMPAIGN_EXACT, Greedy = CVM_CAMPAIGN_GREEDY };

/// Inputs of Campaign::select: per-customer CLV and uplift; cost for everyone (1 value), per
/// customer, or per segment (with `segment` codes, one per customer); the budget.
struct CampaignInputs {
    Span<double> clv, uplift, cost;
    Span<std::size_t> segment{};
    double budget = 0;

    cvm_campaign_inputs to_c() const {
        return cvm_campaign_inputs{detail::col(clv), detail::col(uplift), detail::col(cost), detail::opt(segment),
                                   budget};
    }
};

/// Options of Campaign::select and compare_campaigns (defaults: auto method, 100 draws, seed 0).
struct CampaignOptions {
    CampaignMethod method = static_cast<CampaignMethod>(cvm_campaign_options_default().method);
    std::size_t draws = cvm_campaign_options_default().draws;
    std::uint64_t seed = cvm_campaign_options_default().seed;

    cvm_campaign_options to_c() const {
        return cvm_campaign_options{static_cast<std::uint32_t>(method), draws, seed};
    }
};

using CampaignSummary = cvm_campaign_summary;
using CampaignComparison = cvm_campaign_comparison;

/// Whom to contact within the budget to maximise the expected CLV gained.
class Campaign : public CampaignHandle {
public:
    static Campaign select(const CampaignInputs &in, const CampaignOptions &options = {}) {
        cvm_campaign *raw = nullptr;
        const cvm_campaign_inputs i = in.to_c();
        const cvm_campaign_options o = options.to_c();
        detail::check(cvm_select_campaign(&i, &o, &raw));
        return Campaign(raw, in.clv.size());
    }
    CampaignSummary summary() const {
        return detail::scalar<CampaignSummary>([&](CampaignSummary *o) { return cvm_campaign_summary_get(capi(), o); });
    }
    /// Whether each customer is contacted.
    std::vector<bool> selected() const {
        std::vector<bool> out;
        for (auto b : detail::fill<std::uint8_t>(
                 n_, [&](std::uint8_t *o, std::size_t n) { return cvm_campaign_selected(capi(), o, n); }))
            out.push_back(b != 0);
        return out;
    }
    /// Adopts a C handle of a campaign over `n` customers (freed by this object).
    Campaign(cvm_campaign *raw, std::size_t n) noexcept : CampaignHandle(raw), n_(n) {}

private:
    std::size_t n_;
};

/// The optimised campaign against top-N by CLV and `options.draws` seeded random selections.
inline CampaignComparison compare_campaigns(const CampaignInputs &in, const CampaignOptions &options = {}) {
    const cvm_campaign_inputs i = in.to_c();
    const cvm_campaign_options o = options.to_c();
    return detail::scalar<CampaignComparison>(
        [&](CampaignComparison *out) { return cvm_compare_campaigns(&i, &o, out); });
}

/// RFM quintile scores (1–5) and segment indices (names: Rfm::segment_names()).
struct RfmScores {
    std::vector<std::uint8_t> recency, frequency, monetary;
    std::vector<std::uint16_t> segment;
};

/// RFM segments of each customer.
class Rfm : public RfmHandle {
public:
    /// `monetary_value` may be empty; `table_json` empty: the default segment table.
    static Rfm compute(Span<double> frequency, Span<double> recency, Span<double> T, Span<double> monetary_value = {},
                       const std::string &table_json = "") {
        cvm_rfm *raw = nullptr;
        detail::check(cvm_rfm_segments(frequency.data(), frequency.size(), recency.data(), recency.size(), T.data(),
                                       T.size(), detail::opt(monetary_value), monetary_value.size(),
                                       table_json.empty() ? nullptr : table_json.c_str(), &raw));
        return Rfm(raw, frequency.size());
    }
    RfmScores scores() const {
        RfmScores s{std::vector<std::uint8_t>(n_), std::vector<std::uint8_t>(n_), std::vector<std::uint8_t>(n_),
                    std::vector<std::uint16_t>(n_)};
        detail::check(cvm_rfm_copy(capi(), s.recency.data(), s.frequency.data(), s.monetary.data(), s.segment.data(), n_));
        return s;
    }
    std::vector<std::string> segment_names() const {
        std::vector<std::string> out;
        for (std::size_t k = 0; k < cvm_rfm_segment_count(capi()); k++)
            out.push_back(detail::copy(cvm_rfm_segment_name(capi(), k)));
        return out;
    }
    /// Adopts a C handle of segments of `n` customers (freed by this object).
    Rfm(cvm_rfm *raw, std::size_t n) noexcept : RfmHandle(raw), n_(n) {}

private:
    std::size_t n_;
};

}  // namespace cvm

#endif
