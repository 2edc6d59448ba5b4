//! The decision module on CDNOW: the customer value report and budgeted campaigns.

use cvm_core::decision::*;
use cvm_core::loyalty::{loyalty_stages, LadderInput, LadderOptions, Stage};
use cvm_core::value::{value_matrix, ValueMatrix};

use crate::common::cdnow_summary_exact;

/// CDNOW: per-customer historical spend (current value), a simple forward value
/// (monetary × repeat rate × 52 weeks, the potential) and the ladder with a 26-week window.
fn cdnow() -> (Vec<f64>, Vec<f64>, Vec<Stage>) {
    let (f, r, t, m) = cdnow_summary_exact();
    let current: Vec<f64> = (0..f.len()).map(|i| m[i] * (f[i] + 1.0)).collect();
    let potential: Vec<f64> = (0..f.len()).map(|i| m[i] * f[i] / t[i].max(1.0) * 52.0).collect();
    let ladder = loyalty_stages(
        &LadderInput::new(&f, &r, &t),
        &LadderOptions::default().with_lapse_window(Some(26.0)),
    )
    .unwrap();
    (current, potential, ladder.stages().to_vec())
}

#[test]
fn cdnow_report_rows_columns_and_actions() {
    let (current, potential, stages) = cdnow();
    let n = current.len();
    assert_eq!(n, 2357);
    let m = value_matrix(&current, &potential, &ValueMatrix::default()).unwrap();
    let ids: Vec<String> = (1..=n).map(|i| i.to_string()).collect();
    let report = ReportBuilder::new(ids)
        .unwrap()
        .clv(&potential)
        .unwrap()
        .matrix(&m)
        .unwrap()
        .stages(&stages)
        .unwrap()
        .build(&Playbook::default())
        .unwrap();
    assert_eq!(report.n_rows(), n);
    // Precedence: the stage plays outrank the matrix, except `repeat` (no play) which falls
    // through to the matrix strategy: counted by hand from the two columns.
    let book = Playbook::default();
    for i in 0..n {
        let stage_play = book.play(SegmentType::LoyaltyStage, stages[i].as_str());
        let expected = match stage_play {
            Some(k) => book.plays[k].action.clone(),
            None => {
                book.plays[book.play(SegmentType::MatrixCell, m.label(i)).unwrap()].action.clone()
            }
        };
        assert_eq!(report.next_action(i).action, expected, "row {i}");
    }
    let lapsed = stages.iter().filter(|s| **s == Stage::Lapsed).count();
    let win_back =
        report.next_actions().iter().filter(|a| a.action.starts_with("win back")).count();
    assert_eq!(win_back, lapsed);
    assert!(lapsed > 0 && lapsed < n);
    let csv = report.to_csv();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), n + 1);
    assert_eq!(
        lines[0],
        "customer_id,clv,matrix_cell,strategy,loyalty_stage,next_best_action,action_reason"
    );
    // The CLV column reads back bit for bit.
    let first: Vec<&str> = lines[1].splitn(3, ',').collect();
    assert_eq!(first[1].parse::<f64>().unwrap(), potential[0]);
    let html = report.to_html("CDNOW");
    assert_eq!(html.matches("<tr>").count(), n + 1);
}

#[test]
fn report_columns_are_length_checked_by_name() {
    let b = || ReportBuilder::new(vec!["a".into(), "b".into()]).unwrap();
    let cases: Vec<(Result<ReportBuilder, cvm_core::Error>, &str)> = vec![
        (b().clv(&[1.0]), "clv"),
        (b().clv(&[1.0, f64::NAN]), "clv"),
        (b().values(&[1.0, 2.0], &[1.0], &[0.0, 0.0]), "potential_value"),
        (b().matrix_columns(vec!["x".into()], vec!["y".into(), "z".into()]), "matrix_cell"),
        (b().stages(&[Stage::Repeat]), "loyalty_stage"),
        (b().levels(&[]), "loyalty_level"),
        (b().churn_probability(&[0.1, 1.2]), "churn_probability"),
        (b().dormant(&[None]), "dormant"),
        (b().fee_due(&[Some(true)]), "fee_due"),
        (b().elastic(&[None, None, None]), "elastic"),
        (b().big_customer_risk(vec![None, Some("severe".into())]), "big_customer_risk[1]"),
        (b().selection_columns(vec!["target".into()], vec![]), "decision"),
    ];
    for (r, field) in cases {
        let e = r.unwrap_err();
        assert_eq!(e.field(), Some(field), "{e}");
    }
    assert_eq!(ReportBuilder::new(vec![]).unwrap_err().field(), Some("customer_id"));
}

#[test]
fn cdnow_campaign_beats_top_n_and_random() {
    let (_, potential, _) = cdnow();
    let n = potential.len();
    // Retention uplift 5 % for everyone, contact $2 each, budget $300 (150 contacts).
    let uplift = vec![0.05; n];
    let input = CampaignInput {
        clv: &potential,
        uplift: &uplift,
        cost: ContactCost::Constant(2.0),
        budget: 300.0,
    };
    let cmp = compare_campaigns(&input, CampaignMethod::Auto, 200, 42).unwrap();
    let c = &cmp.optimised;
    assert!(c.is_exact());
    // With one cost the optimum is the 150 best positive gains: checked by sorting.
    let mut gains: Vec<f64> =
        potential.iter().map(|v| 0.05 * v - 2.0).filter(|g| *g > 0.0).collect();
    gains.sort_by(|a, b| b.total_cmp(a));
    let best: f64 = gains.iter().take(150).sum();
    assert!((c.expected_return() - best).abs() < 1e-9 * best.abs().max(1.0));
    assert_eq!(c.n_selected(), gains.len().min(150));
    assert!(c.spend() <= 300.0);
    let g = select_campaign(&input, CampaignMethod::Greedy).unwrap();
    assert!((g.expected_return() - best).abs() < 1e-9 * best.abs().max(1.0));
    assert!(cmp.top_by_clv.expected_return <= c.expected_return() + 1e-9);
    assert!(cmp.random.expected_return < c.expected_return());
    assert_eq!(cmp.draws, 200);
    // The marginal customers straddle the cut: last in gains at least as much as first out.
    if let (Some(a), Some(b)) = (c.last_in(), c.first_out()) {
        assert!(c.gain()[a] >= c.gain()[b]);
    }
    // Same seed, same answer.
    let again = compare_campaigns(&input, CampaignMethod::Auto, 200, 42).unwrap();
    assert_eq!(again.random, cmp.random);
}
