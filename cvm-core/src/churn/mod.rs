//! Churn as a probability: the model's probability of no purchase over a horizon, the churn-risk
//! table built on it, how good a churn score is, and how to make it a calibrated probability from
//! the user's own history.
//!
//! * [`churn_probability`] — the lifetime model's probability that a customer makes no purchase
//!   in `(T, T + horizon]` (closed forms for the BG/NBD, MBG/NBD and BG/BB, one quadrature for
//!   the Pareto/NBD);
//! * [`churn_risk_from_model`] / [`churn_risk`] — the churn-risk table: that probability, a
//!   ranking score `exp(−E)`, bands, the at-risk flag, the value at risk and a reason per customer;
//! * [`churn_report`] — the model-free evaluation of a churn probability (and of the score that
//!   ranks customers) against what happened in a holdout period: AUC, Brier score, a calibration
//!   table (predicted against observed churn by equal-count bins), a gains/lift table, and the same
//!   ranking figures for a baseline score (e.g. weeks since the last purchase) side by side;
//! * [`ChurnCalibrator`] — a monotone map from any churn score to a probability, fitted on a past
//!   calibration/holdout split: isotonic regression (pool-adjacent-violators) by default, Platt
//!   scaling (a logistic regression on the score) as an option; persisted as a versioned JSON
//!   document like the models.
//!
//! The churn taxonomy (active and passive churn types) stays in [`crate::loyalty`].
//!
//! "Churned" is what the holdout says: for a buy-'til-you-die model, no purchase in the holdout
//! period. Scores follow one convention throughout: **higher = more likely to churn**.
//!
//! # References
//! * Ayer, M., Brunk, H. D., Ewing, G. M., Reid, W. T. & Silverman, E. (1955). An empirical
//!   distribution function for sampling with incomplete information. *Annals of Mathematical
//!   Statistics* 26(4), 641–647 (pool-adjacent-violators).
//! * Zadrozny, B. & Elkan, C. (2002). Transforming classifier scores into accurate multiclass
//!   probability estimates. *KDD '02*, 694–699 (isotonic calibration of scores).
//! * Oron, A. P. & Flournoy, N. (2017). Centered isotonic regression: point and interval
//!   estimation for dose–response studies. *Statistics in Biopharmaceutical Research* 9(3),
//!   258–267 (interpolating through the block means).
//! * Platt, J. (1999). Probabilistic outputs for support vector machines and comparisons to
//!   regularized likelihood methods. In *Advances in Large Margin Classifiers*, MIT Press, 61–74.
//! * Hanley, J. A. & McNeil, B. J. (1982). The meaning and use of the area under a receiver
//!   operating characteristic (ROC) curve. *Radiology* 143(1), 29–36 (AUC as the Mann–Whitney
//!   statistic).
//! * Brier, G. W. (1950). Verification of forecasts expressed in terms of probability. *Monthly
//!   Weather Review* 78(1), 1–3.
//!
//! # Examples
//! ```
//! use cvm_core::churn::{churn_report, CalibrationMethod, ChurnCalibrator};
//!
//! // A score that ranks well but is not a probability (higher = more likely to churn).
//! let score = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8];
//! let churned = [false, false, true, false, true, true, false, true];
//! let cal = ChurnCalibrator::fit(&score, &churned, None, CalibrationMethod::Isotonic)?;
//! let p = cal.transform(&score)?;
//! assert!(p.iter().all(|&x| (0.0..=1.0).contains(&x)));
//!
//! let report = churn_report(&p, &churned, Some(&score), None, 2)?;
//! assert_eq!(report.auc, 0.75); // 12 of the 16 churner/non-churner pairs ordered right
//! assert_eq!(report.calibration.len(), 2);
//! # Ok::<(), cvm_core::Error>(())
//! ```

pub mod calibrate;
#[cfg(feature = "serde")]
mod persist;
pub mod probability;
pub mod report;
pub mod risk;

pub use calibrate::{CalibrationMethod, ChurnCalibrator, IsotonicBlock};
pub use probability::{churn_probability, NoPurchase, MAX_DISCRETE_HORIZON};
pub use report::{
    auc, churn_report, CalibrationBin, CalibrationTest, ChurnReport, GainsBin, RankingSummary,
};
pub use risk::{churn_risk, churn_risk_from_model, ChurnInput, ChurnRisk, ChurnRiskOptions};
