//! Tests of the `value` area.
