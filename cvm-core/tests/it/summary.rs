//! Tests of the `summary` area.
