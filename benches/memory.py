"""Peak resident memory: customer summary (+ BG/NBD fit + 12-month CLV) vs pandas and polars.

Each scenario runs in its own process under ``/usr/bin/time -v``; the peak is its "Maximum
resident set size". Every process builds the same seeded log (ids int64, timestamps
datetime64[ns], amounts float64: 24 bytes a row, "the input arrays") without temporaries, so
the ``baseline`` scenario (imports + the log, nothing else) is the floor every other scenario
starts from. Ratios are to the size of the input arrays.

    python benches/memory.py --rows 10000000 --customers 2000000

Scenarios: ``baseline``; ``cvm-summary`` (``summary_from_transactions``); ``cvm`` (the summary,
a BG/NBD fit, a Gamma-Gamma fit and a 12-month CLV); ``pandas`` (``groupby`` summary as in
``compare_summary.py``); ``polars`` (``group_by`` summary, the log converted to polars first).
Results are also written to benches/results/memory.json.
"""

from __future__ import annotations

import argparse
import json
import pathlib
import platform
import re
import subprocess
import sys

SCENARIOS = ("baseline", "cvm-summary", "cvm", "pandas", "polars")
OBS_END = "2024-01-01"


def make_log(n_rows: int, n_customers: int, seed: int = 7):
    """The log, built in place: the peak while building is the log itself (24 bytes a row)."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    ids = rng.integers(0, n_customers, n_rows)
    ids *= 7
    ids += 1000
    ts = rng.integers(0, 730 * 86_400 * 10**9, n_rows)
    # Customers stop buying (a lifetime model can be fitted): each buys only within its own
    # share of the two years, scaled in slices (no row-sized temporaries).
    share = rng.beta(0.6, 0.9, n_customers)
    step = 1 << 20
    for s in range(0, n_rows, step):
        ts[s : s + step] = ts[s : s + step] * share[(ids[s : s + step] - 1000) // 7]
    ts += np.datetime64("2022-01-01T00:00:00", "ns").astype(np.int64)
    # Spend varies between customers (a Gamma-Gamma model can be fitted): a per-customer scale
    # times a per-transaction gamma draw, filled in slices (no row-sized temporaries).
    scale = rng.gamma(3.0, 10.0, n_customers)
    amount = rng.gamma(4.0, 1.0, n_rows)
    for s in range(0, n_rows, step):
        amount[s : s + step] *= scale[(ids[s : s + step] - 1000) // 7]
    np.round(amount, 2, out=amount)
    amount += 0.01  # every amount > 0
    return pd.DataFrame({"id": ids, "date": ts.view("datetime64[ns]"), "amount": amount}, copy=False)


def run(scenario: str, n_rows: int, n_customers: int) -> None:
    """One scenario, in this process."""
    import pandas as pd

    import cvm

    sys.path.insert(0, str(pathlib.Path(__file__).parent))
    from compare_summary import run_pandas, run_polars

    log = make_log(n_rows, n_customers)
    end = pd.Timestamp(OBS_END)
    if scenario in ("cvm-summary", "cvm"):
        summary = cvm.summary_from_transactions(log, "id", "date", "amount", observation_period_end=end, time_unit="W")
        if scenario == "cvm":
            # Dropout in this log is the same for every customer, which leaves the BG/NBD's a
            # and b unbounded (a, b -> infinity): a small penalty keeps them finite.
            bg = cvm.BetaGeo(penalizer=0.001).fit(summary)
            gg = cvm.GammaGamma().fit(summary)
            clv = cvm.customer_lifetime_value(bg, gg, summary, horizon=12, time_unit="M")
            assert len(clv) == len(summary)
    elif scenario == "pandas":
        run_pandas(log)
    elif scenario == "polars":
        import polars as pl

        plog = pl.from_pandas(log)
        del log
        run_polars(plog)


def measure(scenario: str, n_rows: int, n_customers: int) -> float:
    """Peak resident memory of one scenario in its own process, in MB (10^6 bytes)."""
    cmd = ["/usr/bin/time", "-v", sys.executable, __file__, "--scenario", scenario,
           "--rows", str(n_rows), "--customers", str(n_customers)]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"{scenario} failed:\n{proc.stderr[-2000:]}")
    kb = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
    if kb is None:
        raise RuntimeError(f"no 'Maximum resident set size' in the output of {cmd}")
    return int(kb.group(1)) * 1024 / 1e6


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--customers", type=int, default=2_000_000)
    ap.add_argument("--scenario", choices=SCENARIOS, help="run one scenario in this process (internal)")
    ap.add_argument("--only", nargs="*", choices=SCENARIOS, default=list(SCENARIOS), help="scenarios to measure")
    args = ap.parse_args()
    if args.scenario:
        run(args.scenario, args.rows, args.customers)
        return
    input_mb = args.rows * 24 / 1e6
    peaks = {}
    for s in args.only:
        peaks[s] = measure(s, args.rows, args.customers)
        print(f"  {s}: {peaks[s]:.0f} MB", flush=True)
    base = peaks.get("baseline")
    print(f"{args.rows:,} transactions of up to {args.customers:,} customers; input arrays "
          f"(ids, dates, amounts) {input_mb:.0f} MB")
    print(f"{'scenario':14s} {'peak MB':>9s} {'/ input':>8s} {'above baseline':>15s}")
    for s, mb in peaks.items():
        above = "" if base is None or s == "baseline" else f"{mb - base:12.0f} MB"
        print(f"{s:14s} {mb:9.0f} {mb / input_mb:7.2f}x {above:>15s}")
    out = pathlib.Path(__file__).with_name("results") / "memory.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"rows": args.rows, "customers": args.customers, "input_mb": input_mb,
                               "peak_mb": peaks, "machine": platform.platform()}, indent=2))


if __name__ == "__main__":
    main()
