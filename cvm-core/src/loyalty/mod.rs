//! Loyalty stages and churn (work in progress).
