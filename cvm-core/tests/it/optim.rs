//! Tests of the `optim` area.
