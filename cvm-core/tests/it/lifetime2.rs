//! Tests of Gamma-Gamma, BG/BB, shifted-beta-geometric and probabilistic CLV.
