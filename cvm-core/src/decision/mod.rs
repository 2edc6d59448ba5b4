//! From numbers to decisions: the customer value report, playbooks of next best actions, and
//! campaign selection under a budget.
//!
//! * [`ReportBuilder`] → [`CustomerValueReport`] — one row per customer assembled from the
//!   results of the other modules (value decomposition, CLV, value matrix, loyalty stage and
//!   level, churn probability, elastic / big-customer-risk / dormant / fee flags, the selection
//!   decision with its reasons), every column length-checked against the customer ids, with the
//!   next best action from a [`Playbook`]; as CSV text ([`CustomerValueReport::to_csv`]) or one
//!   self-contained HTML page ([`CustomerValueReport::to_html`]);
//! * [`Playbook`] — a play (action) per segment of each [`SegmentType`] and an explicit
//!   precedence between the types; [`Playbook::default`] takes its plays from the source texts;
//!   read from and written to a versioned JSON document (feature `serde`);
//! * [`select_campaign`] — whom to contact within a budget to maximise the expected CLV gained
//!   (`uplift × CLV − cost`), exact on a cents grid, greedy with a stated gap otherwise;
//!   [`compare_campaigns`] against "top-N by CLV" and random selection.
//!
//! The schema, the default playbook with the reading of each source line, and worked examples
//! are in `docs/decisions.md`.
//!
//! # Examples
//! ```
//! use cvm_core::decision::*;
//! let clv = [900.0, 40.0, 300.0];
//! let report = ReportBuilder::new(vec!["c1".into(), "c2".into(), "c3".into()])?
//!     .clv(&clv)?
//!     .churn_probability(&[0.8, 0.1, 0.2])?
//!     .build(&Playbook::default())?;
//! assert!(report.next_action(0).action.starts_with("retain now"));
//! assert_eq!(report.next_action(1).action, "no action: standard service");
//!
//! let input = CampaignInput { clv: &clv, uplift: &[0.1, 0.1, 0.1],
//!     cost: ContactCost::Constant(10.0), budget: 20.0 };
//! let c = select_campaign(&input, CampaignMethod::Auto)?;
//! assert_eq!(c.chosen(), vec![0, 2]);               // gains 80, −6, 20
//! # Ok::<(), cvm_core::Error>(())
//! ```

mod campaign;
mod playbook;
#[cfg(feature = "serde")]
mod playbook_json;
mod render;
mod report;

pub use campaign::{
    compare_campaigns, select_campaign, Baseline, Campaign, CampaignComparison, CampaignInput,
    CampaignMethod, ContactCost, MAX_DP_CELLS, MAX_RANDOM_DRAWS,
};
pub use playbook::{
    ChurnBands, NextAction, Play, Playbook, SegmentType, Segments, MAX_PLAYS, MAX_TEXT_BYTES,
    PLAYBOOK_VERSION,
};
pub use report::{
    CustomerValueReport, ReportBuilder, ReportColumn, ReportValues, BIG_CUSTOMER_RISK_DECISIONS,
};
