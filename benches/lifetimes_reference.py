"""Reference values of lifetimes 0.11.3 for cvm.compat.lifetimes, and its public signatures.

Runs in the pinned stack of benches/requirements-bench.txt (`make bench-python` creates
.venv-bench) and writes cvm-py/tests/data/lifetimes_reference.json, which the compat tests assert
in `make test` (lifetimes itself is never imported there). Regenerate with

    .venv-bench/bin/python benches/lifetimes_reference.py

Data: the CDNOW summaries, the donations and the example transaction log shipped in
cvm-py/python/cvm/data (the files of lifetimes' own datasets package). Per-customer quantities
are recorded for a fixed subset of rows (every 47th CDNOW customer) to keep the file small.
"""

from __future__ import annotations

import inspect
import importlib
import json
import pathlib
import sys
import warnings

import numpy as np
import pandas as pd

warnings.filterwarnings("ignore")
import lifetimes  # noqa: E402
from lifetimes import datasets, utils  # noqa: E402,F401

ROOT = pathlib.Path(__file__).resolve().parents[1]
DATA = ROOT / "cvm-py" / "python" / "cvm" / "data"
OUT = ROOT / "cvm-py" / "tests" / "data" / "lifetimes_reference.json"
ROWS = list(range(0, 2357, 47))
MODULES = [
    "lifetimes", "lifetimes.fitters", "lifetimes.utils", "lifetimes.plotting", "lifetimes.datasets",
    "lifetimes.generate_data", "lifetimes.fitters.beta_geo_fitter", "lifetimes.fitters.modified_beta_geo_fitter",
    "lifetimes.fitters.pareto_nbd_fitter", "lifetimes.fitters.beta_geo_beta_binom_fitter",
    "lifetimes.fitters.gamma_gamma_fitter",
]


def floats(x) -> list:
    return [float(v) for v in np.asarray(x, dtype=float).ravel()]


def series(s: pd.Series) -> dict:
    return {str(k): float(v) for k, v in s.items()}


def signatures() -> dict:
    """Every public function, class and method of lifetimes with its signature (str)."""
    out = {}
    for name in MODULES:
        mod = importlib.import_module(name)
        for attr, obj in vars(mod).items():
            if attr.startswith("_") or getattr(obj, "__module__", None) != name:
                continue
            if inspect.isfunction(obj):
                out[f"{name}.{attr}"] = str(inspect.signature(obj))
            elif inspect.isclass(obj) and not issubclass(obj, Exception):
                out[f"{name}.{attr}"] = "class"
                for meth, fn in vars(obj).items():
                    if (not meth.startswith("_") or meth == "__init__") and inspect.isfunction(fn):
                        out[f"{name}.{attr}.{meth}"] = str(inspect.signature(fn))
    return out


def table(df: pd.DataFrame, step: int = 7) -> dict:
    """Every ``step``-th row of each column (by position) and each column's sum over all rows."""
    return {"columns": list(df.columns), "positions": list(range(0, len(df), step)),
            "index": [str(i) for i in df.index[::step]], "n_rows": len(df),
            "values": {c: floats(df[c].iloc[::step]) for c in df.columns},
            "sums": {c: float(df[c].sum()) for c in df.columns}}


def kind(x) -> str:
    return type(x).__name__


def transaction_models(summary: pd.DataFrame) -> dict:
    f, r, T = summary["frequency"], summary["recency"], summary["T"]
    sub = summary.iloc[ROWS]
    out = {"rows": ROWS}
    for name, cls in (("BetaGeoFitter", lifetimes.BetaGeoFitter), ("ModifiedBetaGeoFitter", lifetimes.ModifiedBetaGeoFitter),
                      ("ParetoNBDFitter", lifetimes.ParetoNBDFitter)):
        np.random.seed(0)  # lifetimes' Pareto/NBD starts Nelder-Mead at random: reproducible runs
        m = cls().fit(f, r, T)
        d = {"params": series(m.params_)}
        if hasattr(m, "standard_errors_"):
            d["standard_errors"] = series(m.standard_errors_)
            d["variance_diagonal"] = floats(np.diag(m.variance_matrix_.to_numpy()))
        d["conditional_expected_number_of_purchases_up_to_time_39"] = floats(
            m.conditional_expected_number_of_purchases_up_to_time(39, sub["frequency"], sub["recency"], sub["T"]))
        d["conditional_probability_alive"] = floats(
            m.conditional_probability_alive(sub["frequency"], sub["recency"], sub["T"]))
        d["expected_number_of_purchases_up_to_time"] = floats(m.expected_number_of_purchases_up_to_time(
            np.array([1.0, 10.0, 39.0, 78.0])))
        if hasattr(m, "probability_of_n_purchases_up_to_time"):
            d["probability_of_n_purchases_up_to_time_39"] = [float(m.probability_of_n_purchases_up_to_time(39, n))
                                                            for n in range(6)]
        if hasattr(m, "conditional_probability_of_n_purchases_up_to_time"):  # the Pareto/NBD only
            d["conditional_probability_of_n_purchases_up_to_time_39"] = [
                floats(m.conditional_probability_of_n_purchases_up_to_time(n, 39, sub["frequency"], sub["recency"],
                                                                         sub["T"])) for n in range(6)]
        if hasattr(m, "conditional_probability_alive_matrix"):
            d["conditional_probability_alive_matrix_5_10"] = np.asarray(
                m.conditional_probability_alive_matrix(max_frequency=5, max_recency=10), dtype=float).tolist()
        d["types"] = {
            "cond_purchases_series": kind(m.conditional_expected_number_of_purchases_up_to_time(10, f, r, T)),
            "cond_purchases_scalar": kind(m.conditional_expected_number_of_purchases_up_to_time(10, 2, 30.0, 38.0)),
            "palive_series": kind(m.conditional_probability_alive(f, r, T)),
            "palive_scalar": kind(m.conditional_probability_alive(2, 30.0, 38.0)),
            "expected_scalar": kind(m.expected_number_of_purchases_up_to_time(10)),
        }
        out[name] = d
    return out


def gamma_gamma(summary: pd.DataFrame, cdnow: pd.DataFrame) -> dict:
    rep = summary[summary["frequency"] > 0]
    gg = lifetimes.GammaGammaFitter().fit(rep["frequency"], rep["monetary_value"])
    bg = lifetimes.BetaGeoFitter().fit(cdnow["frequency"], cdnow["recency"], cdnow["T"])
    sub = summary.iloc[ROWS]
    clv = gg.customer_lifetime_value(bg, sub["frequency"], sub["recency"], sub["T"], sub["monetary_value"],
                                     time=12, discount_rate=0.01, freq="W")
    return {
        "params": series(gg.params_),
        "standard_errors": series(gg.standard_errors_),
        "bg_params": series(bg.params_),
        "conditional_expected_average_profit": floats(
            gg.conditional_expected_average_profit(sub["frequency"], sub["monetary_value"])),
        "mean_profit_all": float(gg.conditional_expected_average_profit().mean()),
        "customer_lifetime_value_W_12": floats(clv),
        "clv_type": kind(clv),
    }


def donations() -> dict:
    d = datasets.load_donations()
    m = lifetimes.BetaGeoBetaBinomFitter().fit(d["frequency"], d["recency"], d["periods"], weights=d["weights"])
    table = m.expected_number_of_transactions_in_first_n_periods(6)
    return {
        "params": series(m.params_),
        "standard_errors": series(m.standard_errors_),
        "conditional_expected_number_of_purchases_up_to_time_5": floats(
            m.conditional_expected_number_of_purchases_up_to_time(5, d["frequency"], d["recency"], d["periods"])),
        "conditional_probability_alive_1": floats(
            m.conditional_probability_alive(1, d["frequency"], d["recency"], d["periods"])),
        "expected_number_of_transactions_in_first_n_periods_6": series(table["model"]),
    }


def simulators() -> dict:
    """Columns and shapes of lifetimes' simulators (their draws are random: cvm's tests check
    the models' moments instead)."""
    np.random.seed(7)
    bgbb = lifetimes.generate_data.beta_geometric_beta_binom_model(6, 1.204, 0.750, 0.657, 2.783, size=50)
    return {"beta_geometric_beta_binom_model": {"columns": list(bgbb.columns), "shape": list(bgbb.shape),
                                                "index": kind(bgbb.index)}}


def transactions() -> dict:
    tx = datasets.load_transaction_data()
    s = utils.summary_data_from_transaction_data(tx, "id", "date", observation_period_end="2014-12-31")
    cal = utils.calibration_and_holdout_data(tx, "id", "date", calibration_period_end="2014-09-01",
                                             observation_period_end="2014-12-31")
    bg = lifetimes.BetaGeoFitter().fit(s["frequency"], s["recency"], s["T"])
    cum = utils.expected_cumulative_transactions(bg, tx, "date", "id", 364)
    path = utils.calculate_alive_path(bg, tx[tx["id"] == 35], "date", 200)
    weekly = utils.summary_data_from_transaction_data(tx, "id", "date", observation_period_end="2014-12-31",
                                                      freq="W")
    return {
        "summary": table(s),
        "summary_weekly": table(weekly),
        "calibration": table(cal),
        "bg_params": series(bg.params_),
        "cumulative_actual": floats(cum["actual"]),
        "cumulative_predicted": floats(cum["predicted"]),
        "alive_path_35": floats(path),
    }


def cdnow_log() -> dict:
    log = pd.read_csv(DATA / "CDNOW_sample.txt", sep=r"\s+", header=None,
                      names=["master_id", "customer_id", "date", "cds", "amount"], dtype={"date": str})
    cal = utils.calibration_and_holdout_data(log, "customer_id", "date", calibration_period_end="19970930",
                                             observation_period_end="19980630", datetime_format="%Y%m%d",
                                             monetary_value_col="amount")
    return {"calibration": table(cal)}


def main() -> None:
    cdnow = datasets.load_cdnow_summary(index_col=[0])
    monetary = datasets.load_cdnow_summary_data_with_monetary_value()
    ref = {
        "lifetimes_version": lifetimes.__version__,
        "stack": {"python": sys.version.split()[0], "numpy": np.__version__, "pandas": pd.__version__},
        "signatures": signatures(),
        "cdnow": transaction_models(cdnow),
        "gamma_gamma": gamma_gamma(monetary, cdnow),
        "donations": donations(),
        "example_transactions": transactions(),
        "cdnow_log": cdnow_log(),
        "simulators": simulators(),
    }
    OUT.write_text(json.dumps(ref, indent=0, sort_keys=True) + "\n")
    print(f"wrote {OUT.relative_to(ROOT)} ({OUT.stat().st_size / 1e3:.0f} kB)")


if __name__ == "__main__":
    main()
