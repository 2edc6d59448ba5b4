//! Integration tests of cvm-core: one binary, one module per area.
// Reference values keep every digit of their source (papers, 30-digit mpmath runs), even where
// an f64 holds fewer.
#![allow(clippy::excessive_precision)]

mod api;
mod capabilities;
mod catalogue_churn;
mod catalogue_decision;
mod catalogue_fee;
mod catalogue_models;
mod catalogue_rules;
mod catalogue_summary;
mod churn;
mod common;
mod decision;
mod extreme_params;
mod fee;
mod lifetime2;
mod loyalty;
mod models;
mod optim;
mod pareto_nbd_count;
mod persist_fixtures;
mod selection;
mod special;
mod summary;
mod summary_text;
mod value;
