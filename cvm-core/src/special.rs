//! Special functions for the lifetime models (work in progress).
