//! Tests of the `selection` area.
