"""Reference values of the Pareto/NBD per-customer log-likelihood bracket and its gradient.

Writes cvm-core/tests/data/special/pareto_nbd_lik.csv with columns
r, alpha, s, beta, x, t_x, T, ln_b, d_r, d_alpha, d_s, d_beta, where
ln_b = ln[(alpha+T)^-(r+x) (beta+T)^-s + s * int_{t_x}^T (alpha+tau)^-(r+x) (beta+tau)^-(s+1) dtau]
(the log-likelihood without its head ln G(r+x) - ln G(r) + r ln alpha + s ln beta) and d_* its
partial derivatives. The integral is evaluated by mpmath at 30 digits (Gauss-Legendre on short panels in
v = ln((p+tau)/(p+t_x)), p = min(alpha, beta)); derivatives by mpmath's numerical differentiation
of that value. Deterministic (seeded). Run: python3 scripts/gen_pareto_lik_vectors.py
"""

import csv
import random
import signal
import sys

from mpmath import diff, exp, log, mp, mpf, quad

mp.dps = 30


def ln_b(r, a, s, b, x, tx, T):
    t1 = (a + T) ** (-(r + x)) * (b + T) ** (-s)
    if tx >= T:
        return log(t1)
    p = min(a, b)
    V = log((p + T) / (p + tx))

    def h(v):
        tau = (p + tx) * exp(v) - p
        return (a + tau) ** (-(r + x)) * (b + tau) ** (-(s + 1)) * (p + tau)

    # Panels over which the log-integrand changes by at most ~1/2 and of length at most 1/4,
    # integrated in order until the (decreasing) integrand is negligible. In v the slope of the
    # log-integrand is 1 - c_p - c_q sigma(v), sigma = (p+tau)/(q+tau) increasing.
    q = max(a, b)
    cp, cq = (r + x, s + 1) if a <= b else (s + 1, r + x)

    def slope(v):
        pt = (p + tx) * exp(v)
        return abs(1 - cp - cq * pt / (q - p + pt))

    total = mpf(0)
    lo = mpf(0)
    while lo < V:
        width = min(mpf(1) / 4, V - lo, mpf(1) / (2 * slope(lo)))
        while width * slope(lo + width) > mpf(1) / 2:
            width /= 2
        hi = lo + width
        part = quad(h, [lo, hi], method="gauss-legendre")
        total += part
        if part < total * mpf(10) ** -40 and h(hi) < h(lo):
            break
        lo = hi
    return log(t1 + s * total)


class Slow(Exception):
    pass


def main(path):
    rng = random.Random(20261123)
    lu = lambda lo, hi: float(mpf(lo) * (mpf(hi) / lo) ** rng.random())

    def alarm(*_):
        raise Slow()

    signal.signal(signal.SIGALRM, alarm)
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["r", "alpha", "s", "beta", "x", "t_x", "T", "ln_b", "d_r", "d_alpha", "d_s", "d_beta"])
        for k in range(48):
            wide = k % 2 == 0
            lo, hi = (1e-3, 1e3) if wide else (1e-2, 1e2)
            r, a, s, b = (lu(lo, hi) for _ in range(4))
            if k % 10 == 1:
                b = a  # alpha = beta
            if k % 10 == 3:
                s = 1.0
            T = lu(1e-2, 1e4) if wide else lu(1e-1, 1e3)
            x = 0.0 if k % 3 == 0 else float(int(lu(1, 1e4 if wide else 300)))
            tx = 0.0 if x == 0 else (T if k % 7 == 2 else T * rng.random())
            args = [mpf(v) for v in (r, a, s, b, x, tx, T)]
            # A row whose reference takes more than 15 minutes is skipped (the generator's
            # panels are very short for heavy buyers); the seeded sequence is unaffected.
            signal.alarm(900)
            try:
                v = ln_b(*args)
                grads = []
                for j in range(4):
                    def f(u, j=j):
                        q = list(args)
                        q[j] = u
                        return ln_b(*q)
                    grads.append(diff(f, args[j], h=args[j] * mpf(10) ** -12))
            except Slow:
                print(f"skipped {k}", file=sys.stderr, flush=True)
                continue
            finally:
                signal.alarm(0)
            row = [r, a, s, b, x, tx, T, v] + grads
            w.writerow([repr(float(c)) if i < 7 else mp.nstr(c, 25) for i, c in enumerate(row)])
            fh.flush()
            print(k, file=sys.stderr, end=" ", flush=True)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "cvm-core/tests/data/special/pareto_nbd_lik.csv")
