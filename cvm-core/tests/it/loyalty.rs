//! Tests of the `loyalty` area.
