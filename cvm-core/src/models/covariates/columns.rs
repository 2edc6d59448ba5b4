//! [`Covariates`]: the covariates of one process as the business records them — numeric and
//! categorical [`Column`]s, one row per customer — and their encoding into the numeric design
//! matrix a fit uses: a categorical column becomes one indicator per level other than its
//! reference level.

use super::matrix::Matrix;
use crate::error::{check, Error, Result};

/// The values of a [`Column`].
#[derive(Debug, Clone, PartialEq)]
enum Data {
    Numeric(Vec<f64>),
    /// `codes[i]` indexes `levels`; a negative code is a missing value.
    Categorical {
        codes: Vec<i64>,
        levels: Vec<String>,
    },
}

/// One named covariate column: numeric, or categorical (labels, expanded to indicators).
///
/// A categorical column with levels `{email, store, web}` and reference level `email` enters
/// the model as the indicator columns `channel[store]` and `channel[web]` (1 for a customer of
/// that level, else 0); its coefficients are the effects of each level relative to the
/// reference. The default reference is the first level in sorted (byte) order among those
/// present in the fitted data.
///
/// # Examples
/// ```
/// use cvm_core::models::covariates::{Column, Covariates};
/// let z = Covariates::from_columns(vec![
///     Column::numeric("age", &[31.0, 45.0, 27.0]),
///     Column::categorical("channel", &["web", "store", "web"]).with_reference("web"),
/// ])?;
/// assert_eq!(z.names(), &["age", "channel"]);
/// assert_eq!(z.design_names(), vec!["age", "channel[store]"]);
/// # Ok::<(), cvm_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    name: String,
    data: Data,
    reference: Option<String>,
}

impl Column {
    /// A numeric column (every value must be finite; checked by [`Covariates::from_columns`]).
    pub fn numeric(name: impl Into<String>, values: &[f64]) -> Column {
        Column { name: name.into(), data: Data::Numeric(values.to_vec()), reference: None }
    }

    /// A categorical column from one label per row.
    pub fn categorical<S: AsRef<str>>(name: impl Into<String>, labels: &[S]) -> Column {
        let mut levels: Vec<String> = Vec::new();
        let mut index = std::collections::HashMap::<&str, i64>::new();
        let codes = labels
            .iter()
            .map(|l| {
                let l = l.as_ref();
                *index.entry(l).or_insert_with(|| {
                    levels.push(l.to_string());
                    levels.len() as i64 - 1
                })
            })
            .collect();
        Column { name: name.into(), data: Data::Categorical { codes, levels }, reference: None }
    }

    /// A categorical column from integer codes into `levels` (as pandas' categorical codes): a
    /// negative code is a missing value, an error naming the column and the row when the
    /// covariates are built.
    pub fn categorical_codes<S: AsRef<str>>(
        name: impl Into<String>, codes: &[i64], levels: &[S],
    ) -> Column {
        let levels = levels.iter().map(|l| l.as_ref().to_string()).collect();
        let data = Data::Categorical { codes: codes.to_vec(), levels };
        Column { name: name.into(), data, reference: None }
    }

    /// Sets the reference level of a categorical column (the level without an indicator).
    pub fn with_reference(mut self, level: impl Into<String>) -> Column {
        self.reference = Some(level.into());
        self
    }

    /// The column's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    fn len(&self) -> usize {
        match &self.data {
            Data::Numeric(v) => v.len(),
            Data::Categorical { codes, .. } => codes.len(),
        }
    }

    /// Checks the values: finite numbers; codes within the levels, none missing; distinct
    /// levels; a reference only on a categorical column, and among its levels.
    fn validate(&self) -> Result<()> {
        let name = self.name.as_str();
        match &self.data {
            Data::Numeric(v) => {
                if let Some(i) = check::first_bad(v, f64::is_finite) {
                    return Err(Error::invalid_at(
                        name,
                        i,
                        format!("must be finite, got {}", v[i]),
                    ));
                }
                if self.reference.is_some() {
                    return Err(Error::invalid(name, "a numeric column has no reference level"));
                }
            }
            Data::Categorical { codes, levels } => {
                for (j, l) in levels.iter().enumerate() {
                    if levels[..j].contains(l) {
                        return Err(Error::invalid(name, format!("level `{l}` listed twice")));
                    }
                }
                if let Some(i) = codes.iter().position(|&c| c < 0 || c as usize >= levels.len()) {
                    let reason = match codes[i] {
                        c if c < 0 => "missing value (a categorical column needs a level in every \
                                       row)"
                            .to_string(),
                        c => format!("code {c} is not one of the {} levels", levels.len()),
                    };
                    return Err(Error::invalid_at(name, i, reason));
                }
                if let Some(r) = &self.reference {
                    if !levels.contains(r) {
                        let reason = format!("reference level `{r}` is not among {levels:?}");
                        return Err(Error::invalid(name, reason));
                    }
                }
            }
        }
        Ok(())
    }
}

/// How a column enters the design: as itself, or as indicators of its non-reference levels.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Encoding {
    Numeric(String),
    /// `levels` sorted, `reference` among them.
    Categorical {
        name: String,
        levels: Vec<String>,
        reference: String,
    },
}

impl Encoding {
    pub(crate) fn name(&self) -> &str {
        match self {
            Encoding::Numeric(n) | Encoding::Categorical { name: n, .. } => n,
        }
    }

    /// The design columns: the name, or `name[level]` per non-reference level.
    pub(crate) fn design_names(&self) -> Vec<String> {
        match self {
            Encoding::Numeric(n) => vec![n.clone()],
            Encoding::Categorical { name, levels, reference } => {
                levels.iter().filter(|l| *l != reference).map(|l| format!("{name}[{l}]")).collect()
            }
        }
    }
}

/// The covariates of one process: named [`Column`]s, one row per customer in the order of the
/// summary they go with.
///
/// # Examples
/// ```
/// use cvm_core::models::covariates::Covariates;
/// // Three customers, two numeric columns (row-major): age band and loyalty card.
/// let z = Covariates::new(&["age", "card"], &[1.0, 0.0, 2.0, 1.0, 3.0, 1.0])?;
/// assert_eq!((z.n_rows(), z.n_cols()), (3, 2));
/// let bad = Covariates::new(&["age"], &[1.0, f64::NAN]).unwrap_err();
/// assert_eq!((bad.field(), bad.index()), (Some("age"), Some(1)));
/// # Ok::<(), cvm_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Covariates {
    n_rows: usize,
    columns: Vec<Column>,
    names: Vec<String>,
}

impl Covariates {
    /// Numeric columns from a row-major matrix with column `names` (`values.len()` must be a
    /// multiple of `names.len()`; the quotient is the number of customers).
    ///
    /// # Errors
    /// As [`Covariates::from_columns`]; [`Error::LengthMismatch`] (`covariates`) when the number
    /// of values is not a multiple of the number of columns.
    pub fn new<S: AsRef<str>>(names: &[S], values: &[f64]) -> Result<Self> {
        let k = names.len();
        check::non_empty("covariates", k)?;
        let n = values.len() / k;
        if n * k != values.len() {
            let expected = (n + 1) * k;
            return Err(Error::LengthMismatch {
                field: "covariates".into(),
                expected,
                got: values.len(),
            });
        }
        let columns = names
            .iter()
            .enumerate()
            .map(|(j, name)| {
                let col: Vec<f64> = values.iter().skip(j).step_by(k).copied().collect();
                Column::numeric(name.as_ref(), &col)
            })
            .collect();
        Covariates::from_columns(columns)
    }

    /// Validates and stores columns of equal length.
    ///
    /// # Errors
    /// [`Error::Empty`] (`covariates`) without columns or rows; [`Error::InvalidValue`]
    /// (`covariates`, at the column's position) for an empty or repeated column name;
    /// [`Error::LengthMismatch`] naming a column whose length differs from the first's;
    /// [`Error::InvalidValue`] naming the column (and the row) of a non-finite number, a
    /// missing or out-of-range categorical code, a level listed twice, or a reference level
    /// that is not a level (or given for a numeric column).
    pub fn from_columns(columns: Vec<Column>) -> Result<Self> {
        check::non_empty("covariates", columns.len())?;
        let n_rows = columns[0].len();
        for (j, c) in columns.iter().enumerate() {
            if c.name.is_empty() {
                return Err(Error::invalid_at("covariates", j, "empty column name"));
            }
            if columns[..j].iter().any(|d| d.name == c.name) {
                let reason = format!("column `{}` repeated", c.name);
                return Err(Error::invalid_at("covariates", j, reason));
            }
            check::same_len(&c.name, n_rows, c.len())?;
            c.validate()?;
        }
        check::non_empty("covariates", n_rows)?;
        let names = columns.iter().map(|c| c.name.clone()).collect();
        Ok(Covariates { n_rows, columns, names })
    }

    /// Number of rows (customers).
    pub fn n_rows(&self) -> usize {
        self.n_rows
    }

    /// Number of columns (a categorical column counts once).
    pub fn n_cols(&self) -> usize {
        self.columns.len()
    }

    /// The column names, in order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The names of the design columns these covariates give when fitted: numeric columns by
    /// name, a categorical column as `name[level]` per level present other than the reference.
    pub fn design_names(&self) -> Vec<String> {
        self.encodings().iter().flat_map(Encoding::design_names).collect()
    }

    /// The encoding a fit learns from these covariates: the levels present in each
    /// categorical column, sorted, and the reference level (given, or the first).
    pub(crate) fn encodings(&self) -> Vec<Encoding> {
        self.columns
            .iter()
            .map(|c| match &c.data {
                Data::Numeric(_) => Encoding::Numeric(c.name.clone()),
                Data::Categorical { codes, levels } => {
                    let mut seen = vec![false; levels.len()];
                    for &k in codes {
                        seen[k as usize] = true;
                    }
                    let mut present: Vec<String> = levels
                        .iter()
                        .zip(&seen)
                        .filter(|(_, s)| **s)
                        .map(|(l, _)| l.clone())
                        .collect();
                    present.sort();
                    let reference = match &c.reference {
                        Some(r) => r.clone(),
                        None => present[0].clone(),
                    };
                    Encoding::Categorical { name: c.name.clone(), levels: present, reference }
                }
            })
            .collect()
    }

    /// The design matrix of these covariates under `encodings` (columns picked by name): the
    /// numeric columns as they are, each categorical column as indicators of its encoded
    /// non-reference levels.
    ///
    /// # Errors
    /// [`Error::InvalidValue`] (`field`) for a missing column, or one numeric where the
    /// encoding is categorical or the reverse; [`Error::InvalidValue`] naming the column and
    /// the row of a level the encoding does not know.
    pub(crate) fn design(&self, encodings: &[Encoding], field: &str) -> Result<Matrix> {
        let mut cols: Vec<Vec<f64>> = Vec::new();
        let mut names: Vec<String> = Vec::new();
        for e in encodings {
            let Some(c) = self.columns.iter().find(|c| c.name == e.name()) else {
                return Err(Error::invalid(field, format!("missing column `{}`", e.name())));
            };
            match (e, &c.data) {
                (Encoding::Numeric(_), Data::Numeric(v)) => cols.push(v.clone()),
                (
                    Encoding::Categorical { levels: known, reference, .. },
                    Data::Categorical { codes, levels },
                ) => {
                    // Each given level's position among the encoded ones.
                    let map: Vec<Option<usize>> =
                        levels.iter().map(|l| known.iter().position(|k| k == l)).collect();
                    if let Some(i) = codes.iter().position(|&k| map[k as usize].is_none()) {
                        let reason = format!(
                            "level `{}` was not seen when the model was fitted (levels: {known:?})",
                            levels[codes[i] as usize]
                        );
                        return Err(Error::invalid_at(c.name.clone(), i, reason));
                    }
                    for (j, _) in known.iter().enumerate().filter(|(_, l)| *l != reference) {
                        cols.push(
                            codes.iter().map(|&k| f64::from(map[k as usize] == Some(j))).collect(),
                        );
                    }
                }
                (Encoding::Numeric(_), Data::Categorical { .. }) => {
                    let reason =
                        format!("column `{}` must be numeric, got a categorical column", c.name);
                    return Err(Error::invalid(field, reason));
                }
                (Encoding::Categorical { levels, .. }, Data::Numeric(_)) => {
                    let reason = format!(
                        "column `{}` must be categorical (levels {levels:?}), got a numeric column",
                        c.name
                    );
                    return Err(Error::invalid(field, reason));
                }
            }
            names.extend(e.design_names());
        }
        Ok(Matrix::from_columns(names, self.n_rows, &cols))
    }
}
