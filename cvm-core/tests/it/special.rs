//! Tests of the `special` area.
