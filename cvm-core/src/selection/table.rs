//! Columnar customer attributes: the data rules are evaluated over.

use std::collections::HashMap;

use crate::error::{check, Error, Result};

/// Code of a missing boolean value (any byte other than 0 and 1 is missing; this is the one the
/// crate writes).
pub const BOOL_MISSING: u8 = 255;

/// Code of a missing categorical value.
pub const CATEGORY_MISSING: i32 = -1;

/// One attribute column, borrowed from the caller (numpy arrays, pandas categoricals, C arrays).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Column<'a> {
    /// Numbers; `NaN` is a missing value. Infinite values are values.
    Numeric(&'a [f64]),
    /// Booleans: `0` false, `1` true, anything else (e.g. [`BOOL_MISSING`]) missing.
    Boolean(&'a [u8]),
    /// Categories: `codes[i]` indexes `categories`; [`CATEGORY_MISSING`] (−1) is missing.
    Categorical {
        /// One code per customer.
        codes: &'a [i32],
        /// The category labels.
        categories: &'a [String],
    },
}

/// The type of a [`Column`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ColumnType {
    /// [`Column::Numeric`].
    Numeric,
    /// [`Column::Boolean`].
    Boolean,
    /// [`Column::Categorical`].
    Categorical,
}

impl ColumnType {
    /// `"numeric"`, `"boolean"` or `"categorical"`.
    pub fn as_str(self) -> &'static str {
        match self {
            ColumnType::Numeric => "numeric",
            ColumnType::Boolean => "boolean",
            ColumnType::Categorical => "categorical",
        }
    }
}

impl<'a> Column<'a> {
    /// Number of rows.
    pub fn len(&self) -> usize {
        match self {
            Column::Numeric(x) => x.len(),
            Column::Boolean(x) => x.len(),
            Column::Categorical { codes, .. } => codes.len(),
        }
    }

    /// `true` when the column has no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The column's type.
    pub fn column_type(&self) -> ColumnType {
        match self {
            Column::Numeric(_) => ColumnType::Numeric,
            Column::Boolean(_) => ColumnType::Boolean,
            Column::Categorical { .. } => ColumnType::Categorical,
        }
    }

    /// `true` when row `i` holds a missing value.
    ///
    /// # Panics
    /// When `i` is out of range.
    pub fn is_missing(&self, i: usize) -> bool {
        match self {
            Column::Numeric(x) => x[i].is_nan(),
            Column::Boolean(x) => x[i] > 1,
            Column::Categorical { codes, .. } => codes[i] < 0,
        }
    }

    /// Row `i` as text, as it appears in reason codes: numbers in shortest round-trip form,
    /// `true`/`false`, the category label, or `NA` for a missing value.
    ///
    /// # Panics
    /// When `i` is out of range.
    pub fn display(&self, i: usize) -> String {
        let mut s = String::new();
        self.write_value(i, &mut s);
        s
    }

    /// Appends [`Column::display`] of row `i` to `out`.
    pub(crate) fn write_value(&self, i: usize, out: &mut String) {
        if self.is_missing(i) {
            out.push_str("NA");
            return;
        }
        match self {
            Column::Numeric(x) => crate::text::push_number(out, x[i]),
            Column::Boolean(x) => out.push_str(if x[i] == 1 { "true" } else { "false" }),
            Column::Categorical { codes, categories } => {
                out.push_str(&categories[codes[i] as usize])
            }
        }
    }
}

/// Named columns of equal length: one row per customer.
///
/// # Examples
/// ```
/// use cvm_core::selection::{Column, Table};
/// let spend = [1200.0, f64::NAN];
/// let partner = [1u8, 0];
/// let segs = vec!["gold".to_string(), "silver".to_string()];
/// let codes = [0, -1];
/// let table = Table::new()
///     .with("spend", Column::Numeric(&spend))?
///     .with("partner", Column::Boolean(&partner))?
///     .with("segment", Column::Categorical { codes: &codes, categories: &segs })?;
/// assert_eq!(table.n_rows(), 2);
/// assert_eq!(table.column("segment").unwrap().display(0), "gold");
/// assert!(table.column("spend").unwrap().is_missing(1));
/// # Ok::<(), cvm_core::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct Table<'a> {
    names: Vec<String>,
    columns: Vec<Column<'a>>,
    /// Name → position, so look-ups and duplicate checks are O(1).
    index: HashMap<String, usize>,
}

impl<'a> Table<'a> {
    /// An empty table.
    pub fn new() -> Self {
        Table::default()
    }

    /// Adds a column (builder form of [`Table::push`]).
    ///
    /// # Errors
    /// As [`Table::push`].
    pub fn with(mut self, name: &str, column: Column<'a>) -> Result<Self> {
        self.push(name, column)?;
        Ok(self)
    }

    /// Adds a column.
    ///
    /// # Errors
    /// [`Error::InvalidValue`] (`name`) for an empty or duplicate name;
    /// [`Error::LengthMismatch`] (the column name) when its length differs from the first column's;
    /// [`Error::InvalidValue`] (the column name, first offending row) for a categorical code that
    /// is neither −1 nor a valid index into `categories`.
    pub fn push(&mut self, name: &str, column: Column<'a>) -> Result<()> {
        if name.is_empty() {
            return Err(Error::invalid("name", "a column name must not be empty"));
        }
        if self.index.contains_key(name) {
            return Err(Error::invalid("name", format!("duplicate column {name:?}")));
        }
        if let Some(first) = self.columns.first() {
            check::same_len(name, first.len(), column.len())?;
        }
        if let Column::Categorical { codes, categories } = column {
            let k = categories.len() as i64;
            if let Some(i) = codes.iter().position(|&c| c < -1 || c as i64 >= k) {
                return Err(Error::invalid_at(
                    name,
                    i,
                    format!("category code {} is neither -1 (missing) nor in 0..{k}", codes[i]),
                ));
            }
        }
        self.index.insert(name.to_string(), self.names.len());
        self.names.push(name.to_string());
        self.columns.push(column);
        Ok(())
    }

    /// Number of rows (0 for a table without columns).
    pub fn n_rows(&self) -> usize {
        self.columns.first().map_or(0, Column::len)
    }

    /// Number of columns.
    pub fn n_columns(&self) -> usize {
        self.columns.len()
    }

    /// Column names, in insertion order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The column called `name`.
    pub fn column(&self, name: &str) -> Option<&Column<'a>> {
        self.index_of(name).map(|j| &self.columns[j])
    }

    /// Position of the column called `name`.
    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.index.get(name).copied()
    }

    /// Column `j`.
    ///
    /// # Panics
    /// When `j >= n_columns()`.
    pub fn column_at(&self, j: usize) -> &Column<'a> {
        &self.columns[j]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn push_checks() {
        let a = [1.0, 2.0];
        let b = [1.0];
        let cats = vec!["x".to_string()];
        let codes_bad = [0, 1];
        let cases: Vec<(&str, Column<'_>, Error)> = vec![
            ("a", Column::Numeric(&a), Error::invalid("name", "duplicate column \"a\"")),
            (
                "b",
                Column::Numeric(&b),
                Error::LengthMismatch { field: "b".into(), expected: 2, got: 1 },
            ),
            (
                "c",
                Column::Categorical { codes: &codes_bad, categories: &cats },
                Error::invalid_at("c", 1, "category code 1 is neither -1 (missing) nor in 0..1"),
            ),
            ("", Column::Numeric(&a), Error::invalid("name", "a column name must not be empty")),
        ];
        for (name, col, want) in cases {
            let mut t = Table::new().with("a", Column::Numeric(&a)).unwrap();
            assert_eq!(t.push(name, col).unwrap_err(), want, "{name}");
        }
    }

    #[test]
    fn missing_and_display() {
        let x = [1.5, f64::NAN];
        let b = [1u8, 7];
        let cats = vec!["gold".to_string()];
        let codes = [0, -1];
        let cols = [
            (Column::Numeric(&x), ["1.5", "NA"]),
            (Column::Boolean(&b), ["true", "NA"]),
            (Column::Categorical { codes: &codes, categories: &cats }, ["gold", "NA"]),
        ];
        for (c, want) in cols {
            assert!(!c.is_missing(0) && c.is_missing(1));
            assert_eq!([c.display(0), c.display(1)], want);
        }
    }
}
