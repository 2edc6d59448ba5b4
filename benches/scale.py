"""Out of core, measured: one pipeline on a Parquet log, with pandas, Dask and Spark.

    python benches/scale.py --data /tmp/cvm-scale            # 50M transactions, 10M customers
    python benches/scale.py --short                          # small data: the check make test runs

Steps: generate a seeded Parquet log (customer id int64, timestamp, amount; each customer's
transactions spread over several files), then per engine: summary → BG/NBD and Gamma-Gamma fits
→ 12-month CLV → loyalty stages → Parquet out. Dask runs on a LocalCluster of two worker
processes whose memory limit is below the memory pandas needs to load the log in one piece;
Spark runs local[2]. pandas (one machine) runs when ``--pandas`` says it fits. Each engine runs
in its own process; a sampler records the peak RSS of every process of its tree (the Dask
workers, the Spark JVM and its Python workers). The engines' results are checked against each
other (fits to 1e-9 relative, CLV to 1e-9 on a sample of customers). Prints one JSON document.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np

GIB = 1024**3
CALIBRATION_END = "2024-10-01"


# -- data --------------------------------------------------------------------------------------
def generate(directory: Path, customers: int, blocks: int, files_per_block: int, seed: int = 11) -> dict:
    """``customers`` in ``blocks``; each block's transactions (a first purchase plus Poisson
    repeats, about 5 a customer) shuffled into ``files_per_block`` files."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    directory.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    start = np.datetime64("2024-01-01T00:00:00", "s")
    year = 366 * 86_400
    per_block = customers // blocks
    rows = 0
    for b in range(blocks):
        n = per_block if b < blocks - 1 else customers - per_block * (blocks - 1)
        birth = rng.integers(0, year // 2, n)
        rate = rng.gamma(0.8, 1.0 / 0.8, n) * 8.5
        life = rng.exponential(300 * 86_400, n)
        span = np.minimum(year - birth, life)
        repeats = rng.poisson(rate * span / year)
        owner = np.concatenate([np.arange(n), np.repeat(np.arange(n), repeats)])
        when = np.concatenate([birth, birth[np.repeat(np.arange(n), repeats)]
                               + (rng.random(int(repeats.sum())) * np.repeat(span, repeats)).astype(np.int64)])
        ids = (np.int64(b) * per_block + owner) * 13 + 5
        order = rng.permutation(len(owner))
        table = pa.table({
            "customer_id": ids[order],
            "date": (start + when[order].astype("timedelta64[s]")).astype("datetime64[us]"),
            "amount": np.round(rng.lognormal(3.0, 0.6, len(owner)), 2),
        })
        for f, part in enumerate(np.array_split(np.arange(len(order)), files_per_block)):
            pq.write_table(table.take(part), directory / f"part-{b:04d}-{f}.parquet")
        rows += len(order)
    return {"customers": customers, "transactions": rows, "files": blocks * files_per_block,
            "bytes": sum(p.stat().st_size for p in directory.glob("*.parquet"))}


# -- memory ------------------------------------------------------------------------------------
class Sampler:
    """Peak RSS of every process under ``root`` (itself included), sampled every 0.2 s."""

    def __init__(self, root: int):
        import psutil

        self.psutil, self.root = psutil, psutil.Process(root)
        self.peaks: dict[int, tuple[str, int]] = {}
        self.total = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            total = 0
            try:
                procs = [self.root, *self.root.children(recursive=True)]
            except self.psutil.Error:
                procs = []
            for p in procs:
                try:
                    rss, name = p.memory_info().rss, " ".join(p.cmdline()[:3])[:80]
                except self.psutil.Error:
                    continue
                total += rss
                if rss > self.peaks.get(p.pid, ("", 0))[1]:
                    self.peaks[p.pid] = (name, rss)
            self.total = max(self.total, total)
            self._stop.wait(0.2)

    def stop(self) -> dict:
        self._stop.set()
        self._thread.join()
        top = sorted(self.peaks.items(), key=lambda kv: -kv[1][1])[:6]
        return {"peak_total_gib": round(self.total / GIB, 3),
                "peak_by_process_gib": [{"pid": pid, "process": name, "gib": round(rss / GIB, 3)}
                                        for pid, (name, rss) in top]}


# -- one engine per process ----------------------------------------------------------------------
def run_pandas(data: Path, out: Path) -> dict:
    import pandas as pd

    import cvm

    t = {}
    t0 = time.perf_counter()
    log = pd.read_parquet(data)
    t["load"] = time.perf_counter() - t0
    import resource

    load_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # the log in one piece
    s0 = time.perf_counter()
    summary = cvm.summary_from_transactions(log, "customer_id", "date", "amount",
                                            calibration_period_end=CALIBRATION_END, time_unit="W")
    del log
    t["summary"] = time.perf_counter() - s0
    f0 = time.perf_counter()
    bg = cvm.BetaGeo().fit(summary)
    gg = cvm.GammaGamma().fit(summary)
    t["fit"] = time.perf_counter() - f0
    c0 = time.perf_counter()
    clv = cvm.customer_lifetime_value(bg, gg, summary, horizon=12, time_unit="M")
    stages = cvm.loyalty_stages(summary, None, bg, lapse_window=26)
    clv["stage"] = stages["stage"]
    clv.to_parquet(out / "pandas.parquet")
    t["clv_stages_write"] = time.perf_counter() - c0
    t["total"] = time.perf_counter() - t0
    return {"seconds": _rounded(t), "customers": len(summary), "load_peak_rss_gib": round(load_peak / GIB, 3),
            "bg": bg.params_, "gg": gg.params_}


def run_dask(data: Path, out: Path, worker_memory: str) -> dict:
    import dask.dataframe as dd
    import distributed

    import cvm
    import cvm.dask

    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, memory_limit=worker_memory,
                                  dashboard_address=":0", local_directory=str(out / "dask-spill")) as cluster, \
            distributed.Client(cluster) as client:
        t = {}
        t0 = time.perf_counter()
        log = dd.read_parquet(str(data))
        summary = cvm.dask.summary_from_transactions(log, "customer_id", "date", "amount",
                                                     calibration_period_end=CALIBRATION_END, time_unit="W",
                                                     npartitions=max(8, log.npartitions // 2))
        summary.to_parquet(str(out / "dask-summary"))  # the summary is read twice below: stored once
        t["summary"] = time.perf_counter() - t0
        f0 = time.perf_counter()
        stored = dd.read_parquet(str(out / "dask-summary"))
        bg = cvm.dask.fit(cvm.BetaGeo(), stored, time_unit="W")
        gg = cvm.dask.fit(cvm.GammaGamma(), stored, time_unit="W")
        t["fit"] = time.perf_counter() - f0
        c0 = time.perf_counter()
        clv = cvm.dask.customer_lifetime_value(bg, gg, stored, horizon=12, time_unit="M", data_time_unit="W")
        stages = cvm.dask.loyalty_stages(stored, bg, lapse_window=26)
        clv.assign(stage=stages["stage"]).to_parquet(str(out / "dask.parquet"))
        t["clv_stages_write"] = time.perf_counter() - c0
        t["total"] = time.perf_counter() - t0
        import resource

        peaks = client.run(lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
        return {"seconds": _rounded(t), "worker_memory_limit": worker_memory,
                "worker_peak_rss_gib": sorted(round(v / GIB, 3) for v in peaks.values()),
                "bg": bg.params_, "gg": gg.params_}


def run_spark(data: Path, out: Path, driver_memory: str) -> dict:
    os.environ["PYSPARK_PYTHON"] = sys.executable
    from pyspark.sql import SparkSession

    import cvm
    import cvm.spark

    spark = (SparkSession.builder.master("local[2]").appName("cvm-scale")
             .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
             .config("spark.sql.session.timeZone", "UTC")
             .config("spark.driver.memory", driver_memory).config("spark.sql.shuffle.partitions", "64")
             .config("spark.local.dir", str(out / "spark-local")).getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    try:
        t = {}
        t0 = time.perf_counter()
        log = spark.read.parquet(str(data))
        summary = cvm.spark.summary_from_transactions(log, "customer_id", "date", "amount",
                                                      calibration_period_end=CALIBRATION_END, time_unit="W")
        summary.write.parquet(str(out / "spark-summary"))
        t["summary"] = time.perf_counter() - t0
        f0 = time.perf_counter()
        stored = spark.read.parquet(str(out / "spark-summary"))
        bg = cvm.spark.fit(cvm.BetaGeo(), stored)
        gg = cvm.spark.fit(cvm.GammaGamma(), stored)
        t["fit"] = time.perf_counter() - f0
        c0 = time.perf_counter()
        clv = cvm.spark.customer_lifetime_value(bg, gg, stored, horizon=12, time_unit="M")
        stages = cvm.spark.loyalty_stages(stored, bg, lapse_window=26)
        clv.join(stages.select("customer_id", "stage"), "customer_id").write.parquet(str(out / "spark.parquet"))
        t["clv_stages_write"] = time.perf_counter() - c0
        t["total"] = time.perf_counter() - t0
        return {"seconds": _rounded(t), "driver_memory": driver_memory, "bg": bg.params_, "gg": gg.params_}
    finally:
        spark.stop()


def _rounded(t: dict) -> dict:
    return {k: round(v, 2) for k, v in t.items()}


def _child(args: argparse.Namespace) -> None:
    data, out = Path(args.data) / "log", Path(args.data) / "out"
    if args.engine == "pandas":
        result = run_pandas(data, out)
    elif args.engine == "dask":
        result = run_dask(data, out, args.worker_memory)
    else:
        result = run_spark(data, out, args.driver_memory)
    print("RESULT " + json.dumps(result))


def _engine(name: str, args: argparse.Namespace) -> dict:
    """Run one engine in a child process under the memory sampler."""
    cmd = [sys.executable, __file__, "--child", name, "--data", args.data, "--worker-memory", args.worker_memory,
           "--driver-memory", args.driver_memory]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    sampler = Sampler(proc.pid)
    stdout, _ = proc.communicate()
    memory = sampler.stop()
    if proc.returncode != 0:
        raise SystemExit(f"{name} failed (exit {proc.returncode})")
    line = next(ln for ln in stdout.splitlines() if ln.startswith("RESULT "))
    return {**json.loads(line[len("RESULT "):]), "memory": memory}


def _check(results: dict, out: Path) -> dict:
    """The engines agree: fits to 1e-9 relative, CLV of the same customers to 1e-9."""
    import pandas as pd

    names = list(results)
    ref = results[names[0]]
    worst = 0.0
    for name in names[1:]:
        for model in ("bg", "gg"):
            for k, v in ref[model].items():
                worst = max(worst, abs(results[name][model][k] - v) / abs(v))
    assert worst <= 1e-9, f"the engines' fits differ by {worst:.2e}"
    clv = {n: pd.read_parquet(out / f"{n}.parquet", columns=["customer_id", "clv"] if n != "pandas" else ["clv"])
           for n in names}
    frames = {n: (f.set_index("customer_id") if "customer_id" in f.columns else f)["clv"].sort_index()
              for n, f in clv.items()}
    base = frames[names[0]]
    counts = {n: len(f) for n, f in frames.items()}
    assert len(set(counts.values())) == 1, counts
    clv_worst = max(float(np.max(np.abs(f.to_numpy() - base.to_numpy()) / np.maximum(1.0, np.abs(base.to_numpy()))))
                    for f in frames.values())
    assert clv_worst <= 1e-9, f"CLV differs by {clv_worst:.2e}"
    return {"fit_max_relative_difference": worst, "clv_max_relative_difference": clv_worst, "customers": counts}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", default="/tmp/cvm-scale", help="working directory (log, outputs); deleted at the end")
    p.add_argument("--customers", type=int, default=10_000_000)
    p.add_argument("--blocks", type=int, default=50)
    p.add_argument("--short", action="store_true", help="40,000 customers (about 200k transactions), all engines")
    p.add_argument("--engines", default="pandas,dask,spark")
    p.add_argument("--worker-memory", default="1.5GiB", help="Dask memory limit per worker")
    p.add_argument("--driver-memory", default="2g", help="Spark driver (local mode: the executors) heap")
    p.add_argument("--keep", action="store_true", help="keep the working directory")
    p.add_argument("--child", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child:
        args.engine = args.child
        _child(args)
        return
    if args.short:
        args.customers, args.blocks = 40_000, 4
        if args.data == "/tmp/cvm-scale":
            args.data = "/tmp/cvm-scale-short"
    root = Path(args.data)
    shutil.rmtree(root, ignore_errors=True)
    (root / "out").mkdir(parents=True)
    try:
        g0 = time.perf_counter()
        data = generate(root / "log", args.customers, args.blocks, 4)
        data["seconds"] = round(time.perf_counter() - g0, 1)
        results = {name: _engine(name, args) for name in args.engines.split(",")}
        report = {"data": data, "engines": results}
        if len(results) > 1:
            report["agreement"] = _check(results, root / "out")
        print(json.dumps(report, indent=2))
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
