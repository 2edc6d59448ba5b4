//! Integration tests of cvm-core: one binary, one module per area.

mod catalogue_rules;
mod common;
mod lifetime2;
mod loyalty;
mod models;
mod optim;
mod selection;
mod special;
mod summary;
mod value;
