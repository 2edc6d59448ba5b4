//! [`Matrix`]: the numeric design matrix of one process (`n × k`, row-major, named columns) and
//! the check that its columns can identify one coefficient each.

use crate::error::{Error, Result};

/// The design matrix of one process: `n` rows (customers) by `k` named numeric columns,
/// row-major, built from validated [`super::Covariates`] by their encoding.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Matrix {
    names: Vec<String>,
    n_rows: usize,
    values: Vec<f64>,
}

impl Matrix {
    /// The row-major matrix of the columns `cols` (each `n_rows` long) named `names`.
    pub(crate) fn from_columns(names: Vec<String>, n_rows: usize, cols: &[Vec<f64>]) -> Self {
        let k = cols.len();
        let mut values = vec![0.0; n_rows * k];
        for (j, c) in cols.iter().enumerate() {
            for (i, v) in c.iter().enumerate() {
                values[i * k + j] = *v;
            }
        }
        Matrix { names, n_rows, values }
    }

    /// Number of columns.
    pub(crate) fn n_cols(&self) -> usize {
        self.names.len()
    }

    /// Row `i` (one customer's design values).
    pub(crate) fn row(&self, i: usize) -> &[f64] {
        let k = self.names.len();
        &self.values[i * k..(i + 1) * k]
    }

    /// Every `stride`-th row.
    pub(crate) fn every(&self, stride: usize) -> Self {
        let k = self.names.len();
        let values: Vec<f64> =
            self.values.chunks(k).step_by(stride).flat_map(|r| r.iter().copied()).collect();
        Matrix { names: self.names.clone(), n_rows: values.len() / k, values }
    }

    /// Column `j` as a vector.
    pub(crate) fn column(&self, j: usize) -> Vec<f64> {
        self.values.iter().skip(j).step_by(self.names.len()).copied().collect()
    }

    /// Checks that each column can identify its coefficient next to the base parameters: no
    /// column is constant (it would be confounded with the base parameter it shifts) and none
    /// is a linear combination of a constant and the columns before it (a duplicate, or a full
    /// set of indicators). The test is a Cholesky factorisation of the correlation matrix of the
    /// centred columns, pivot by pivot: a relative pivot below `1e-10` flags the column.
    ///
    /// # Errors
    /// [`Error::NotIdentified`] (for `model`) naming the column.
    pub(crate) fn check_identifiable(&self, model: &str) -> Result<()> {
        let (n, k) = (self.n_rows as f64, self.names.len());
        let cols: Vec<Vec<f64>> = (0..k)
            .map(|j| {
                let c = self.column(j);
                let mean = c.iter().sum::<f64>() / n;
                c.into_iter().map(|v| v - mean).collect()
            })
            .collect();
        let not = |j: usize, why: &str| Error::NotIdentified {
            model: model.to_string(),
            reason: format!("covariate column `{}` {why}", self.names[j]),
        };
        let norms: Vec<f64> =
            cols.iter().map(|c| c.iter().map(|v| v * v).sum::<f64>().sqrt()).collect();
        let mut l = vec![vec![0.0; k]; k];
        for j in 0..k {
            let scale = self.column(j).iter().fold(0.0f64, |m, v| m.max(v.abs()));
            if norms[j] <= 1e-12 * scale.max(f64::MIN_POSITIVE) * n.sqrt() || norms[j] == 0.0 {
                return Err(not(j, "is constant"));
            }
            for i in 0..=j {
                let dot: f64 = cols[i].iter().zip(&cols[j]).map(|(a, b)| a * b).sum::<f64>()
                    / (norms[i] * norms[j]);
                let s: f64 = (0..i).map(|m| l[i][m] * l[j][m]).sum();
                if i == j {
                    let d = dot - s;
                    if d <= 1e-10 {
                        return Err(not(j, "is a linear combination of the columns before it"));
                    }
                    l[j][j] = d.sqrt();
                } else {
                    l[j][i] = (dot - s) / l[i][i];
                }
            }
        }
        Ok(())
    }
}
