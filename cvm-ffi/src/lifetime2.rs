//! C ABI of the `lifetime2` area.
