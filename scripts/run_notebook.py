"""Executes the example notebooks headless and checks the numbers they print (`make test-notebook`):
examples/quickstart.ipynb and examples/lifetimes_quickstart.ipynb (lifetimes' quickstart on
cvm.compat.lifetimes).

Run from the repository root with the development venv's Python:

    .venv/bin/python scripts/run_notebook.py            # execute, check, leave the file alone
    .venv/bin/python scripts/run_notebook.py --write    # also save the executed notebooks (outputs)
    .venv/bin/python scripts/run_notebook.py --notebook lifetimes   # one of them

The kernel is this interpreter (a kernel spec written under build/jupyter, found through
JUPYTER_PATH); the Jupyter runtime and IPython directories are temporary, so nothing is written
to the user's home. matplotlib draws with Agg (the notebook's inline backend renders with it). A
cell that raises fails the run, and so does a printed number that differs from its reference:
the published CDNOW estimates (Fader, Hardie & Lee 2005; lifetimes' quickstart) and counts made
here from the raw log with pandas.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import re
import sys
import tempfile
import time

import nbformat
import pandas as pd
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = pathlib.Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "examples" / "quickstart.ipynb"
LIFETIMES_NOTEBOOK = ROOT / "examples" / "lifetimes_quickstart.ipynb"
KERNEL = "cvm-venv"
TIMEOUT = 120  # seconds per cell

# name -> (reference, absolute tolerance). The BG/NBD estimates are the fit of the summary the
# notebook builds from the log (which matches the published 0.243, 4.414, 0.793, 2.426 and
# log-likelihood -9582.4 to their printed digits); Gamma-Gamma: lifetimes' quickstart
# (p 6.25, q 3.74, v 15.44).
REFERENCE = {
    "BG/NBD r": (0.2426, 1e-4),
    "BG/NBD alpha": (4.4136, 1e-4),
    "BG/NBD a": (0.7929, 1e-4),
    "BG/NBD b": (2.4259, 1e-4),
    "BG/NBD log-likelihood": (-9582.43, 0.01),
    "Gamma-Gamma p": (6.25, 0.005),
    "Gamma-Gamma q": (3.74, 0.005),
    "Gamma-Gamma gamma": (15.44, 0.01),
    # docs/churn.md: the isotonic calibrator fitted on the even ids, judged on the odd ones.
    "Hosmer–Lemeshow P": (0.463, 0.0005),
    # docs/covariates.md: the CDNOW covariate big_first (first day above the median), this
    # library's own fit (no published reference): a regression check of the printed digits.
    "Pareto/NBD with big_first trans_big_first": (0.338, 0.0005),
    "Pareto/NBD with big_first life_big_first": (-0.227, 0.0005),
    "Pareto/NBD with big_first LR statistic": (25.78, 0.005),
    "Gamma-Gamma with big_first spend_big_first": (0.362, 0.0005),
}


# lifetimes' quickstart prints its fitters as `<lifetimes.Name: fitted with N subjects, k: v, ...>`.
# name -> (subjects, parameters): the values lifetimes 0.11.3's quickstart publishes for the CDNOW
# summary, to the two decimals it prints (the notebook must print the same line).
LIFETIMES_REFERENCE = {
    "BetaGeoFitter": (2357, {"a": 0.79, "alpha": 4.41, "b": 2.43, "r": 0.24}),
    "GammaGammaFitter": (946, {"p": 6.25, "q": 3.74, "v": 15.45}),
}


def check_lifetimes(text: str) -> list[str]:
    """The first printed line of each fitter in LIFETIMES_REFERENCE must show its subjects and
    parameters exactly as lifetimes' quickstart prints them."""
    problems = []
    for name, (subjects, params) in LIFETIMES_REFERENCE.items():
        match = re.search(rf"<lifetimes\.{name}: fitted with (\d+) subjects, ([^>]*)>", text)
        if match is None:
            problems.append(f"{name}: not printed by the notebook")
            continue
        got = dict((k.strip(), float(v)) for k, v in (kv.split(":") for kv in match.group(2).split(",")))
        if int(match.group(1)) != subjects or got != params:
            problems.append(f"{name}: printed {match.group(0)}, expected {subjects} subjects and {params}")
        else:
            print(f"  ok  {match.group(0)}")
    return problems


def log_counts() -> dict[str, tuple[float, float]]:
    """Counts the notebook prints, made here from the raw log (same-day orders are one purchase)."""
    log = pd.read_csv(ROOT / "data" / "CDNOW_sample.txt", sep=r"\s+", header=None,
                      names=["master_id", "customer_id", "date", "cds", "amount"], dtype={"date": str})
    log["date"] = pd.to_datetime(log["date"], format="%Y%m%d")
    days = log.drop_duplicates(["customer_id", "date"])
    first = days.groupby("customer_id")["date"].transform("min")
    calibration = days[days["date"] <= "1997-09-30"]
    holdout = days[(days["date"] > "1997-09-30") & (days["date"] <= "1998-06-30")]
    return {
        "customers": (log["customer_id"].nunique(), 0),
        "transactions": (len(log), 0),
        "calibration repeat purchases": (int((calibration["date"] > first[calibration.index]).sum()), 0),
        "holdout repeat purchases": (len(holdout), 0),
    }


def kernel_spec(directory: pathlib.Path) -> None:
    """A kernel spec that runs this interpreter's ipykernel."""
    spec = directory / "kernels" / KERNEL
    spec.mkdir(parents=True, exist_ok=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python (cvm .venv)", "language": "python",
    }))


def printed(nb: nbformat.NotebookNode) -> str:
    return "".join(out.get("text", "") for cell in nb.cells if cell.cell_type == "code"
                   for out in cell.get("outputs", []) if out.get("output_type") == "stream")


def check(text: str) -> list[str]:
    """`name = value` pairs printed as `<model>: name = value, name = value`; every reference
    must be printed and agree."""
    found: dict[str, float] = {}
    for line in text.splitlines():
        head, sep, rest = line.partition(": ")
        if not sep:
            continue
        for name, value in re.findall(r"([A-Za-z][\w -]*?) = (-?[\d,]+(?:\.\d+)?)\b", rest):
            found[f"{head.strip()} {name.strip()}"] = float(value.replace(",", ""))
    problems = []
    for name, (want, tol) in {**REFERENCE, **{f"CDNOW {k}": v for k, v in log_counts().items()}}.items():
        if name not in found:
            problems.append(f"{name}: not printed by the notebook")
        elif abs(found[name] - want) > tol:
            problems.append(f"{name}: printed {found[name]}, expected {want} ± {tol}")
        else:
            print(f"  ok  {name} = {found[name]:g} (reference {want:g} ± {tol:g})")
    return problems


def run(notebook: pathlib.Path, checker, write: bool) -> int:
    """Execute ``notebook`` on this interpreter's kernel, check what it prints with ``checker``
    and, with ``write``, save it with its outputs."""
    nb = nbformat.read(notebook, as_version=4)
    for cell in nb.cells:  # no run timestamps in the committed file
        cell.metadata.pop("execution", None)
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="cvm-nb-") as tmp:
        jupyter = pathlib.Path(tmp) / "jupyter"
        kernel_spec(jupyter)
        os.environ.update({"JUPYTER_PATH": str(jupyter), "JUPYTER_RUNTIME_DIR": str(jupyter / "runtime"),
                           "IPYTHONDIR": str(pathlib.Path(tmp) / "ipython"), "MPLBACKEND": "Agg",
                           "MPLCONFIGDIR": str(pathlib.Path(tmp) / "mpl"), "PYDEVD_DISABLE_FILE_VALIDATION": "1"})
        client = NotebookClient(nb, timeout=TIMEOUT, kernel_name=KERNEL, record_timing=False,
                                resources={"metadata": {"path": str(notebook.parent)}})
        try:
            client.execute()
        except CellExecutionError as exc:
            print(f"{notebook.relative_to(ROOT)}: a cell failed\n{exc}", file=sys.stderr)
            return 1
    print(f"{notebook.relative_to(ROOT)}: {sum(c.cell_type == 'code' for c in nb.cells)} code cells "
          f"executed in {time.monotonic() - start:.1f} s")
    problems = checker(printed(nb))
    for p in problems:
        print("  FAIL", p, file=sys.stderr)
    if problems:
        return 1
    if write:
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nbformat.validate(nb)
        nbformat.write(nb, notebook)
        print(f"wrote {notebook.relative_to(ROOT)} ({notebook.stat().st_size / 1e6:.2f} MB)")
    return 0


NOTEBOOKS = {"quickstart": (NOTEBOOK, check), "lifetimes": (LIFETIMES_NOTEBOOK, check_lifetimes)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="save the executed notebooks with their outputs")
    parser.add_argument("--notebook", choices=[*NOTEBOOKS, "all"], default="all", help="which notebook to run")
    args = parser.parse_args()
    names = list(NOTEBOOKS) if args.notebook == "all" else [args.notebook]
    return max(run(*NOTEBOOKS[name], args.write) for name in names)


if __name__ == "__main__":
    sys.exit(main())
