"""Golden CLV figures from the Python package lifetimes, for cvm's cross-check.

Fits lifetimes' BetaGeoFitter, ParetoNBDFitter and GammaGammaFitter on the CDNOW summary shipped
in data/ (x, t_x, T, zbar; weeks) and writes, per customer, lifetimes'
``customer_lifetime_value(model, x, t_x, T, zbar, time=12, discount_rate=0.01, freq="W")`` with
both transaction models, plus the fitted parameters (17 significant digits, on the first row
only) to cvm-py/tests/data/lifetimes_clv_cdnow.csv. cvm's test builds its models from these
parameters and compares its ``method="lifetimes"`` CLV.

lifetimes is not a dependency of cvm. To regenerate:

    python3 -m venv /tmp/venv-lifetimes
    /tmp/venv-lifetimes/bin/pip install lifetimes==0.11.3 "numpy<2" "pandas<2" "scipy<1.15"
    /tmp/venv-lifetimes/bin/python scripts/gen_lifetimes_clv.py
"""

import pathlib

import numpy as np
import pandas as pd
from lifetimes import BetaGeoFitter, GammaGammaFitter, ParetoNBDFitter

ROOT = pathlib.Path(__file__).resolve().parents[1]
SRC = ROOT / "data" / "cdnow_customers_summary_with_transactions.csv"
OUT = ROOT / "cvm-py" / "tests" / "data" / "lifetimes_clv_cdnow.csv"


def main() -> None:
    df = pd.read_csv(SRC)
    x, tx, T, zbar = df["x"], df["t_x"], df["T"], df["zbar"]
    repeat = x > 0

    bgf = BetaGeoFitter(penalizer_coef=0.0).fit(x, tx, T)
    pnbd = ParetoNBDFitter(penalizer_coef=0.0).fit(x, tx, T)
    ggf = GammaGammaFitter(penalizer_coef=0.0).fit(x[repeat], zbar[repeat])

    out = pd.DataFrame({"ID": df["ID"]})
    for name, model in (("bg_nbd", bgf), ("pareto_nbd", pnbd)):
        clv = ggf.customer_lifetime_value(model, x, tx, T, zbar, time=12, discount_rate=0.01, freq="W")
        out[f"clv_{name}"] = clv.to_numpy()
    # The fitted parameters, on the first row only (the other rows leave them empty).
    params = {f"bg_nbd_{k}": bgf.params_[k] for k in ("r", "alpha", "a", "b")}
    params.update({f"pareto_nbd_{k}": pnbd.params_[k] for k in ("r", "alpha", "s", "beta")})
    params.update({f"gamma_gamma_{k}": ggf.params_[k] for k in ("p", "q", "v")})
    for column, value in params.items():
        out[column] = np.nan
        out.loc[0, column] = value
    OUT.parent.mkdir(parents=True, exist_ok=True)
    out.to_csv(OUT, index=False, float_format="%.17g")
    print(f"wrote {len(out)} rows to {OUT}")
    print(bgf.params_.to_dict(), pnbd.params_.to_dict(), ggf.params_.to_dict())


if __name__ == "__main__":
    main()
