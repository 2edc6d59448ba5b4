#!/usr/bin/env python3
"""Reference values of the BG/NBD and MBG/NBD expectations at extreme parameters, with mpmath.

Usage:  python3 scripts/gen_bg_expectation_vectors.py [output.csv]
(default: cvm-core/tests/data/models/bg_expectation.csv). Needs `mpmath` (pip install mpmath);
a throwaway venv is enough: `python3 -m venv /tmp/mpvenv && /tmp/mpvenv/bin/pip install mpmath`.
The Rust test `extreme_params::expectations_match_mpmath_references` reads the CSV; it does not
need Python.

For a customer alive at T with x repeat purchases, the purchase rate is Gamma(R = r + x, α + T)
and the drop-out probability Beta(a, b'), b' = b + x (BG/NBD) or b + x + 1 (MBG/NBD), so
(Fader, Hardie & Lee 2005, eq. 10 without its P(alive) factor)

    E[Y(t) | alive] = ∫₀¹ (1 − (1 + p s)^{−R}) / p · Beta(p; a, b') dp,   s = t / (α + T).

It is integrated here with mpmath's tanh-sinh quadrature over v = ln(p/(1−p)) on (−∞, ∞), split
at the beta mode ± multiples of its width and around the bend of the integrand at
p = 1/((R+1) s), at 50 and at 60 significant digits; a row is kept only if the two agree to
1e-25 (and, where the parameters are small enough for mpmath's ₂F₁ to be quick, the closed form
c/(a−1)·(1 − ₂F₁(R, a−1; c; −s)), c = a + b' − 1, agrees too). The stored value is the public
prediction: `cep` = conditional_expected_purchases(t, x, t_x, T) = E[Y(t) | alive] · P(alive)
(P(alive) in closed form; the points use t_x = T or x = 0 so that it is well conditioned), and
`new` = expected_purchases_new_customer(t) (x = t_x = T = 0; the MBG/NBD multiplies by
P(alive at 0) = b/(a+b)). Inputs are IEEE doubles printed to round-trip; mpmath uses their exact
binary values (s, R, b' are formed in mpmath from them).
"""

import csv
import os
import sys

from mpmath import exp, expm1, inf, log, log1p, loggamma, mp, mpf, hyp2f1, quad, sqrt

# (model, kind, r, alpha, a, b, t, x, t_x, T)
POINTS = [
    # The fuzz artifact (duplicate keys: the last wins) and larger r with its a, b, alpha.
    ("bg_nbd", "new", 8884852.0, 5.4135, 0.4658, 442426.0, 1.0, 0, 0, 0),
    ("bg_nbd", "new", 8884852.0, 5.4135, 0.4658, 442426.0, 10.0, 0, 0, 0),
    ("bg_nbd", "cep", 8884852.0, 5.4135, 0.4658, 442426.0, 10.0, 0, 0.0, 1.0),
    ("bg_nbd", "new", 1e8, 5.4135, 0.4658, 442426.0, 1.0, 0, 0, 0),
    ("bg_nbd", "cep", 1e8, 5.4135, 0.4658, 442426.0, 39.0, 2, 38.86, 38.86),
    ("bg_nbd", "new", 1e9, 4.414, 0.793, 2.426, 10.0, 0, 0, 0),
    ("bg_nbd", "cep", 1e9, 4.414, 0.793, 2.426, 39.0, 2, 38.86, 38.86),
    ("bg_nbd", "cep", 1e10, 4.414, 0.793, 2.426, 39.0, 0, 0.0, 38.86),
    ("bg_nbd", "new", 1e10, 4.414, 0.793, 2.426, 1e-6, 0, 0, 0),
    ("bg_nbd", "new", 1e-10, 1e-10, 1e-3, 1e10, 1.0, 0, 0, 0),
    ("bg_nbd", "cep", 1e-10, 1e-10, 1e-3, 1e10, 1e4, 50, 100.0, 100.0),
    ("bg_nbd", "new", 1.0, 1e10, 1e10, 1e-10, 1e4, 0, 0, 0),
    ("bg_nbd", "new", 1e3, 1e-3, 1e8, 1e8, 1.0, 0, 0, 0),
    ("bg_nbd", "cep", 0.243, 4.414, 0.793, 2.426, 39.0, 10000, 38.86, 38.86),
    ("bg_nbd", "new", 1e-3, 1.0, 1e-10, 1.0, 1e4, 0, 0, 0),
    ("bg_nbd", "cep", 0.243, 4.414, 0.793, 2.426, 39.0, 2, 30.43, 38.86),
    ("mbg_nbd", "new", 8884852.0, 5.4135, 0.4658, 442426.0, 10.0, 0, 0, 0),
    ("mbg_nbd", "cep", 8884852.0, 5.4135, 0.4658, 442426.0, 39.0, 2, 38.86, 38.86),
    ("mbg_nbd", "new", 1e9, 6.183, 0.891, 1.614, 10.0, 0, 0, 0),
    ("mbg_nbd", "cep", 1e-10, 1.0, 1e3, 1e3, 1e4, 50, 100.0, 100.0),
    ("mbg_nbd", "new", 1e10, 1e10, 1e-10, 1e-10, 1e4, 0, 0, 0),
    ("mbg_nbd", "cep", 0.525, 6.183, 0.891, 1.614, 39.0, 2, 30.43, 38.86),
]


def alive_expectation(R, a, b2, s):
    """E_p[(1 − (1 + p s)^{−R}) / p], p ~ Beta(a, b2), by quadrature in v = logit(p)."""
    lnB = loggamma(a) + loggamma(b2) - loggamma(a + b2)

    def h(v):
        lnp, lnq = -log1p(exp(-v)), -log1p(exp(v))
        p = exp(lnp)
        return -expm1(-R * log1p(p * s)) / p * exp(a * lnp + b2 * lnq - lnB)

    vb = log(a / b2)
    sig = min(sqrt(1 / a + 1 / b2), mpf(1))
    pts = {vb + k * sig for k in (-40, -20, -12, -8, -5, -3, -2, -1, 0, 1, 2, 3, 5, 8, 12, 20, 40)}
    pt = 1 / ((R + 1) * s)
    if pt < mpf("0.5"):
        vt = log(pt / (1 - pt))
        pts |= {vt + k for k in (-40, -20, -10, -6, -3, -1, 0, 1, 3, 6, 10, 20, 40)}
    pts |= {mpf(k) for k in (-700, -300, -100, -40, -10, 0, 10, 40, 100)}
    return quad(h, [-inf] + sorted(pts) + [inf], maxdegree=12)


def closed_form(R, a, b2, s):
    with mp.workdps(mp.dps + 60):
        c = a + b2 - 1
        return c / (a - 1) * (1 - hyp2f1(R, a - 1, c, -s))


def prediction(model, kind, r, alpha, a, b, t, x, t_x, T, check_closed):
    r, alpha, a, b, t, t_x, T = map(mpf, (r, alpha, a, b, t, t_x, T))
    x = mpf(x)
    R = r + x
    b2 = b + x if model == "bg_nbd" else b + x + 1
    s = t / (alpha + T)
    e = alive_expectation(R, a, b2, s)
    if check_closed:
        cf = closed_form(R, a, b2, s)
        assert abs(cf - e) <= mpf("1e-25") * abs(e), (model, kind, float(e), float(cf))
    if kind == "new":
        return e * (b / (a + b)) if model == "mbg_nbd" else e
    # P(alive) at T.
    if model == "bg_nbd":
        if x == 0:
            return e
        odds = a / (b + x - 1) * ((alpha + T) / (alpha + t_x)) ** R
    else:
        odds = a / (b + x) * ((alpha + T) / (alpha + t_x)) ** R
    return e / (1 + odds)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(__file__), "..", "cvm-core", "tests", "data", "models", "bg_expectation.csv"
    )
    rows = []
    for pnt in POINTS:
        model, kind, r, alpha, a, b, t, x, t_x, T = pnt
        small = max(r + x, a, b + x + 1) < 1e4 and min(r, a, b) > 1e-6
        with mp.workdps(50):
            v50 = prediction(*pnt, check_closed=small)
        with mp.workdps(60):
            v60 = prediction(*pnt, check_closed=False)
        with mp.workdps(50):
            assert abs(v50 - v60) <= mpf("1e-25") * abs(v60), (pnt, v50, v60)
            rows.append([model, kind] + [repr(float(v)) for v in (r, alpha, a, b, t, x, t_x, T)]
                        + [mp.nstr(v60, 20)])
        print(rows[-1], flush=True)
    with open(out, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["model", "kind", "r", "alpha", "a", "b", "t", "x", "t_x", "T", "value"])
        w.writerows(rows)


if __name__ == "__main__":
    main()
