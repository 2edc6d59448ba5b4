"""Customer summary: cvm vs pandas groupby vs polars group_by vs lifetimes, in one process.

Run with `make bench-python` (creates .venv-bench with the pinned alternatives). Generates a
seeded log of N transactions of N/5 customers over two years for each size given, with int64 or
text customer ids (an object column, pandas string[pyarrow], or a polars frame for cvm), checks that every implementation returns the same customers (in the same
order) and frequency / recency / T / monetary value, and prints the best of R runs and the
ratios. Results are also written to benches/results/summary.json.

    python benches/compare_summary.py --rows 100000 1000000 5000000 20000000 --ids int str arrow polars
"""

from __future__ import annotations

import argparse
import json
import pathlib
import platform
import time

import numpy as np
import pandas as pd

import cvm

try:
    import polars as pl
except ImportError:  # pragma: no cover
    pl = None
try:
    from lifetimes.utils import summary_data_from_transaction_data
except ImportError:  # pragma: no cover
    summary_data_from_transaction_data = None

OBS_END = pd.Timestamp("2024-01-01")


def make_log(n_rows: int, seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n_customers = n_rows // 5
    start = np.datetime64("2022-01-01T00:00:00", "ns").astype(np.int64)
    span = 730 * 86_400 * 10**9
    ts = start + rng.integers(0, span, n_rows)
    return pd.DataFrame(
        {
            "id": rng.integers(0, n_customers, n_rows) * 7 + 1000,
            "date": pd.to_datetime(ts),
            "amount": rng.integers(0, 20_000, n_rows) / 100.0,
        }
    )


def run_cvm(log: pd.DataFrame) -> pd.DataFrame:
    return cvm.summary_from_transactions(log, "id", "date", "amount", observation_period_end=OBS_END, time_unit="W")


def run_pandas(log: pd.DataFrame) -> pd.DataFrame:
    day = log["date"].dt.floor("D")
    per_day = log.assign(day=day).groupby(["id", "day"], sort=True)["amount"].sum().reset_index()
    g = per_day.groupby("id", sort=True)
    first = g["day"].transform("min")
    repeat = per_day[per_day["day"] != first]
    out = g["day"].agg(["min", "max", "count"])
    week = np.timedelta64(7, "D")
    res = pd.DataFrame(
        {
            "frequency": (out["count"] - 1).astype(float),
            "recency": (out["max"] - out["min"]) / week,
            "T": (OBS_END - out["min"]) / week,
        }
    )
    res["monetary_value"] = repeat.groupby("id")["amount"].mean().reindex(res.index, fill_value=0.0)
    return res


def run_polars(log: "pl.DataFrame") -> "pl.DataFrame":
    per_day = log.with_columns(pl.col("date").dt.truncate("1d").alias("day")).group_by(["id", "day"]).agg(pl.col("amount").sum())
    per_day = per_day.with_columns(pl.col("day").min().over("id").alias("first"))
    week_ns = 7 * 86_400 * 10**9
    out = (
        per_day.group_by("id")
        .agg(
            (pl.len() - 1).cast(pl.Float64).alias("frequency"),
            ((pl.col("day").max() - pl.col("day").min()).dt.total_nanoseconds() / week_ns).alias("recency"),
            ((pl.lit(OBS_END) - pl.col("day").min()).dt.total_nanoseconds() / week_ns).alias("T"),
            pl.col("amount").filter(pl.col("day") != pl.col("first")).mean().fill_null(0.0).alias("monetary_value"),
        )
        .sort("id")
    )
    return out


def run_lifetimes(log: pd.DataFrame) -> pd.DataFrame:
    return summary_data_from_transaction_data(
        log, "id", "date", monetary_value_col="amount", observation_period_end=OBS_END, freq="D", freq_multiplier=7
    )


CLOCK = time.perf_counter


def best_of(fn, arg, repeats: int):
    times, result = [], None
    for _ in range(repeats):
        t0 = CLOCK()
        result = fn(arg)
        times.append(CLOCK() - t0)
    return min(times), result


def compare(log: pd.DataFrame, repeats: int, lifetimes_rows: int, skip: list[str],
            cvm_log=None) -> tuple[dict, dict]:
    """Times every implementation on ``log`` (cvm on ``cvm_log`` when given: the same log as a
    polars frame) and checks they agree with cvm; (seconds, notes)."""
    n_rows = len(log)
    results, notes = {}, {}
    t, ref = best_of(run_cvm, log if cvm_log is None else cvm_log, repeats)
    results["cvm"] = t
    cols = ["frequency", "recency", "T", "monetary_value"]
    if "pandas" not in skip:
        t, pd_res = best_of(run_pandas, log, repeats)
        results["pandas groupby"] = t
        np.testing.assert_array_equal(pd_res.index.to_numpy(), ref.index.to_numpy())
        np.testing.assert_allclose(pd_res[cols].to_numpy(), ref[cols].to_numpy(), rtol=1e-12, atol=1e-9)
    if pl is not None and "polars" not in skip:
        plog = pl.from_pandas(log)
        t, pl_res = best_of(run_polars, plog, repeats)
        results["polars group_by"] = t
        np.testing.assert_array_equal(pl_res["id"].to_numpy(), ref.index.to_numpy())
        np.testing.assert_allclose(pl_res.select(cols).to_numpy(), ref[cols].to_numpy(), rtol=1e-12, atol=1e-9)
    if summary_data_from_transaction_data is not None and "lifetimes" not in skip:
        sub = log.iloc[:lifetimes_rows]
        # Best of the same number of runs as cvm's up to 1M rows (a run there takes ~2 s);
        # once above, where one run takes tens of seconds.
        lt_runs = repeats if len(sub) <= 1_000_000 else 1
        t_sub, lt = best_of(run_lifetimes, sub, lt_runs)
        t_cvm_sub, ref_sub = best_of(run_cvm, sub, repeats)
        np.testing.assert_allclose(lt["frequency"].to_numpy(), ref_sub["frequency"].to_numpy())
        results["lifetimes" if len(sub) == n_rows else "lifetimes (scaled)"] = t_sub * n_rows / len(sub)
        notes["lifetimes"] = f"best of {lt_runs}: {t_sub:.3f} s on {len(sub):,} rows (cvm: {t_cvm_sub:.3f} s on the same rows); frequencies agree"
    return results, notes


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, nargs="+", default=[5_000_000],
                    help="log sizes to run (e.g. 100000 1000000 5000000 20000000)")
    ap.add_argument("--ids", choices=["int", "str", "arrow", "polars"], nargs="+", default=["int"],
                    help="customer ids as int64, as strings (object column), as pandas string[pyarrow], "
                         "or as strings with cvm given the log as a polars DataFrame")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--lifetimes-rows", type=int, default=1_000_000, help="lifetimes is run on at most this many rows (it is slow); its time is scaled linearly to the size and reported as such")
    ap.add_argument("--skip", nargs="*", default=[], choices=["pandas", "polars", "lifetimes"])
    ap.add_argument("--clock", choices=["wall", "cpu"], default="wall",
                    help="wall-clock time (default) or this process's CPU time (for a shared, loaded machine)")
    args = ap.parse_args()
    global CLOCK
    CLOCK = time.perf_counter if args.clock == "wall" else time.process_time

    runs = []
    for n_rows in args.rows:
        for ids in args.ids:
            log = make_log(n_rows)
            if ids != "int":
                log["id"] = log["id"].astype(str).astype("string[pyarrow]" if ids == "arrow" else object)
            cvm_log = pl.from_pandas(log) if ids == "polars" else None
            results, notes = compare(log, args.repeats, args.lifetimes_rows, args.skip, cvm_log)
            print(f"customer summary of {n_rows:,} transactions ({log['id'].nunique():,} customers, "
                  f"{ids} ids), best of {args.repeats}, {args.clock} clock")
            print(f"{'implementation':24s} {'seconds':>9s} {'vs cvm':>8s}")
            for name, secs in results.items():
                print(f"{name:24s} {secs:9.3f} {secs / results['cvm']:7.1f}x")
            for k, v in notes.items():
                print(f"  {k}: {v}")
            runs.append({"rows": n_rows, "ids": ids, "seconds": results, "notes": notes})
            del log
    out = pathlib.Path(__file__).with_name("results") / "summary.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"runs": runs, "clock": args.clock, "machine": platform.platform(), "cpus": __import__("os").cpu_count()}, indent=2))


if __name__ == "__main__":
    main()
