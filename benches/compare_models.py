"""Lifetime models: cvm vs lifetimes (and pymc-marketing's MAP fit when importable), in one process.

Run with `make bench-python`. Simulates N customers from a BG/NBD and a Pareto/NBD with known
parameters (cvm's seeded simulator), then times the fits and the per-customer predictions of each
library on the same data, checks that the estimates agree, and prints the best of R runs and the
ratios. lifetimes is slow on large N: it is timed on `--lifetimes-customers` customers and its time is
scaled linearly (its cost is linear in the number of customers per iteration); the scaling is stated
in the output. Results are also written to benches/results/models.json.

`--fit-sizes 10000,50000,200000,1000000` adds the fits at each size (BG/NBD, MBG/NBD, Pareto/NBD,
Gamma-Gamma; lifetimes timed on min(size, `--lifetimes-customers`) and scaled), and
`--fit-threads` times those fits in two child processes, `RAYON_NUM_THREADS=1` and `=2`
(wall clock), and prints the speed-up; `--fits-only` skips the other tasks.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import platform
import subprocess
import sys
import tempfile
import time
import warnings

import numpy as np

import cvm

warnings.filterwarnings("ignore")
try:
    import lifetimes
except ImportError:  # pragma: no cover
    lifetimes = None


CLOCK = time.perf_counter


def best_of(fn, repeats: int):
    times, result = [], None
    for _ in range(repeats):
        t0 = CLOCK()
        result = fn()
        times.append(CLOCK() - t0)
    return min(times), result


def gamma_gamma_and_clv(args, f, r, t, bg, results, notes) -> None:
    """Gamma-Gamma fit and 12-month CLV on the BG/NBD cohort of `main`.

    Spend is simulated from a Gamma-Gamma with known parameters (seeded numpy draws: ν ~ Gamma(q, γ),
    x·z̄ ~ Gamma(px, ν)); both libraries fit the repeat buyers. The CLV of every customer uses
    lifetimes' convention (12 monthly steps of 4.345 weeks, 1 % per month) in both libraries, with
    the same (cvm-fitted) BG/NBD and Gamma-Gamma parameters, and the two results are compared.
    """
    import pandas as pd

    n = len(f)
    rng = np.random.default_rng(13)
    nu = rng.gamma(4.0, 1.0 / 15.0, size=n)
    x = np.maximum(f, 1.0)
    z = np.where(f > 0, rng.gamma(6.0 * x, 1.0 / nu) / x, 0.0)
    rep = f > 0
    t_gg, gg = best_of(lambda: cvm.GammaGamma().fit(f[rep], z[rep]), args.repeats)
    summary = pd.DataFrame({"frequency": f, "recency": r, "T": t, "monetary_value": z})
    clv = lambda: cvm.customer_lifetime_value(bg, gg, summary, horizon=12, time_unit="M",
                                              discount_rate=0.01, method="lifetimes")
    t_clv, v = best_of(clv, args.repeats)
    gg_task = "Gamma-Gamma fit (repeat buyers)"
    clv_task = "CLV 12 months (lifetimes' monthly steps)"
    results[gg_task] = {"cvm": t_gg}
    results[clv_task] = {"cvm": t_clv}
    notes.append(f"Gamma-Gamma fitted on the {int(rep.sum()):,} repeat buyers; CLV of all {n:,} customers")
    if lifetimes is None or args.no_lifetimes:
        return
    m = min(args.lifetimes_customers, n)
    scale = n / m
    sub = rep[:m]
    lt_gg = lifetimes.GammaGammaFitter()
    t_lt, _ = best_of(lambda: lt_gg.fit(f[:m][sub], z[:m][sub]), 1)
    cvm_sub = cvm.GammaGamma().fit(f[:m][sub], z[:m][sub])
    for ours, theirs in (("p", "p"), ("q", "q"), ("gamma", "v")):
        assert abs(lt_gg.params_[theirs] / cvm_sub.params_[ours] - 1) < 1e-3, (ours, lt_gg.params_[theirs], cvm_sub.params_[ours])
    results[gg_task]["lifetimes"] = t_lt * scale
    notes.append("Gamma-Gamma estimates (lifetimes vs cvm): " + ", ".join(
        f"{k} {lt_gg.params_[k2]:.4f}/{cvm_sub.params_[k]:.4f}" for k, k2 in (("p", "p"), ("q", "q"), ("gamma", "v"))))
    lt_bg = lifetimes.BetaGeoFitter()
    lt_bg.params_ = pd.Series(dict(bg.params_))
    lt_bg.predict = lt_bg.conditional_expected_number_of_purchases_up_to_time  # set by fit() otherwise
    lt_gg.params_ = pd.Series({"p": gg.params_["p"], "q": gg.params_["q"], "v": gg.params_["gamma"]})
    s = summary.iloc[:m]
    t_ltc, lv = best_of(lambda: lt_gg.customer_lifetime_value(
        lt_bg, s["frequency"], s["recency"], s["T"], s["monetary_value"], time=12, discount_rate=0.01, freq="W"), 1)
    ours = v["clv"].to_numpy()[:m]
    gap = float(np.max(np.abs(np.asarray(lv, dtype=float) - ours)) / np.max(np.abs(ours)))
    assert gap < 1e-8, gap
    results[clv_task]["lifetimes"] = t_ltc * scale
    notes.append(f"CLV with the same parameters: largest difference {gap:.1e} of the largest CLV")
    notes.append("ratios lifetimes/cvm: " + ", ".join(
        f"{task} {results[task]['lifetimes'] / results[task]['cvm']:.3g}x" for task in (gg_task, clv_task)))


FIT_MODELS = ("BG/NBD", "MBG/NBD", "Pareto/NBD", "Gamma-Gamma")


def fit_cohort(n: int):
    """The cohorts of `main` at size n: BG/NBD, MBG/NBD and Pareto/NBD histories, and spend of the
    BG/NBD cohort's repeat buyers (as in `gamma_gamma_and_clv`)."""
    kw = dict(calibration_end=52.0, birth_window=12.0)
    bg = cvm.BetaGeo.from_params(r=0.25, alpha=4.0, a=0.8, b=2.5).simulate(n, seed=11, **kw)
    mbg = cvm.ModifiedBetaGeo.from_params(r=0.25, alpha=4.0, a=0.8, b=2.5).simulate(n, seed=13, **kw)
    pn = cvm.ParetoNBD.from_params(r=0.55, alpha=10.0, s=0.6, beta=12.0).simulate(n, seed=12, **kw)
    cols = lambda d: tuple(d[c].to_numpy() for c in ("frequency", "recency", "T"))
    f = bg["frequency"].to_numpy()
    rng = np.random.default_rng(13)
    nu = rng.gamma(4.0, 1.0 / 15.0, size=n)
    x = np.maximum(f, 1.0)
    z = np.where(f > 0, rng.gamma(6.0 * x, 1.0 / nu) / x, 0.0)
    rep = f > 0
    return {"BG/NBD": cols(bg), "MBG/NBD": cols(mbg), "Pareto/NBD": cols(pn),
            "Gamma-Gamma": (f[rep], z[rep])}


def cvm_fit(model: str, data):
    return {"BG/NBD": lambda: cvm.BetaGeo().fit(*data),
            "MBG/NBD": lambda: cvm.ModifiedBetaGeo().fit(*data),
            "Pareto/NBD": lambda: cvm.ParetoNBD().fit(*data),
            "Gamma-Gamma": lambda: cvm.GammaGamma().fit(*data)}[model]()


def lifetimes_fit(model: str, data) -> None:
    fitter = {"BG/NBD": lifetimes.BetaGeoFitter, "MBG/NBD": lifetimes.ModifiedBetaGeoFitter,
              "Pareto/NBD": lifetimes.ParetoNBDFitter, "Gamma-Gamma": lifetimes.GammaGammaFitter}[model]
    fitter().fit(*data)


def fit_sizes(args) -> dict[str, dict[str, dict[str, float]]]:
    """cvm's fit time of each model at each size, best of `--repeats`, and lifetimes' (timed once
    on min(size, `--lifetimes-customers`) customers, scaled by size / that)."""
    out: dict[str, dict[str, dict[str, float]]] = {}
    lt_cache: dict[tuple[str, int], float] = {}
    for n in args.fit_sizes:
        cohort = fit_cohort(n)
        for model in FIT_MODELS:
            data = cohort[model]
            t, _ = best_of(lambda: cvm_fit(model, data), args.repeats)
            row = {"cvm": t, "rows": float(len(data[0]))}
            if lifetimes is not None and not args.no_lifetimes:
                m = min(args.lifetimes_customers, n)
                if (model, m) not in lt_cache:
                    sub = fit_cohort(m)[model]
                    lt_cache[(model, m)] = best_of(lambda: lifetimes_fit(model, sub), 1)[0]
                row["lifetimes"] = lt_cache[(model, m)] * n / m
                row["lifetimes_customers"] = float(m)
            out.setdefault(model, {})[str(n)] = row
    return out


def fit_threads(args) -> dict[str, dict[str, dict[str, float]]]:
    """The fits of `fit_sizes` (cvm only, wall clock) in a child process per thread count."""
    by_threads = {}
    for k in (1, 2):
        with tempfile.TemporaryDirectory() as tmp:
            out = pathlib.Path(tmp) / "fits.json"
            cmd = [sys.executable, __file__, "--fits-only", "--no-lifetimes", "--clock", "wall",
                   "--repeats", str(args.repeats), "--fit-sizes", ",".join(map(str, args.fit_sizes)),
                   "--json", str(out)]
            subprocess.run(cmd, check=True, env={**os.environ, "RAYON_NUM_THREADS": str(k)},
                           stdout=subprocess.DEVNULL)
            by_threads[k] = json.loads(out.read_text())["fits"]
    return {model: {n: {"1 thread": by_threads[1][model][n]["cvm"], "2 threads": by_threads[2][model][n]["cvm"]}
                    for n in by_threads[1][model]} for model in by_threads[1]}


def print_fits(fits, threads) -> None:
    print("fits by size (seconds; lifetimes timed on min(size, --lifetimes-customers) and scaled)")
    print(f"{'model':12s} {'customers':>10s} {'rows':>9s} {'cvm':>8s} {'lifetimes':>10s} {'ratio':>7s} {'1→2 threads':>12s}")
    for model, sizes in fits.items():
        for n, row in sizes.items():
            lt = row.get("lifetimes")
            sp = threads.get(model, {}).get(n) if threads else None
            speed = f"{sp['1 thread'] / sp['2 threads']:11.2f}x" if sp else f"{'':12s}"
            print(f"{model:12s} {int(n):10,d} {int(row['rows']):9,d} {row['cvm']:8.4f} "
                  f"{lt if lt is not None else float('nan'):10.2f} "
                  f"{(lt / row['cvm']) if lt else float('nan'):6.0f}x {speed}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--customers", type=int, default=1_000_000)
    ap.add_argument("--lifetimes-customers", type=int, default=100_000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--clock", choices=["wall", "cpu"], default="wall",
                    help="wall-clock time (default) or this process's CPU time (for a shared, loaded machine)")
    ap.add_argument("--fit-sizes", type=lambda v: [int(x) for x in v.split(",")], default=[],
                    help="comma-separated sizes at which to time the fits (e.g. 10000,50000,200000,1000000)")
    ap.add_argument("--fit-threads", action="store_true",
                    help="also time the fits with RAYON_NUM_THREADS=1 and 2 (child processes, wall clock)")
    ap.add_argument("--fits-only", action="store_true", help="only the fits of --fit-sizes")
    ap.add_argument("--no-lifetimes", action="store_true", help="do not run lifetimes")
    ap.add_argument("--json", type=pathlib.Path, default=pathlib.Path(__file__).with_name("results") / "models.json")
    args = ap.parse_args()
    global CLOCK
    CLOCK = time.perf_counter if args.clock == "wall" else time.process_time
    fits = fit_sizes(args) if args.fit_sizes else {}
    threads = fit_threads(args) if args.fit_sizes and args.fit_threads else {}
    if fits:
        print_fits(fits, threads)
    meta = {"clock": args.clock, "repeats": args.repeats, "machine": platform.platform(), "cpus": os.cpu_count(),
            "rayon_threads": os.environ.get("RAYON_NUM_THREADS"), "load": os.getloadavg()}
    if args.fits_only:
        args.json.parent.mkdir(exist_ok=True)
        args.json.write_text(json.dumps({"fits": fits, "fit_threads": threads, **meta}, indent=2))
        return
    n = args.customers
    results: dict[str, dict[str, float]] = {}
    notes: list[str] = []

    truth = cvm.BetaGeo.from_params(r=0.25, alpha=4.0, a=0.8, b=2.5)
    sim = truth.simulate(n, calibration_end=52.0, birth_window=12.0, seed=11)
    f, r, t = sim["frequency"].to_numpy(), sim["recency"].to_numpy(), sim["T"].to_numpy()

    t_fit, bg = best_of(lambda: cvm.BetaGeo().fit(f, r, t, time_unit="W"), args.repeats)
    # predict() computes both in one native pass; the two separate calls are timed for comparison
    t_pred, _ = best_of(lambda: bg.predict(sim, 39.0), args.repeats)
    t_pred2, _ = best_of(lambda: (bg.probability_alive(f, r, t), bg.expected_purchases(39.0, f, r, t)), args.repeats)
    results["BG/NBD fit"] = {"cvm": t_fit}
    results["BG/NBD P(alive) + E[purchases]"] = {"cvm": t_pred}
    results["BG/NBD P(alive) + E[purchases], 2 calls"] = {"cvm": t_pred2}

    ptruth = cvm.ParetoNBD.from_params(r=0.55, alpha=10.0, s=0.6, beta=12.0)
    psim = ptruth.simulate(n, calibration_end=52.0, birth_window=12.0, seed=12)
    pf, pr, pt = psim["frequency"].to_numpy(), psim["recency"].to_numpy(), psim["T"].to_numpy()
    t_pfit, pn = best_of(lambda: cvm.ParetoNBD().fit(pf, pr, pt), args.repeats)
    t_ppred, _ = best_of(lambda: pn.predict(psim, 39.0), args.repeats)
    t_ppred2, _ = best_of(lambda: (pn.probability_alive(pf, pr, pt), pn.expected_purchases(39.0, pf, pr, pt)), args.repeats)
    results["Pareto/NBD fit"] = {"cvm": t_pfit}
    results["Pareto/NBD P(alive) + E[purchases]"] = {"cvm": t_ppred}
    results["Pareto/NBD P(alive) + E[purchases], 2 calls"] = {"cvm": t_ppred2}

    if lifetimes is not None and not args.no_lifetimes:
        m = min(args.lifetimes_customers, n)
        scale = n / m
        lt_bg = lifetimes.BetaGeoFitter()
        t_lt, _ = best_of(lambda: lt_bg.fit(f[:m], r[:m], t[:m]), 1)
        cvm_sub = cvm.BetaGeo().fit(f[:m], r[:m], t[:m])
        for k in ("r", "alpha", "a", "b"):
            assert abs(lt_bg.params_[k] / cvm_sub.params_[k] - 1) < 1e-3, (k, lt_bg.params_[k], cvm_sub.params_[k])
        results["BG/NBD fit"]["lifetimes"] = t_lt * scale
        t_ltp, _ = best_of(lambda: (lt_bg.conditional_probability_alive(f[:m], r[:m], t[:m]),
                                    lt_bg.conditional_expected_number_of_purchases_up_to_time(39.0, f[:m], r[:m], t[:m])), 1)
        results["BG/NBD P(alive) + E[purchases]"]["lifetimes"] = t_ltp * scale
        notes.append(f"lifetimes timed on {m:,} customers, scaled x{scale:g}; its BG/NBD estimates agree with cvm's to 1e-3")
        lt_p = lifetimes.ParetoNBDFitter()
        t_ltpf, _ = best_of(lambda: lt_p.fit(pf[:m], pr[:m], pt[:m]), 1)
        results["Pareto/NBD fit"]["lifetimes"] = t_ltpf * scale
        t_ltpp, _ = best_of(lambda: (lt_p.conditional_probability_alive(pf[:m], pr[:m], pt[:m]),
                                     lt_p.conditional_expected_number_of_purchases_up_to_time(39.0, pf[:m], pr[:m], pt[:m])), 1)
        results["Pareto/NBD P(alive) + E[purchases]"]["lifetimes"] = t_ltpp * scale
        cvm_psub = cvm.ParetoNBD().fit(pf[:m], pr[:m], pt[:m])
        notes.append("Pareto/NBD estimates (lifetimes vs cvm): " + ", ".join(
            f"{k} {lt_p.params_[k]:.4f}/{cvm_psub.params_[k]:.4f}" for k in ("r", "alpha", "s", "beta")))

    gamma_gamma_and_clv(args, f, r, t, bg, results, notes)

    print(f"lifetime models on {n:,} simulated customers, best of {args.repeats} (seconds)")
    print(f"{'task':46s} {'cvm':>8s} {'lifetimes':>10s} {'ratio':>8s}")
    for task, row in results.items():
        lt = row.get("lifetimes")
        print(f"{task:46s} {row['cvm']:8.3f} {lt if lt is not None else float('nan'):10.2f} {(lt / row['cvm']) if lt else float('nan'):7.0f}x")
    for note in notes:
        print("  " + note)
    args.json.parent.mkdir(exist_ok=True)
    args.json.write_text(json.dumps({"customers": n, "seconds": results, "notes": notes, "fits": fits,
                                     "fit_threads": threads, **meta}, indent=2))


if __name__ == "__main__":
    main()
