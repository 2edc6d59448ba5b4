//! Lifetime ("buy 'til you die") models (work in progress).
