// cvm.hpp over loyalty (ladder, levels, migration, trend), rules (tables, evaluations, presets,
// transitions, look-alikes), reports and campaigns, the value matrix and whale curve, cash-flow
// CLV and fees: values equal the C calls', errors carry status, field and index, and no NULL
// from the library reaches a std::string.
#include <cmath>

#include "api_test.hpp"

using api_test::expect_error;
using api_test::is;
using cvm::Status;

namespace {

void test_loyalty() {
    const std::vector<double> F{0, 2, 5, 1}, R{0, 30, 35, 10}, T{39, 39, 38, 37};
    cvm::Ladder ladder = cvm::Ladder::compute({F, R, T});
    std::vector<std::size_t> counts(6);
    CHECK_STATUS(cvm_ladder_counts(ladder.capi(), counts.data(), 6), CVM_STATUS_OK);
    CHECK(ladder.counts() == counts && counts[CVM_STAGE_REPEAT] == 3 && counts[CVM_STAGE_FIRST_TIME] == 1);
    // Levels (Oliver): one customer at each level.
    const std::vector<double> belief{0, 1, 1, 1, 1}, sat{5, 2, 4, 5, 5}, intent{5, 5, 3, 4, 5}, obst{3, 3, 3, 0, 1};
    cvm::Levels lv = cvm::Levels::compute({belief, sat, intent, obst});
    std::vector<cvm::Level> want{cvm::Level::None, cvm::Level::Cognitive, cvm::Level::Affective,
                                 cvm::Level::Conative, cvm::Level::Action};
    CHECK(lv.size() == 5 && lv.levels() == want);
    char *raw = nullptr;
    CHECK_STATUS(cvm_levels_reason(lv.capi(), 3, &raw), CVM_STATUS_OK);
    CHECK(lv.reason(3) == raw);
    cvm_string_free(raw);
    CHECK(cvm::level_name(cvm::Level::Conative) == "conative" && cvm::level_name(static_cast<cvm::Level>(50)).empty());
    cvm::LevelOptions lo;
    lo.rule = CVM_LEVEL_RULE_HIGHEST;
    CHECK(cvm::Levels::compute({belief, sat, intent, obst}, lo).levels()[0] == cvm::Level::Action);
    CHECK(is(expect_error([&] { cvm::Levels::compute({belief, sat, intent, std::vector<double>{1}}); }),
             Status::LengthMismatch, "repeat_despite_obstacles", -1));
    // Migration between two snapshots.
    const std::vector<std::int64_t> ib{1, 2, 3}, ia{4, 2, 1};
    const std::vector<std::uint8_t> sb{CVM_STAGE_FIRST_TIME, CVM_STAGE_FIRST_TIME, CVM_STAGE_REPEAT},
        sa{CVM_STAGE_REPEAT, CVM_STAGE_LAPSED, CVM_STAGE_ADVOCATE};
    cvm::Error e = expect_error([&] { cvm::Migration::compute({ib, sb}, {ia, sa}); });
    CHECK(e.status() == Status::InvalidValue && e.index() >= 0);
    cvm::Migration m = cvm::Migration::compute({ib, sb}, {ia, sa}, cvm::MigrationPolicy::OuterJoin);
    CHECK(m.n_rows() == 7 && m.n_columns() == 7 && m.row_states().back() == CVM_STATE_NEW &&
          m.column_states().back() == CVM_STATE_GONE);
    std::vector<std::uint64_t> c(49);
    std::vector<double> rates(49);
    CHECK_STATUS(cvm_migration_counts(m.capi(), c.data(), 49), CVM_STATUS_OK);
    CHECK_STATUS(cvm_migration_rates(m.capi(), rates.data(), 49), CVM_STATUS_OK);
    CHECK(m.counts() == c && m.rates() == rates);
    std::vector<cvm::Move> moves = m.moves();
    CHECK(moves.size() == 4 && moves[0].id == 1 && moves[0].from == CVM_STAGE_FIRST_TIME &&
          moves[0].to == CVM_STAGE_ADVOCATE && moves[3].id == 4 && moves[3].from == CVM_STATE_NEW);
    CHECK(cvm::stage_name(static_cast<cvm::Stage>(moves[3].from)) == "new");
    // Relationship trend.
    const std::vector<double> profit{1000, 1010, 990, 1000, 1600, 1400, 1200, 1000, 100, 200, 300, 400,
                                     200,  210,  190, 200,  1000, 1200, 1400, 1600, 500, 400, 300, 200};
    cvm::TrendOptions to;
    to.high_level = 900.0;
    to.slope_tolerance = 50.0;
    to.slope_scale = CVM_SLOPE_ABSOLUTE;
    cvm::Trend tr = cvm::Trend::compute(profit, 4, to);
    CHECK(tr.size() == 6 && tr.high_level() == 900.0 && tr.types()[5] == cvm::TrendType::LowDeclining);
    CHECK(tr.reason(5) == "low_declining(level=350<900; slope=-100<-50)");
    std::vector<double> lvl(6), slope(6), thr(6);
    CHECK_STATUS(cvm_trend_values(tr.capi(), lvl.data(), slope.data(), thr.data(), 6), CVM_STATUS_OK);
    cvm::TrendValues tv = tr.values();
    CHECK(tv.level == lvl && tv.slope == slope && tv.threshold == thr);
    CHECK(is(expect_error([&] { tr.reason(6); }), Status::InvalidValue, "row", 6));
    CHECK(is(expect_error([&] { cvm::Trend::compute(profit, 1); }), Status::InvalidValue, "n_periods", -1));
    CHECK(cvm::Trend::compute(profit, 4).high_level() > 0);  // the median level
}

void test_rules() {
    const std::vector<double> margin{1234.5, 800.0, 1000.0, NAN};
    const std::vector<std::uint8_t> partner{1, 0, 255, 1};
    const std::vector<std::int32_t> codes{0, 1, 2, -1};
    cvm::Table t;
    CHECK(t.n_rows() == 0);
    t.numeric("margin", margin).boolean("partner", partner).categorical("segment", codes, {"gold", "silver", "bronze"});
    CHECK(t.n_rows() == 4);
    CHECK(is(expect_error([&] { t.categorical("bad", std::vector<std::int32_t>{0, 1, 2, 5}, {"a", "b", "c"}); }),
             Status::InvalidValue, "bad", 3));
    cvm::Rules rules = cvm::Rules::from_json(
        R"({"version": 1, "name": "t", "criteria": [{"name": "big", "weight": 1,)"
        R"( "condition": {"attr": "margin", "op": ">=", "value": 1000}}],)"
        R"( "hard": [{"name": "partner_first", "decision": "target", "condition": {"attr": "partner", "op": "==",)"
        R"( "value": true}}], "decisions": [{"decision": "target", "min": 1}, {"decision": "skip", "max": 1}],)"
        R"( "missing": {"decide": "skip"}})");
    cvm::Evaluation ev = rules.evaluate(t);
    std::vector<std::uint16_t> dc(4);
    CHECK_STATUS(cvm_evaluation_decision_codes(ev.capi(), dc.data(), 4), CVM_STATUS_OK);
    CHECK(ev.decision_codes() == dc && ev.decision_names() == (std::vector<std::string>{"target", "skip"}));
    std::vector<std::size_t> counts(2);
    CHECK_STATUS(cvm_evaluation_counts(ev.capi(), counts.data(), 2), CVM_STATUS_OK);
    CHECK(ev.counts() == counts && counts[0] + counts[1] == 4);
    CHECK(ev.fired_rule(0) == std::optional<std::string>("partner_first") && !ev.fired_rule(1));
    CHECK(!ev.fired_rule(99) && !ev.strategy(99));  // NULL from C: empty here
    for (const auto &w : ev.warnings()) CHECK(!w.message.empty() && w.share > 0);
    // A preset with overrides and a renamed column, as the C test does.
    const std::vector<double> holdings{0, 0, 0, 0, 0, 0, 0, 0}, cash{100, 50, 80, 200, 10, 0, NAN, 0},
        years{3, 6, 2, 4, 1, 0, 4, 5};
    cvm::PresetOptions po;
    po.overrides = {{"max_cash", 60.0}, {"min_years_inactive", 5.0}};
    po.renames = {{"cash_balance", "cash"}};
    cvm::Rules dormant = cvm::Rules::preset("dormant_account", po);
    cvm::Table t2;
    t2.numeric("holdings_balance", holdings).numeric("cash", cash).numeric("years_since_last_trade", years);
    std::vector<std::string> d = dormant.evaluate(t2).decisions();
    CHECK(d[1] == "dormant" && d[0] == "active" && d[7] == "dormant");
    po.overrides = {{"max_kash", 1.0}};
    CHECK(is(expect_error([&] { cvm::Rules::preset("dormant_account", po); }), Status::UnknownName, "options", -1));
    // Dormant transitions between snapshots.
    cvm::Rules preset = cvm::Rules::preset("dormant_account");
    const std::vector<double> h0{0, 0, 0, 0, 0}, c0{80, 50, 90, 10, 20}, y0{4, 5, 2.5, 6, 9}, h1{0, 0, 0, 0, 500},
        c1{80, 50, 90, NAN, 0}, y1{0.5, 6, 3.5, 7, 0.1};
    cvm::Table t0, t1;
    t0.numeric("holdings_balance", h0).numeric("cash_balance", c0).numeric("years_since_last_trade", y0);
    t1.numeric("holdings_balance", h1).numeric("cash_balance", c1).numeric("years_since_last_trade", y1);
    const std::vector<std::int64_t> ids0{5, 1, 2, 3, 4}, ids1{1, 2, 3, 4, 6};
    cvm::Transitions tr = cvm::Transitions::compute(preset, "dormant", {ids0, t0}, {ids1, t1});
    cvm::TransitionValues v = tr.values();
    CHECK(tr.size() == 6 && v.account_id[0] == 1 && v.transition[0] == CVM_TRANSITION_REACTIVATED);
    CHECK(tr.reason(0).rfind("reactivated: ", 0) == 0);
    CHECK(is(expect_error([&] { cvm::Transitions::compute(preset, "asleep", {ids0, t0}, {ids1, t1}); }),
             Status::InvalidValue, "dormant_decision", -1));
    // Look-alikes.
    cvm::Table loyal, cand;
    loyal.numeric("spend", std::vector<double>{90, 100, 110}).numeric("visits", std::vector<double>{8, 10, 12});
    cand.numeric("spend", std::vector<double>{110, 100, 90, 130, 100})
        .numeric("visits", std::vector<double>{12, 10, 8, 10, 6});
    cvm::Lookalike la = cvm::Lookalike::rank(cand, loyal, {"spend", "visits"}, 4);
    std::vector<double> dist(5), sim(5);
    CHECK_STATUS(cvm_lookalike_scores(la.capi(), dist.data(), sim.data(), 5), CVM_STATUS_OK);
    CHECK(la.size() == 5 && la.distance() == dist && la.similarity() == sim && la.top().size() == 4 &&
          la.top()[0] == 1);
    CHECK_CLOSE(dist[3], std::sqrt(4.5), 1e-12);
    CHECK(is(expect_error([&] { cvm::Lookalike::rank(cand, loyal, {"spend"}, 0); }), Status::InvalidValue, "k", -1));
}

void test_report_and_campaign() {
    cvm::ReportBuilder b({"c1", "c2", "c3"});
    b.clv(std::vector<double>{1200.5, 80.0, 0.25})
        .matrix({"high_current_high_potential", "high_current_low_potential", "low_current_low_potential"},
                {"cultivate this group", "maintain this group", "think carefully before investing resources"})
        .stages({cvm::Stage::Repeat, cvm::Stage::Lapsed, cvm::Stage::Repeat})
        .flag(cvm::Flag::Dormant, std::vector<std::uint8_t>{0, 0, 255})
        .churn(std::vector<double>{0.1, 0.5, 0.9})
        .big_customer_risk({std::nullopt, std::string("watch"), std::string("low_risk")});
    CHECK(is(expect_error([&] { b.clv(std::vector<double>{1, 2}); }), Status::LengthMismatch, "clv", -1));
    cvm::Report r = b.build();
    CHECK(r.rows() == 3 && r.action(0) == "cultivate this group" && !r.action_reason(1).empty());
    CHECK(r.csv().find("c3") != std::string::npos && r.html("Scores").find("Scores") != std::string::npos);
    cvm::Playbook pb = cvm::Playbook::standard();
    cvm::Playbook same = cvm::Playbook::from_json(pb.to_json());
    CHECK(b.build(&same).csv() == r.csv());
    cvm::Error e = expect_error([&] { r.action(3); });
    CHECK(e.status() == Status::InvalidValue && e.field() == "row");
    CHECK(expect_error([] { cvm::Playbook::from_json("{"); }).status() == Status::Json);
    CHECK(expect_error([&] { b.selection({"a"}, {"x", "y"}); }).status() == Status::LengthMismatch);
    // Campaign: gains uplift × clv − cost 60, 100, 120, −5; budget 50.
    const std::vector<double> clv{700.0, 1200.0, 1500.0, 50.0}, uplift{0.1, 0.1, 0.1, 0.1}, cost{10, 20, 30, 10};
    cvm::CampaignInputs in{clv, uplift, cost};
    in.budget = 50;
    cvm::Campaign c = cvm::Campaign::select(in);
    cvm::CampaignSummary s = c.summary();
    CHECK_CLOSE(s.expected_return, 220.0, 1e-9);
    CHECK(s.n_selected == 2 && c.selected() == (std::vector<bool>{false, true, true, false}));
    cvm::CampaignOptions co;
    co.draws = 50, co.seed = 7;
    cvm::CampaignComparison cmp = cvm::compare_campaigns(in, co);
    cvm_campaign_comparison want;
    cvm_campaign_inputs ci{{clv.data(), 4}, {uplift.data(), 4}, {cost.data(), 4}, nullptr, 50};
    cvm_campaign_options o = cvm_campaign_options_default();
    o.draws = 50, o.seed = 7;
    CHECK_STATUS(cvm_compare_campaigns(&ci, &o, &want), CVM_STATUS_OK);
    CHECK(cmp.random_return == want.random_return && cmp.optimised.expected_return == s.expected_return);
    co.method = cvm::CampaignMethod::Greedy;
    CHECK(!cvm::Campaign::select(in, co).summary().exact);
    in.budget = -1;
    CHECK(is(expect_error([&] { cvm::Campaign::select(in); }), Status::InvalidValue, "budget", -1));
}

void test_rfm(const cvm::Summary &s) {
    cvm::Rfm rfm = cvm::Rfm::compute(s.frequency(), s.recency(), s.T(), s.monetary_value());
    cvm::RfmScores sc = rfm.scores();
    const std::size_t n = s.size();
    std::vector<std::uint16_t> seg(n);
    CHECK_STATUS(cvm_rfm_copy(rfm.capi(), nullptr, nullptr, nullptr, seg.data(), n), CVM_STATUS_OK);
    CHECK(sc.segment == seg && sc.recency.size() == n && sc.monetary[0] >= 1 && sc.monetary[0] <= 5);
    CHECK(rfm.segment_names().size() == 11 && !rfm.segment_names()[seg[0]].empty());
    CHECK(expect_error([&] { cvm::Rfm::compute(s.frequency(), s.recency(), s.T(), {}, "{"); }).status() ==
          Status::Json);
}

void test_value() {
    cvm::ValueMatrixOptions o;
    o.current_thresholds = o.potential_thresholds = {100.0};
    const std::vector<double> cb{50, 150, 150, 20, 300}, pb{50, 150, 50, 500, 500}, ca{150, 50, 50, 400},
        pa{150, 150, 50, 10};
    cvm::ValueMatrix before = cvm::ValueMatrix::compute(cb, pb, o), after = cvm::ValueMatrix::compute(ca, pa, o);
    CHECK(before.rows() == 2 && before.cols() == 2 && before.size() == 5);
    auto levels = before.levels();
    CHECK(levels.first == (std::vector<std::uint16_t>{0, 1, 1, 0, 1}) && levels.second[2] == 0);
    cvm::MatrixCells cells = before.cell_totals();
    CHECK(cells.count[3] == 2 && cells.current_sum[3] == 450.0);
    cvm::MatrixThresholds th = before.thresholds();
    CHECK(th.current == std::vector<double>{100.0} && th.potential_ties_low.size() == 1);
    for (const auto &w : before.warnings()) CHECK(!w.message.empty() && w.cell < 4);
    const std::vector<std::int64_t> ib{10, 20, 30, 40, 50}, ia{40, 10, 30, 60};
    cvm::MatrixMigration mm = cvm::value_matrix_migration(ib, before, ia, after, CVM_MIGRATION_OUTER_JOIN, 6);
    CHECK(mm.counts.size() == 25 && mm.counts[3 * 5 + 4] == 2 && mm.counts[4 * 5 + 2] == 1);
    CHECK(mm.to[1] == SIZE_MAX);  // 20 is gone
    const std::vector<double> cur{50, 150, 150, 200, 200, 20}, pot{150, 150, 50, 300, 50, 50};
    CHECK(cvm::value_path(cur, pot, 3, o) == (std::vector<std::size_t>{1, 3, 2, 3, 2, 0}));
    CHECK(is(expect_error([&] { cvm::value_path(cur, pot, 0, o); }), Status::InvalidValue, "n_periods", -1));
    o.labels = {"a", "b"};  // a 2 × 2 grid needs 4
    CHECK(expect_error([&] { cvm::ValueMatrix::compute(cb, pb, o); }).field() == "labels");
    // Whale curve.
    const std::vector<double> profit{500, -30, 40, 300, -80, 10, 20, -60, 0, 50};
    cvm::WhaleCurve w = cvm::WhaleCurve::compute(profit);
    cvm::WhaleSummary ws = w.summary();
    CHECK(ws.n == 10 && ws.unprofitable_count == 3 && w.unprofitable() == (std::vector<std::size_t>{1, 4, 7}));
    CHECK_CLOSE(w.at(0.25), 825.0, 1e-12);
    CHECK(w.order()[0] == 0 && w.curve()[1] == 800.0 && w.customers().rank.size() == 10);
    CHECK(!w.interpretation().empty());
    CHECK(is(expect_error([&] { w.at(1.5); }), Status::InvalidValue, "fraction", -1));
    CHECK(is(expect_error([] { cvm::WhaleCurve::compute(std::vector<double>{-1, -2}).customers(); }),
             Status::InvalidValue, "cumulative_share", -1));
}

void test_cashflow_and_fees() {
    const std::vector<double> revenue{1000.0, 1500.0, 2000.0};
    cvm::Cashflow c;
    c.revenue = cvm::series_schedule(revenue);
    c.cost = cvm::series_constant(500.0);
    c.acquisition_cost = cvm::series_constant(2500.0);
    c.discount_rate = 0.15;
    c.periods = 5;
    CHECK(c.n_customers() == 1);
    CHECK_CLOSE(c.clv()[0], 1280.5955959774055, 1e-9);  // the method's worked example
    cvm::Breakdown b = c.breakdown(0);
    std::vector<cvm::PeriodRow> rows = b.rows();
    CHECK(rows.size() == 5 && b.clv() == c.clv()[0] && b.tail_value() == 0.0 && b.acquisition_cost() == 2500.0);
    CHECK(is(expect_error([&] { c.breakdown(1); }), Status::InvalidValue, "customer", -1));
    const std::vector<double> per{1, 2}, matrix{1, 2, 3, 4, 5, 6};
    CHECK(cvm::series_per_customer(per).kind == CVM_SERIES_PER_CUSTOMER);
    CHECK(cvm::series_matrix(matrix, 3).n_periods == 3);
    double closed = 0;
    CHECK_STATUS(cvm_closed_form_clv(100, 0.8, 0.1, nullptr, &closed), CVM_STATUS_OK);
    CHECK(cvm::closed_form_clv(100, 0.8, 0.1) == closed);
    CHECK_CLOSE(closed, 100 / (1 + 0.1 - 0.8), 1e-12);
    cvm::ClosedFormOptions cfo;
    cfo.periods = 2, cfo.convention = CVM_RETENTION_SURVIVE;
    CHECK_CLOSE(cvm::closed_form_clv(100, 0.8, 0.1, cfo), 80.0 / 1.1 + 64.0 / 1.21, 1e-12);
    cfo.timing = 5;
    CHECK(is(expect_error([&] { cvm::closed_form_clv(100, 0.8, 0.1, cfo); }), Status::UnknownName, "timing", -1));
    CHECK(cvm::retention_from_survival(std::vector<double>{1, 0.5, 0.25}, 3) == (std::vector<double>{0.5, 0.5}));
    // Decomposition.
    const std::vector<double> history{100, 100, 100, 0, 50, 200}, potential{400, 900}, refs{2, 0}, sat{5, 4};
    cvm::DecompositionInputs d;
    d.realised = history.data(), d.n_realised = 6, d.realised_periods = 3, d.realised_rate = 0.1;
    d.potential = potential.data(), d.n_potential = 2;
    d.referrals = cvm::series_per_customer(refs);
    d.conversion = cvm::series_constant(0.25);
    d.referral_value = cvm::series_constant(300.0);
    cvm::Satisfaction satisfaction(sat);
    d.satisfaction = &satisfaction;
    cvm::Decomposition dec = cvm::value_decomposition(d);
    std::vector<double> total(2);
    CHECK_STATUS(cvm_value_decomposition(&d, nullptr, nullptr, nullptr, total.data(), 2), CVM_STATUS_OK);
    CHECK(dec.total == total && dec.potential == potential);
    // Fees: the worked example of docs/fees.md.
    cvm::FeeSchedule fs = cvm::FeeSchedule::standard();
    cvm::FeeTier premier = fs.tier(1);
    CHECK(fs.size() == 2 && premier.name == "premier" && premier.threshold == 500000.0 && premier.fee == 300.0);
    CHECK(is(expect_error([&] { fs.tier(2); }), Status::InvalidValue, "i", 2));
    CHECK(cvm::FeeSchedule::from_json(fs.to_json()).size() == 2);
    const std::int64_t jan1 = cvm::parse_date("2024-01-01");
    const std::vector<std::int64_t> acct{11, 11, 11, 12, 21, 21, 31, 11}, cust{1, 1, 1, 1, 2, 2, 3, 1},
        day{jan1 + 9, jan1 + 24, jan1 + 9, jan1 + 19, jan1 + 14, jan1 + 31 + 13, jan1 + 31, jan1 + 9};
    const std::vector<double> amount{30000, -65000, -5000, 50000, 600000, -200000, 100000, 0};
    cvm::FeeRows rows_in{acct, cust, day, amount};
    const std::vector<std::int64_t> open_acct{11}, tier_cust{2, 1};
    const std::vector<double> open_bal{40000};
    rows_in.opening_account_ids = open_acct;
    rows_in.opening_balances = open_bal;
    rows_in.tier_customer_ids = tier_cust;
    rows_in.tiers = {"premier", "standard"};
    rows_in.default_tier = "standard";
    cvm::FeeResult r = fs.apply(rows_in);
    cvm_fee_rows cr{{acct.data(), 8}, {cust.data(), 8}, {day.data(), 8}, {amount.data(), 8}, {open_acct.data(), 1},
                    {open_bal.data(), 1}, {tier_cust.data(), 2}, {nullptr, 0}, "standard"};
    const char *tiers[2] = {"premier", "standard"};
    cr.tiers = {tiers, 2};
    cvm_fee_result *raw = nullptr;
    CHECK_STATUS(cvm_fee_schedule_apply(fs.capi(), &cr, nullptr, &raw), CVM_STATUS_OK);
    cvm::FeeResult c_result(raw);
    cvm::FeeValues v = r.values(), cv = c_result.values();
    CHECK(r.size() == c_result.size() && v.fee == cv.fee && v.average_daily_balance == cv.average_daily_balance);
    CHECK(r.days_and_tiers().days_in_month[0] == 31 && !r.reason(0).empty());
    rows_in.tiers = {"premier", "gold"};
    CHECK(is(expect_error([&] { fs.apply(rows_in); }), Status::InvalidValue, "tier", 1));
    cvm::FeeOptions fo;
    fo.average_over = 9;
    rows_in.tiers = {"premier", "standard"};
    CHECK(is(expect_error([&] { fs.apply(rows_in, fo); }), Status::UnknownName, "average_over", -1));
}

}  // namespace

int main() {
    test_loyalty();
    test_rules();
    test_report_and_campaign();
    test_rfm(api_test::cdnow());
    test_value();
    test_cashflow_and_fees();
    return cvm_test_finish("test_segments_api");
}
