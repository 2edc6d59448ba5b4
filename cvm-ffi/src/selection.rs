//! C ABI of the `selection` area.
