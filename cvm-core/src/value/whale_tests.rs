//! Tests of the whale curve (see [`super`]).

use super::*;
use approx::assert_relative_eq;

#[test]
fn ranking_is_descending_then_by_index() {
    let xs = [-1.5, 0.0, -0.0, 3.0, f64::MAX, f64::MIN, 1e-300, -1e-300, 3.0];
    let want = vec![4, 3, 8, 6, 1, 2, 7, 0, 5];
    assert_eq!(rank_order_comparison(&xs).1, want);
    let (sorted, order) = rank_order_radix(&xs);
    assert_eq!(order, want);
    let want_sorted: Vec<f64> = want.iter().map(|&i| xs[i]).collect();
    assert_eq!(sorted, want_sorted);
    assert_eq!(rank_order_radix(&[2.0; 5]).1, vec![0, 1, 2, 3, 4]);
}

#[test]
fn radix_and_comparison_orders_agree() {
    // Deterministic pseudo-random profits with many ties and both signs.
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let xs: Vec<f64> = (0..5000)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            ((state % 2001) as f64 - 1000.0) * if state.is_multiple_of(7) { 1e-3 } else { 1.0 }
        })
        .collect();
    assert_eq!(rank_order_radix(&xs), rank_order_comparison(&xs));
    // Values that differ only in the low bits (long runs finished by the comparison sort).
    let clustered: Vec<f64> =
        (0..3000u64).map(|i| f64::from_bits(1.0f64.to_bits() + (i * 7919) % 1013)).collect();
    assert_eq!(rank_order_radix(&clustered), rank_order_comparison(&clustered));
}

#[test]
fn interpolation_between_ranks() {
    let cum = [10.0, 15.0, 12.0];
    let cases = [(0.0, 0.0), (0.5, 5.0), (1.0, 10.0), (1.5, 12.5), (2.5, 13.5), (3.0, 12.0)];
    for (h, want) in cases {
        assert_relative_eq!(interpolate(&cum, h), want, max_relative = 1e-15);
    }
}

#[test]
fn gini_reference_cases() {
    // (profits, gini): equal → 0; one customer has everything → (n − 1)/n;
    // 1, 2, 3, 4: mean |x_i − x_j| over all n² pairs = 20/16, mean 2.5 → 0.25.
    let cases: [(&[f64], f64); 3] =
        [(&[5.0, 5.0, 5.0], 0.0), (&[0.0, 0.0, 0.0, 8.0], 0.75), (&[3.0, 1.0, 4.0, 2.0], 0.25)];
    for (p, want) in cases {
        let g = whale_curve(p, &WhaleOptions::default()).unwrap().gini().unwrap();
        assert_relative_eq!(g, want, epsilon = 1e-15);
    }
    let w = whale_curve(&[-1.0, 1.0], &WhaleOptions::default()).unwrap();
    assert_eq!(w.gini(), None);
    assert_eq!(w.top_share(), None);
    assert_eq!(w.cumulative_share(), None);
}

#[test]
fn all_negative_profits_peak_at_zero() {
    let w = whale_curve(&[-3.0, -1.0], &WhaleOptions::default()).unwrap();
    assert_eq!((w.peak(), w.peak_rank(), w.total()), (0.0, 0, -4.0));
    assert_eq!(w.tail_consumed(), 4.0);
    assert_eq!(w.bottom_consumed_share(), None);
    assert_eq!(w.unprofitable_count(), 2);
}

#[test]
fn net_profitable_bottom_is_said_in_words() {
    // Ten customers, one loses 1: the bottom 30 % (1, 0.5, −1) add 0.5.
    let p = [50.0, 40.0, 30.0, 20.0, 10.0, 5.0, 2.0, 1.0, 0.5, -1.0];
    let w = whale_curve(&p, &WhaleOptions::default()).unwrap();
    assert_relative_eq!(w.bottom_consumed(), -0.5, epsilon = 1e-12);
    assert_relative_eq!(w.bottom_profit(), 0.5, epsilon = 1e-12);
    assert!(w.bottom_net_profitable());
    assert_eq!((w.bottom_count(), w.bottom_unprofitable_count()), (3, 1));
    assert_relative_eq!(w.bottom_share_of_top().unwrap(), -0.5 / 90.0, epsilon = 1e-15);
    assert_eq!(w.unprofitable(), &[9]);
    assert_eq!(
        w.interpretation(),
        "the bottom 30 % (3 customers) are net profitable: they add 0.50 to profit and \
         consume none of it (the 80/20/30 pattern does not hold); 1 of them loses money"
    );
    let w = whale_curve(&[3.0, 0.0, 0.0, 0.0], &WhaleOptions { top: 0.25, bottom: 0.5 }).unwrap();
    assert!(w.interpretation().contains("(2 customers) break even"), "{}", w.interpretation());
    assert_eq!(w.bottom_share_of_potential(), Some(0.0));
    let w = whale_curve(&[-3.0, -1.0], &WhaleOptions::default()).unwrap();
    assert_eq!(w.bottom_share_of_top(), None);
    assert!(w.interpretation().contains("an undefined share"), "{}", w.interpretation());
}

#[test]
fn fractional_top_and_bottom_interpolate() {
    // 3 customers, top 0.5 → C(1.5) = 9 + 0.5 · 6; bottom 0.5 → C(1.5) − total.
    let w = whale_curve(&[6.0, 9.0, -3.0], &WhaleOptions { top: 0.5, bottom: 0.5 }).unwrap();
    assert_relative_eq!(w.top_profit(), 12.0, epsilon = 1e-12);
    assert_relative_eq!(w.bottom_consumed(), 0.0, epsilon = 1e-12);
    assert_eq!(w.curve_at(1.0).unwrap(), 12.0);
    assert_eq!(w.curve_at(0.0).unwrap(), 0.0);
}

#[test]
fn bad_input_is_a_typed_error() {
    let o = WhaleOptions::default();
    let cases: [(&[f64], WhaleOptions, &str, Option<usize>); 5] = [
        (&[1.0, f64::NAN], o, "profit", Some(1)),
        (&[f64::INFINITY], o, "profit", Some(0)),
        (&[1.0], WhaleOptions { top: 1.5, ..o }, "top", None),
        (&[1.0], WhaleOptions { bottom: -0.1, ..o }, "bottom", None),
        (&[1.0], WhaleOptions { top: f64::NAN, ..o }, "top", None),
    ];
    for (p, opts, field, index) in cases {
        let e = whale_curve(p, &opts).unwrap_err();
        assert_eq!((e.field(), e.index()), (Some(field), index), "{p:?} {opts:?}");
    }
    assert!(matches!(whale_curve(&[], &o), Err(Error::Empty { .. })));
    let w = whale_curve(&[1.0], &o).unwrap();
    assert_eq!(w.curve_at(2.0).unwrap_err().field(), Some("fraction"));
}

/// Seeded profits of both signs with many ties (whole amounts) and some cents.
fn profits(n: usize, seed: u64) -> Vec<f64> {
    let mut state = seed | 1;
    (0..n)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let x = (state % 20_001) as f64 - 6_000.0;
            if state.is_multiple_of(3) {
                x + 0.01 * (state % 97) as f64
            } else {
                x
            }
        })
        .collect()
}

/// The radix sort over the pool (from `RADIX_PAR_FROM` profits) and the ranks (from two
/// ranges) give the comparison sort's order and its inverse, on one thread and on four.
#[cfg(feature = "parallel")]
#[test]
fn large_rankings_match_the_comparison_order_on_any_threads() {
    let xs = profits(150_000, 11);
    let clustered: Vec<f64> =
        (0..120_000u64).map(|i| f64::from_bits(1.0f64.to_bits() + (i * 7919) % 100_003)).collect();
    for data in [&xs, &clustered] {
        let want = rank_order_comparison(data);
        let (one, four) = crate::parallel::on_one_and_four_threads(|| {
            let (sorted, order) = rank_order_radix(data);
            let rank = ranks_of(&order);
            (sorted, order, rank)
        });
        assert_eq!(one, four);
        assert_eq!((&one.0, &one.1), (&want.0, &want.1));
        assert!(one.1.iter().enumerate().all(|(k, &i)| one.2[i] == k + 1));
    }
}

/// The whole curve and its per-customer views on 150,000 customers: identical on one thread and
/// on four, and the chunked running sums within a few ulps of a single running sum (the same
/// peak, ranks and unprofitable customers).
#[cfg(feature = "parallel")]
#[test]
fn large_curves_are_identical_on_one_and_four_threads() {
    let p = profits(150_000, 5);
    let (one, four) = crate::parallel::on_one_and_four_threads(|| {
        let w = whale_curve(&p, &WhaleOptions::default()).unwrap();
        (w.cumulative_profit(), w.cumulative_share(), w.customer_share(), w)
    });
    assert_eq!(one, four);
    let w = &one.3;
    let (mut curve, order) = rank_order(&p);
    let single = running_sums(&mut curve, &order, w.bottom_count(), p.len());
    for (a, b) in w.sorted_cumulative().iter().zip(&curve) {
        assert!((a - b).abs() <= 1e-12 * b.abs().max(1.0), "{a} {b}");
    }
    assert_eq!(
        (w.peak_rank(), w.unprofitable_count()),
        (single.peak_rank, single.unprofitable.len())
    );
    assert_eq!(w.bottom_unprofitable_count(), single.bottom_unprofitable_count);
    assert!(
        (w.gini().unwrap() * p.len() as f64 * w.total() - single.gini).abs()
            <= 1e-9 * single.gini.abs()
    );
    let mut sorted_unprofitable = single.unprofitable.clone();
    sorted_unprofitable.sort_unstable();
    assert_eq!(w.unprofitable(), &sorted_unprofitable[..]);
    assert_eq!(
        one.0,
        (0..p.len()).map(|i| w.sorted_cumulative()[w.rank()[i] - 1]).collect::<Vec<_>>()
    );
}

/// Up to one chunk of ranks, the running sums are those of a single running sum, bit for bit.
#[test]
fn one_chunk_is_a_single_running_sum() {
    let p = profits(RUN_CHUNK, 3);
    let w = whale_curve(&p, &WhaleOptions::default()).unwrap();
    let (mut curve, order) = rank_order(&p);
    let (mut running, mut gini) = (Compensated::default(), Compensated::default());
    let n = p.len();
    for (k0, slot) in curve.iter_mut().enumerate() {
        running.add(*slot);
        gini.add((n as f64 - 1.0 - 2.0 * k0 as f64) * *slot);
        *slot = running.value();
    }
    assert_eq!(order, w.order());
    let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    assert_eq!(bits(&curve), bits(w.sorted_cumulative()));
    assert_eq!(w.gini().unwrap().to_bits(), (gini.value() / (n as f64 * w.total())).to_bits());
}

/// Two non-finite profits among 150,000: the first is named, on one thread and on four.
#[cfg(feature = "parallel")]
#[test]
fn large_bad_profit_names_the_first() {
    let mut p = profits(150_000, 9);
    p[120_000] = f64::NAN;
    p[70_001] = f64::INFINITY;
    let (one, four) =
        crate::parallel::on_one_and_four_threads(|| whale_curve(&p, &WhaleOptions::default()));
    assert_eq!(one, four);
    let e = one.unwrap_err();
    assert_eq!((e.field(), e.index()), (Some("profit"), Some(70_001)));
}

/// Profits near the largest double: the last chunk's own sum overflows but the curve, which
/// runs from the sum of the chunks before it, is the single running sum's; the Gini sum
/// overflows either way, a numerical error.
#[test]
fn huge_profits_keep_the_single_running_curve() {
    let big = f64::MAX * 0.9;
    let mut p = vec![0.0; RUN_CHUNK + 3];
    p[0] = big;
    p[1] = -big;
    p[2] = -big;
    let (mut chunked, order) = rank_order(&p);
    running_sums(&mut chunked, &order, 0, RUN_CHUNK);
    let (mut single, order) = rank_order(&p);
    running_sums(&mut single, &order, 0, p.len());
    assert_eq!(chunked, single);
    assert_eq!(single[p.len() - 1], -big);
    assert!(matches!(whale_curve(&p, &WhaleOptions::default()), Err(Error::Numerical { .. })));
}
