//! Maximum-likelihood optimisation (work in progress).
