//! C ABI of the `value` area.
