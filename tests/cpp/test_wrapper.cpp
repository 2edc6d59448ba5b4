// cvm.hpp beyond the workflow: errors (status, field, index), moves, strings, results equal to
// the C API's bit for bit, and concurrent use from several threads.
#include <array>
#include <thread>

#include "api_test.hpp"

using api_test::expect_error;

namespace {

// CDNOW-like summary columns (weeks) of six customers.
const std::vector<double> F{0, 2, 5, 1, 0, 7}, R{0, 30.4, 35.1, 10.0, 0, 36.9}, T{38.9, 38.9, 38.0, 37.1, 36.4, 38.6},
    Z{0, 22.5, 41.0, 12.0, 0, 35.2};

cvm::Model bgnbd() {
    return cvm::Model::from_json(
        R"({"format": "cvm-model", "version": 1, "model": "bg_nbd", "time_unit": "W",)"
        R"( "params": {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}})");
}

void test_errors() {
    cvm::Error e = expect_error([] { cvm::Model::fit("bgnbd", F, R, T); });
    CHECK(e.status() == cvm::Status::UnknownName && e.field() == "model" && e.index() == -1);
    CHECK(std::string(e.what()).find("bg_nbd") != std::string::npos);
    std::vector<double> bad_r = R;
    bad_r[3] = -1;
    e = expect_error([&] { bgnbd().probability_alive(F, bad_r, T); });
    CHECK(e.status() == cvm::Status::InvalidValue && e.field() == "recency" && e.index() == 3);
    e = expect_error([] { cvm::Model::from_json("{not json"); });
    CHECK(e.status() == cvm::Status::Json);
    cvm::ClvOptions o;
    o.data_time_unit = cvm::Unit::Day;  // contradicts the model's weeks
    auto gg = cvm::GammaGamma::from_json(
        R"({"format": "cvm-model", "version": 1, "model": "gamma_gamma", "params": {"p": 6.25, "q": 3.74, "gamma": 15.44}})");
    e = expect_error([&] { cvm::clv(bgnbd(), gg, {F, R, T, Z}, o); });
    CHECK(e.status() == cvm::Status::InvalidValue && e.field() == "data_time_unit");
    e = expect_error([] { cvm::Rules::preset("best_customer"); });
    CHECK(e.status() == cvm::Status::UnknownName && e.field() == "preset");
    CHECK(cvm::Rules::preset("good_customer").to_json().find("good_customer") != std::string::npos);
    e = expect_error([] { cvm::format_date(3000000); });
    CHECK(e.field() == "days");
    e = expect_error([] { cvm::set_num_threads(3); });  // the pool is already running
    CHECK(e.field() == "num_threads");
    cvm::check_version();
}

void test_moves_and_strings() {
    cvm::Model a = bgnbd();
    cvm_model *raw = a.capi();
    cvm::Model b = std::move(a);
    CHECK(!a && b.capi() == raw);
    cvm::Model c = cvm::Model::from_json(b.to_json());
    c = std::move(b);  // frees c's own model
    CHECK(!b && c.capi() == raw);
    CHECK(c.kind() == "bg_nbd" && c.time_unit() == cvm::Unit::Week);
    std::string json = c.to_json();
    CHECK(json.find("\"bg_nbd\"") != std::string::npos);
    CHECK(cvm::Model::from_json(json).params() == c.params());
    CHECK(cvm::format_date(cvm::parse_date("1997-09-30")) == "1997-09-30");
    CHECK(cvm::stage_name(cvm::Stage::Lapsed) == "lapsed");
    CHECK(cvm::stage_name(static_cast<cvm::Stage>(42)).empty());  // NULL from C: "" here
    std::vector<cvm::Model> many;
    for (int i = 0; i < 4; i++) many.push_back(bgnbd());  // vector growth moves handles
    CHECK(many.size() == 4 && many[0].kind() == "bg_nbd");
}

void test_results_match_c() {
    cvm::Model m = bgnbd();
    auto gg = cvm::GammaGamma::fit(std::array<double, 4>{2, 5, 1, 7}, std::array<double, 4>{22.5, 41.0, 12.0, 35.2});
    cvm::ClvOptions o;
    o.interval_level = 0.0;
    o.method = cvm::ClvMethod::Lifetimes;
    cvm::ClvResult r = cvm::clv(m, gg, {F, R, T, Z}, o);
    std::vector<double> want(F.size());
    cvm_clv_options co = cvm_clv_options_default();
    co.method = CVM_CLV_LIFETIMES;
    cvm_clv_customers cc{{F.data(), F.size()}, {R.data(), R.size()}, {T.data(), T.size()}, {Z.data(), Z.size()}};
    cvm_clv_outputs out{want.data(), nullptr, nullptr, nullptr, nullptr, want.size()};
    CHECK_STATUS(cvm_clv(m.capi(), gg.capi(), &cc, &co, &out), CVM_STATUS_OK);
    CHECK(r.clv == want && r.lower.empty());
    CHECK(r.clv[5] > r.clv[1] && r.clv[1] > 0);
    std::vector<double> alive = m.probability_alive(F, R, T);
    CHECK_CLOSE(alive[0], 1.0, 0.0);
    cvm::LadderColumns cols{F, R, T};
    cols.p_alive = alive;
    cvm::LadderOptions lo;
    lo.p_alive_threshold = 0.5;
    cvm::Ladder ladder = cvm::Ladder::compute(cols, lo);
    std::vector<cvm::Stage> st = ladder.stages();
    CHECK(st.size() == 6 && st[0] == cvm::Stage::FirstTime && st[5] == cvm::Stage::Repeat);
    CHECK(ladder.reason(5).rfind("repeat", 0) == 0);
    cvm::ValueMatrix vm = cvm::ValueMatrix::compute(Z, r.clv);
    CHECK(vm.size() == 6 && !vm.label(vm.cells()[5]).empty() && vm.label(99).empty());
    cvm::Table t;
    t.numeric("clv", r.clv);
    cvm::Rules rules = cvm::Rules::from_json(
        R"({"version": 1, "name": "t", "criteria": [{"name": "valuable", "weight": 1,)"
        R"( "condition": {"attr": "clv", "op": ">=", "value": 50}}], "decisions": [{"decision": "target", "min": 1},)"
        R"( {"decision": "skip", "max": 1}]})");
    cvm::Evaluation ev = rules.evaluate(t);
    std::vector<std::string> d = ev.decisions();
    for (std::size_t i = 0; i < d.size(); i++) CHECK(d[i] == (r.clv[i] >= 50 ? "target" : "skip"));
    CHECK(ev.reasons(5).find("valuable") != std::string::npos);
}

void test_threads() {
    const cvm::Model m = bgnbd();
    const std::vector<double> want = m.probability_alive(F, R, T);
    std::array<int, 8> same{};
    std::array<std::string, 8> fields;
    std::vector<std::thread> pool;
    for (int k = 0; k < 8; k++)
        pool.emplace_back([&, k] {
            for (int rep = 0; rep < 20; rep++) same[k] += m.probability_alive(F, R, T) == want;
            // An error on this thread is this thread's alone.
            fields[k] = expect_error([&] { m.probability_alive(F, R, std::vector<double>{1}); }).field();
        });
    for (auto &t : pool) t.join();
    for (int k = 0; k < 8; k++) CHECK(same[k] == 20 && fields[k] == "T");
    // Large enough to run on the pool's worker threads, from two caller threads at once.
    std::vector<double> f, r, t;
    for (int i = 0; i < 30000; i++) f.push_back(F[i % 6]), r.push_back(R[i % 6]), t.push_back(T[i % 6]);
    std::vector<double> big_a, big_b;
    std::thread ta([&] { big_a = m.probability_alive(f, r, t); });
    std::thread tb([&] { big_b = m.probability_alive(f, r, t); });
    ta.join();
    tb.join();
    CHECK(big_a == big_b && big_a.size() == 30000 && big_a[29999] == want[29999 % 6]);
}

}  // namespace

int main() {
    cvm::set_num_threads(2);  // before any computing call
    CHECK(cvm::num_threads() == 2);
    test_errors();
    test_moves_and_strings();
    test_results_match_c();
    test_threads();
    return cvm_test_finish("test_wrapper");
}
