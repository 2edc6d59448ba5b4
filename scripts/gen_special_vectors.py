#!/usr/bin/env python3
"""Reference vectors for `cvm_core::special`, computed with mpmath at 50 significant digits.

Usage:  python3 scripts/gen_special_vectors.py [output_dir]
(default output_dir: cvm-core/tests/data/special). Needs `mpmath` (pip install mpmath).

Every input is drawn (with a fixed seed) as an IEEE double, printed with 17 significant digits
(so it round-trips exactly) and handed to mpmath as that exact binary value; outputs are printed
with 17 significant digits. Each reference is computed twice, at 50 and 60 digits, and a row is
kept only if the two agree to 1e-30 relative, so every stored value is correct to the last digit
printed. Rows whose value is not representable as a double (overflow of the function itself) are
stored as logarithms: every file of a function that can overflow stores `ln|f|` and the sign.
"""

import csv
import math
import os
import random
import sys

import mpmath
from mpmath import mp, mpf

SEED = 20240601
DPS = 50


def g17(x):
    """A double printed with 17 significant digits (round-trips exactly)."""
    return format(float(x), ".17g")


def ref(fn, *args):
    """fn(*args) at DPS and DPS+10 digits; returns the DPS value or None if they disagree."""
    with mp.workdps(DPS):
        v1 = fn(*[mpf(a) for a in args])
    with mp.workdps(DPS + 10):
        v2 = fn(*[mpf(a) for a in args])
    with mp.workdps(DPS):
        if v1 == v2:
            return v1
        if v2 == 0 or abs(v1 - v2) > mpf(10) ** -30 * abs(v2):
            return None
        return v1


def loguniform(rng, lo, hi):
    return math.exp(rng.uniform(math.log(lo), math.log(hi)))


def write(path, header, rows):
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        for r in rows:
            w.writerow(r)
    print(f"{path}: {len(rows)} rows, {os.path.getsize(path)} bytes")


def ln_abs_sign(v):
    if v == 0:
        return None
    return mpmath.log(abs(v)), (1 if v > 0 else -1)


def gen_ln_gamma(rng):
    xs = [loguniform(rng, 1e-300, 1e-5) for _ in range(20)]
    xs += [loguniform(rng, 1e-5, 1e6) for _ in range(400)]
    xs += [loguniform(rng, 1e6, 1e300) for _ in range(40)]
    xs += [1 + rng.uniform(-0.05, 0.05) for _ in range(60)]
    xs += [2 + rng.uniform(-0.05, 0.05) for _ in range(60)]
    xs += [1 + 10.0 ** -k for k in range(1, 16)] + [2 - 10.0 ** -k for k in range(1, 16)]
    xs += [0.5, 1.5, 2.5, 3.0, 9.999999, 10.0, 10.000001, 100.5]
    rows = []
    for x in xs:
        v = ref(mpmath.loggamma, x)
        if v is not None:
            rows.append([g17(x), g17(v)])
    return rows


def gen_gamma_ratio(rng):
    rows = []
    for _ in range(500):
        b = loguniform(rng, 1e-3, 1e12)
        kind = rng.random()
        if kind < 0.4:
            d = rng.choice([-1, 1]) * loguniform(rng, 1e-12, 1.0) * min(b, 1.0) * 0.9
        elif kind < 0.8:
            d = rng.uniform(-0.9, 5.0) * b
        else:
            d = rng.choice([0.5, 1.0, -0.5, 0.25, 3.0]) if b > 1 else 0.5 * b
        a = b + d
        if a <= 0:
            continue
        v = ref(lambda p, q: mpmath.loggamma(p) - mpmath.loggamma(q), a, b)
        if v is not None:
            rows.append([g17(a), g17(b), g17(v)])
    return rows


def gen_digamma(rng):
    xs = [loguniform(rng, 1e-8, 1e8) for _ in range(400)]
    root = float(mpmath.findroot(mpmath.digamma, 1.46))
    xs += [root + rng.uniform(-0.4, 0.4) for _ in range(60)]
    xs += [root * (1 + 10.0 ** -k) for k in range(3, 16)] + [root, 1.0, 2.0, 10.0, 0.5]
    rows = []
    for x in xs:
        v = ref(mpmath.digamma, x)
        t = ref(lambda y: mpmath.polygamma(1, y), x)
        if v is not None and t is not None:
            rows.append([g17(x), g17(v), g17(t)])
    return rows


def gen_ln_beta(rng):
    rows = []
    for _ in range(500):
        a = loguniform(rng, 1e-3, 1e4)
        b = loguniform(rng, 1e-3, 1e12) if rng.random() < 0.5 else loguniform(rng, 1e-3, 1e4)
        v = ref(lambda p, q: mpmath.log(mpmath.beta(p, q)), a, b)
        if v is not None:
            rows.append([g17(a), g17(b), g17(v)])
    for a, b in [(1.0, 1.0), (0.5, 0.5), (1.0, 1e10), (2.0, 1e12), (1e6, 1e6), (3.5, 1e8)]:
        v = ref(lambda p, q: mpmath.log(mpmath.beta(p, q)), a, b)
        rows.append([g17(a), g17(b), g17(v)])
    return rows


def gen_upper_gamma(rng):
    rows = []

    def add(s, x):
        v = ref(lambda p, q: mpmath.log(mpmath.gammainc(p, q, mpmath.inf)), s, x)
        if v is not None:
            rows.append([g17(s), g17(x), g17(v)])

    for _ in range(500):
        # Pareto/NBD DERT: Γ(1 − s, δ(β + T)) with s in [1e-3, 1e3]
        s = 1.0 - loguniform(rng, 1e-3, 1e3)
        x = loguniform(rng, 1e-4, 1e4)
        add(s, x)
    for _ in range(200):
        s = rng.uniform(-5.0, 50.0)
        x = loguniform(rng, 1e-4, 2e2)
        add(s, x)
    for s in [-3.0, -2.0, -1.0, 0.0, 1.0, 2.0, -0.5, 0.5, -1000.0, 1e-10, -1e-10]:
        for x in [1e-3, 0.1, 1.0, 1.5, 2.0, 30.0]:
            add(s, x)
    return rows


def gen_tricomi(rng):
    rows = []
    for _ in range(400):
        a = loguniform(rng, 1e-3, 1e3)
        z = loguniform(rng, 1e-4, 1e4)
        v = ref(lambda p, q: q + mpmath.log(mpmath.gammainc(1 - p, q, mpmath.inf)), a, z)
        if v is not None:
            rows.append([g17(a), g17(z), g17(v)])
    for a in [1.0, 0.5, 2.0, 1e-3, 999.0]:
        for z in [1e-3, 1.0, 10.0, 1e4]:
            v = ref(lambda p, q: mpmath.log(mpmath.hyperu(p, p, q)), a, z)
            rows.append([g17(a), g17(z), g17(v)])
    return rows


def gen_beta_inc(rng):
    rows = []
    for _ in range(500):
        a = loguniform(rng, 1e-3, 1e3)
        b = loguniform(rng, 1e-3, 1e3)
        x = rng.random() if rng.random() < 0.6 else loguniform(rng, 1e-8, 1.0)
        if x <= 0.0 or x >= 1.0:
            continue
        v = ref(lambda p, q, t: mpmath.log(mpmath.betainc(p, q, 0, t, regularized=True)), a, b, x)
        if v is not None:
            rows.append([g17(a), g17(b), g17(x), g17(v)])
    return rows


def hyp(a, b, c, z):
    return mpmath.hyp2f1(a, b, c, z, maxterms=10**6)


def gen_hyp2f1(rng):
    rows = []

    def add(a, b, c, z):
        try:
            v = ref(hyp, a, b, c, z)
        except (mpmath.libmp.NoConvergence, ZeroDivisionError, ValueError):
            return
        if v is None:
            return
        ls = ln_abs_sign(v)
        if ls is None:
            return
        rows.append([g17(a), g17(b), g17(c), g17(z), g17(ls[0]), ls[1]])

    def model_x(rng):
        u = rng.random()
        if u < 0.3:
            return 0.0
        if u < 0.8:
            return float(rng.randint(1, 30))
        return float(round(loguniform(rng, 30, 1e4)))

    # Pareto/NBD: a = r + s + x, b = s or s + 1, c = a + 1, z = (α−β)/(α+t) or (β−α)/(β+t).
    for i in range(900):
        r = loguniform(rng, 1e-3, 1e3)
        s = loguniform(rng, 1e-3, 1e3)
        if i % 10 == 0:
            s = float(rng.randint(1, 4))  # c − a − b an integer
        if i % 10 == 1:
            r = 1.0  # a − b = r + x − 1 an integer when x = 0
        x = model_x(rng)
        alpha = loguniform(rng, 1e-3, 1e4)
        beta = loguniform(rng, 1e-3, 1e4)
        t = 0.0 if rng.random() < 0.3 else loguniform(rng, 1e-2, 1e2)
        a = r + s + x
        b = s + 1.0 if rng.random() < 0.5 else s
        c = a + 1.0
        if rng.random() < 0.5:
            z = (alpha - beta) / (alpha + t) if alpha >= beta else (beta - alpha) / (beta + t)
        else:
            z = (alpha - beta) / (alpha + t) if alpha < beta else (beta - alpha) / (beta + t)
        if not z < 1.0:
            continue
        add(a, b, c, z)
    # Pareto/NBD, branch beta > alpha of A0: b = r + x, z = (β − α)/(β + t) ∈ [0, 1)
    for i in range(200):
        r = loguniform(rng, 1e-3, 1e3)
        s = loguniform(rng, 1e-3, 1e3)
        x = model_x(rng)
        alpha = loguniform(rng, 1e-3, 1e4)
        beta = alpha * (1.0 + loguniform(rng, 1e-6, 1e6))
        t = 0.0 if rng.random() < 0.3 else loguniform(rng, 1e-2, 1e2)
        a = r + s + x
        add(a, r + x, a + 1.0, (beta - alpha) / (beta + t))
    # BG/NBD and MBG/NBD conditional expectation: F(r+x, a−1; a+b+x−1; −t/(α+T))
    for i in range(200):
        r = loguniform(rng, 1e-2, 50.0)
        aa = loguniform(rng, 1e-2, 50.0)
        bb = loguniform(rng, 1e-2, 50.0)
        x = model_x(rng) if rng.random() < 0.5 else float(rng.randint(0, 10))
        t = loguniform(rng, 1e-1, 1e3)
        alpha_t = loguniform(rng, 1e-1, 1e3)
        c = aa + bb + x - 1.0
        if c > 0.0 and aa != 1.0:
            add(r + x, aa - 1.0, c, -t / alpha_t)
    # shifted-beta-geometric: F(1, b; c; z) with c > b > 0, 0 < z < 1
    for i in range(100):
        b = loguniform(rng, 1e-2, 1e3)
        c = b + loguniform(rng, 1e-3, 1e3)
        z = 1.0 - loguniform(rng, 1e-10, 1.0)
        add(1.0, b, c, z)
    # z close to 1 and far below 0 explicitly
    for k in range(1, 11):
        for (r, s, x) in [(0.5, 0.5, 0.0), (0.2, 2.0, 5.0), (1.0, 1.0, 0.0), (3.0, 0.01, 100.0),
                          (0.05, 10.0, 1000.0), (0.3, 1.0, 10000.0)]:
            a = r + s + x
            for b in (s, s + 1.0):
                add(a, b, a + 1.0, 1.0 - 10.0 ** -k)
                add(a, b, a + 1.0, -(10.0 ** k))
    # generic parameters: large a, b against small c with z < 0 (backward recurrence in c)
    for _ in range(150):
        a = loguniform(rng, 1.0, 300.0)
        b = loguniform(rng, 1.0, 300.0)
        c = loguniform(rng, 0.1, 20.0)
        z = -loguniform(rng, 1e-2, 1e4)
        add(a, b, c, z)
    # BG/NBD-type arguments: F(r, b; a + b − 1; t/(α + t)) with moderate positive parameters
    for _ in range(150):
        r = loguniform(rng, 1e-2, 50.0)
        aa = loguniform(rng, 1e-2, 50.0)
        bb = loguniform(rng, 1e-2, 50.0)
        t = loguniform(rng, 1e-2, 1e3)
        alpha = loguniform(rng, 1e-2, 1e3)
        if aa + bb - 1.0 > 0.0:
            add(r, bb, aa + bb - 1.0, t / (alpha + t))
    # generic parameters
    for _ in range(300):
        a = rng.uniform(-10.0, 30.0)
        b = rng.uniform(-10.0, 30.0)
        c = rng.uniform(0.1, 40.0)
        z = rng.uniform(-20.0, 0.999) if rng.random() < 0.7 else 1.0 - loguniform(rng, 1e-8, 0.5)
        add(a, b, c, z)
    return rows


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "cvm-core", "tests", "data", "special")
    os.makedirs(out, exist_ok=True)
    which = set(sys.argv[2:])
    gens = [
        ("ln_gamma.csv", ["x", "ln_gamma"], gen_ln_gamma),
        ("gamma_ratio.csv", ["a", "b", "ln_gamma_a_minus_ln_gamma_b"], gen_gamma_ratio),
        ("digamma.csv", ["x", "digamma", "trigamma"], gen_digamma),
        ("ln_beta.csv", ["a", "b", "ln_beta"], gen_ln_beta),
        ("upper_gamma.csv", ["s", "x", "ln_upper_gamma"], gen_upper_gamma),
        ("tricomi_u.csv", ["a", "z", "ln_u"], gen_tricomi),
        ("beta_inc.csv", ["a", "b", "x", "ln_beta_inc_reg"], gen_beta_inc),
        ("hyp2f1.csv", ["a", "b", "c", "z", "ln_abs", "sign"], gen_hyp2f1),
    ]
    for name, header, gen in gens:
        if which and name not in which:
            continue
        rng = random.Random(f"{SEED}-{name}")
        write(os.path.join(out, name), header, gen(rng))


if __name__ == "__main__":
    main()
