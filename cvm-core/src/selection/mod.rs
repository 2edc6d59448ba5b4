//! Customer-selection rules (work in progress).
