//! Tests of the `models` area.
