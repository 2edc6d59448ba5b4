// The overnight scoring job of an ERP, over cvm.hpp and SQLite (see docs/erp.md).
//
//   erp_scoring DB [--orders-from CDNOW_LOG] [--reuse-model] [--fail-after N]
//
// Reads `orders(customer_id, ordered_on 'YYYY-MM-DD', amount)` — created from the CDNOW log on
// the first run when the table does not exist —, builds the customer summary (weeks, observed to
// the last order), fits BG/NBD and Gamma-Gamma (stored as JSON in `models` with the fit date) or,
// with --reuse-model, loads the latest stored fit, and writes one row per customer to
// `customer_scores` in ONE transaction: P(alive), expected purchases over the next 52 weeks,
// 12-month CLV, loyalty stage, selection decision with its reasons, value-matrix cell. Any failure
// (--fail-after N injects one after N rows) rolls the transaction back: the previous scores stay.
#include <sqlite3.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>

#include "cvm.hpp"

namespace {

constexpr double kPurchaseHorizonWeeks = 52.0;

// The selection rules of the job: target valuable customers who are still active.
const char *kRules = R"({"version": 1, "name": "erp_selection", "criteria": [
  {"name": "valuable", "weight": 2, "condition": {"attr": "clv", "op": ">=", "value": 100}},
  {"name": "active", "weight": 1, "condition": {"attr": "p_alive", "op": ">=", "value": 0.5}},
  {"name": "repeat_buyer", "weight": 1, "condition": {"attr": "frequency", "op": ">=", "value": 1}}],
 "decisions": [{"decision": "target", "min": 3}, {"decision": "nurture", "min": 1, "max": 3},
               {"decision": "skip", "max": 1}]})";

struct DbError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

using Db = std::unique_ptr<sqlite3, decltype(&sqlite3_close)>;
using Stmt = std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)>;

void exec(sqlite3 *db, const std::string &sql) {
    char *err = nullptr;
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
        std::string msg = err ? err : "unknown error";
        sqlite3_free(err);
        throw DbError("SQL failed (" + msg + "): " + sql);
    }
}

Stmt prepare(sqlite3 *db, const std::string &sql) {
    sqlite3_stmt *s = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) != SQLITE_OK)
        throw DbError(std::string("cannot prepare (") + sqlite3_errmsg(db) + "): " + sql);
    return Stmt(s, sqlite3_finalize);
}

void step_done(sqlite3 *db, sqlite3_stmt *s) {
    if (sqlite3_step(s) != SQLITE_DONE) throw DbError(std::string("write failed: ") + sqlite3_errmsg(db));
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
}

bool table_exists(sqlite3 *db, const char *name) {
    Stmt s = prepare(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?");
    sqlite3_bind_text(s.get(), 1, name, -1, SQLITE_STATIC);
    return sqlite3_step(s.get()) == SQLITE_ROW;
}

// First run: `orders` from the CDNOW log (master id, customer id, YYYYMMDD, CDs, amount).
void create_orders(sqlite3 *db, const std::string &log_path) {
    std::ifstream in(log_path);
    if (!in) throw DbError("cannot open the orders log " + log_path);
    exec(db, "BEGIN");
    exec(db, "CREATE TABLE orders (customer_id INTEGER NOT NULL, ordered_on TEXT NOT NULL, amount REAL NOT NULL)");
    Stmt ins = prepare(db, "INSERT INTO orders VALUES (?, ?, ?)");
    long master, id, cds;
    std::string day;
    double amount;
    while (in >> master >> id >> day >> cds >> amount) {
        std::string iso = cvm::format_date(cvm::parse_date(day));
        sqlite3_bind_int64(ins.get(), 1, id);
        sqlite3_bind_text(ins.get(), 2, iso.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_double(ins.get(), 3, amount);
        step_done(db, ins.get());
    }
    exec(db, "COMMIT");
}

struct Orders {
    std::vector<std::int64_t> ids, days;
    std::vector<double> amounts;
    std::map<std::int64_t, double> revenue;  // per customer: the current value
};

Orders read_orders(sqlite3 *db) {
    Orders o;
    Stmt s = prepare(db, "SELECT customer_id, ordered_on, amount FROM orders");
    while (sqlite3_step(s.get()) == SQLITE_ROW) {
        o.ids.push_back(sqlite3_column_int64(s.get(), 0));
        o.days.push_back(cvm::parse_date(reinterpret_cast<const char *>(sqlite3_column_text(s.get(), 1))));
        o.amounts.push_back(sqlite3_column_double(s.get(), 2));
        o.revenue[o.ids.back()] += o.amounts.back();
    }
    return o;
}

std::string latest_model(sqlite3 *db, const char *name) {
    Stmt s = prepare(db, "SELECT json FROM models WHERE name = ? ORDER BY rowid DESC LIMIT 1");
    sqlite3_bind_text(s.get(), 1, name, -1, SQLITE_STATIC);
    if (sqlite3_step(s.get()) != SQLITE_ROW)
        throw DbError(std::string("--reuse-model: no stored model '") + name + "' (run once without it)");
    return reinterpret_cast<const char *>(sqlite3_column_text(s.get(), 0));
}

void store_model(sqlite3 *db, const char *name, const std::string &fitted_on, const std::string &json) {
    Stmt s = prepare(db, "INSERT INTO models (name, fitted_on, json) VALUES (?, ?, ?)");
    sqlite3_bind_text(s.get(), 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(s.get(), 2, fitted_on.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s.get(), 3, json.c_str(), -1, SQLITE_TRANSIENT);
    step_done(db, s.get());
}

// Fits or loads the models, scores every customer and writes `customer_scores` (inside the
// caller's transaction).
void score(sqlite3 *db, const cvm::Summary &s, const Orders &orders, const std::string &today, bool reuse,
           long fail_after) {
    auto fit_or_load = [&](const char *name, auto load, auto fit) {
        if (reuse) return load(latest_model(db, name));
        auto m = fit();
        store_model(db, name, today, m.to_json());
        return m;
    };
    cvm::FitOptions fo;
    fo.time_unit = s.time_unit();
    auto bg = fit_or_load("bg_nbd", cvm::Model::from_json, [&] { return cvm::Model::fit("bg_nbd", s, fo); });
    auto gg = fit_or_load("gamma_gamma", cvm::GammaGamma::from_json,
                          [&] { return cvm::GammaGamma::fit(s.frequency(), s.monetary_value(), fo); });

    auto alive = bg.probability_alive(s.frequency(), s.recency(), s.T());
    auto purchases = bg.conditional_expected_purchases(kPurchaseHorizonWeeks, s.frequency(), s.recency(), s.T());
    cvm::ClvResult value = cvm::clv(bg, gg, cvm::ClvCustomers::of(s));  // 12 months, 1 % a month
    cvm::LadderColumns cols{s.frequency(), s.recency(), s.T()};
    cols.p_alive = alive;
    auto ladder = cvm::Ladder::compute(cols);
    auto stages = ladder.stages();
    cvm::Table table;
    table.numeric("clv", value.clv).numeric("p_alive", alive).numeric("frequency", s.frequency());
    auto evaluation = cvm::Rules::from_json(kRules).evaluate(table);
    auto decisions = evaluation.decisions();
    std::vector<double> current;
    for (auto id : s.customer_ids()) current.push_back(orders.revenue.at(id));
    auto matrix = cvm::ValueMatrix::compute(current, value.clv);
    auto cells = matrix.cells();

    exec(db, "DELETE FROM customer_scores");
    Stmt ins = prepare(db, "INSERT INTO customer_scores VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    for (std::size_t i = 0; i < s.size(); i++) {
        if (fail_after >= 0 && static_cast<long>(i) == fail_after)
            throw DbError("injected failure after " + std::to_string(i) + " rows");
        sqlite3_stmt *st = ins.get();
        const std::string stage = cvm::stage_name(stages[i]), reasons = evaluation.reasons(i);
        const std::string label = matrix.label(cells[i]);
        sqlite3_bind_int64(st, 1, s.customer_ids()[i]);
        sqlite3_bind_double(st, 2, alive[i]);
        sqlite3_bind_double(st, 3, purchases[i]);
        sqlite3_bind_double(st, 4, value.clv[i]);
        sqlite3_bind_text(st, 5, stage.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 6, decisions[i].c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 7, reasons.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(st, 8, static_cast<sqlite3_int64>(cells[i]));
        sqlite3_bind_text(st, 9, label.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 10, today.c_str(), -1, SQLITE_TRANSIENT);
        step_done(db, st);
    }
}

int run(int argc, char **argv) {
    if (argc < 2) throw DbError("usage: erp_scoring DB [--orders-from LOG] [--reuse-model] [--fail-after N]");
    std::string log_path;
    bool reuse = false;
    long fail_after = -1;
    for (int i = 2; i < argc; i++) {
        std::string a = argv[i];
        if (a == "--reuse-model") reuse = true;
        else if (a == "--orders-from" && i + 1 < argc) log_path = argv[++i];
        else if (a == "--fail-after" && i + 1 < argc) fail_after = std::strtol(argv[++i], nullptr, 10);
        else throw DbError("unknown argument " + a);
    }
    cvm::check_version();
    sqlite3 *raw = nullptr;
    int rc = sqlite3_open(argv[1], &raw);
    Db db(raw, sqlite3_close);
    if (rc != SQLITE_OK) throw DbError(std::string("cannot open ") + argv[1]);
    if (!table_exists(db.get(), "orders")) {
        if (log_path.empty()) throw DbError("no `orders` table: give --orders-from CDNOW_LOG on the first run");
        create_orders(db.get(), log_path);
    }
    exec(db.get(), "CREATE TABLE IF NOT EXISTS models (name TEXT NOT NULL, fitted_on TEXT NOT NULL, json TEXT NOT NULL)");
    exec(db.get(),
         "CREATE TABLE IF NOT EXISTS customer_scores (customer_id INTEGER PRIMARY KEY, p_alive REAL, "
         "expected_purchases REAL, clv REAL, loyalty_stage TEXT, decision TEXT, reasons TEXT, matrix_cell INTEGER, "
         "matrix_label TEXT, scored_on TEXT)");

    Orders orders = read_orders(db.get());
    std::int64_t last = 0;
    for (auto d : orders.days) last = std::max(last, d);
    cvm::SummaryOptions so;
    so.time_unit = cvm::Unit::Week;
    so.observation_end = last;
    auto s = cvm::Summary::from_transactions(orders.ids, orders.days, orders.amounts, so);
    const std::string today = cvm::format_date(last);

    // One transaction: a new fit's models and all the scores, or nothing.
    exec(db.get(), "BEGIN");
    try {
        score(db.get(), s, orders, today, reuse, fail_after);
        exec(db.get(), "COMMIT");
    } catch (...) {
        exec(db.get(), "ROLLBACK");
        throw;
    }
    std::printf("scored %zu customers on %s (%s model)\n", s.size(), today.c_str(), reuse ? "stored" : "new");
    return 0;
}

}  // namespace

int main(int argc, char **argv) {
    try {
        return run(argc, argv);
    } catch (const cvm::Error &e) {
        std::fprintf(stderr, "erp_scoring: cvm error: %s (field '%s', index %lld)\n", e.what(), e.field().c_str(),
                     static_cast<long long>(e.index()));
    } catch (const std::exception &e) {
        std::fprintf(stderr, "erp_scoring: %s\n", e.what());
    }
    return 1;
}
