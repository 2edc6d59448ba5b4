//! C ABI of the `loyalty` area.
