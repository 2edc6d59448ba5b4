//! Probabilistic customer lifetime value (work in progress).
