//! Churn as a probability: the model's probability of no purchase over a horizon
//! ([`churn_probability`]), and the churn-risk table built on it ([`churn_risk_from_model`]).
//!
//! The churn taxonomy (active and passive churn types) stays in [`crate::loyalty`].

pub mod probability;
pub mod risk;

pub use probability::{churn_probability, NoPurchase, MAX_DISCRETE_HORIZON};
pub use risk::{churn_risk, churn_risk_from_model, ChurnInput, ChurnRisk, ChurnRiskOptions};
