//! Names as text: every public enum with a text form (time units, stages, methods, policies, …)
//! implements [`FromStr`] (its accepted spellings, any of them) and [`Display`](std::fmt::Display)
//! (its canonical spelling), so that `x.to_string().parse() == Ok(x)`.
//!
//! [`FromStr`] reports [`Error::UnknownName`] naming the concept (e.g. `time_unit`) and listing
//! the canonical spellings; [`parse_field`] parses the same way but names the caller's argument
//! or option instead, which is what the bindings report.
//!
//! # Examples
//! ```
//! use cvm_core::names::parse_field;
//! use cvm_core::TimeUnit;
//!
//! let unit: TimeUnit = "week".parse()?;
//! assert_eq!(unit, TimeUnit::Week);
//! assert_eq!(unit.to_string(), "W");
//! let e = parse_field::<TimeUnit>("fortnight", "freq").unwrap_err();
//! assert_eq!(e.to_string(), r#"`freq`: unknown value "fortnight"; valid values are D, W, M, Y"#);
//! # Ok::<(), cvm_core::Error>(())
//! ```

use std::str::FromStr;

use crate::error::{Error, Result};

/// Parses `text` as a `T` (see [`FromStr`] on each enum for the accepted spellings), reporting an
/// unknown name as [`Error::UnknownName`] on `field` (the argument or option that held it).
///
/// # Errors
/// [`Error::UnknownName`] naming `field`, giving `text` and listing the canonical spellings.
///
/// # Examples
/// ```
/// use cvm_core::loyalty::Stage;
/// use cvm_core::names::parse_field;
///
/// assert_eq!(parse_field::<Stage>("First-Time", "stage")?, Stage::FirstTime);
/// let e = parse_field::<Stage>("loyal", "from_stage").unwrap_err();
/// assert_eq!(e.field(), Some("from_stage"));
/// # Ok::<(), cvm_core::Error>(())
/// ```
pub fn parse_field<T: FromStr<Err = Error>>(text: &str, field: &str) -> Result<T> {
    text.parse().map_err(|e| match e {
        Error::UnknownName { value, valid, .. } => {
            Error::UnknownName { field: field.to_string(), value, valid }
        }
        other => other,
    })
}

/// Implements [`FromStr`] and [`Display`](std::fmt::Display) for an enum with an inherent
/// `NAMES` list and `as_str`: `text_form!(Type, "field", |text| parse)` where `parse` is an
/// `Option<Type>` expression of `text`; `None` becomes [`Error::UnknownName`] on `field`.
macro_rules! text_form {
    ($ty:ty, $field:literal, |$text:ident| $parse:expr) => {
        impl ::std::str::FromStr for $ty {
            type Err = $crate::Error;
            fn from_str($text: &str) -> $crate::Result<Self> {
                let parsed: Option<$ty> = $parse;
                parsed.ok_or_else(|| $crate::Error::unknown_name($field, $text, <$ty>::NAMES))
            }
        }

        impl ::std::fmt::Display for $ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use text_form;

/// The text lower-cased, surrounding blanks removed, and each of `seps` replaced by `_`.
pub(crate) fn normalize(text: &str, seps: &[char]) -> String {
    text.trim().to_ascii_lowercase().replace(seps, "_")
}
