//! Calendar arithmetic: days since the Unix epoch ⇄ civil dates, and the periods transactions merge in.
//!
//! Dates are proleptic Gregorian, in UTC, counted as days since 1970-01-01 (day 0). The algorithms are
//! the classic branch-free civil-calendar conversions (H. Hinnant, "chrono-compatible low-level date
//! algorithms").

use crate::error::{Error, Result};

/// Days since 1970-01-01 of the civil date `year-month-day`.
///
/// # Errors
/// [`Error::InvalidValue`] when `month` is not in 1..=12 or `day` is not a day of that month.
///
/// # Examples
/// ```
/// use cvm_core::calendar::days_from_civil;
/// assert_eq!(days_from_civil(1970, 1, 1).unwrap(), 0);
/// assert_eq!(days_from_civil(1997, 9, 30).unwrap(), 10_134);
/// assert!(days_from_civil(1997, 2, 29).is_err());
/// ```
pub fn days_from_civil(year: i64, month: u32, day: u32) -> Result<i64> {
    if !(1..=12).contains(&month) {
        return Err(Error::invalid("month", format!("must be in 1..=12 (got {month})")));
    }
    let dim = days_in_month(year, month);
    if day == 0 || day > dim {
        return Err(Error::invalid(
            "day",
            format!("must be in 1..={dim} for {year}-{month:02} (got {day})"),
        ));
    }
    Ok(days_from_civil_unchecked(year, month, day))
}

pub(crate) fn days_from_civil_unchecked(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = month as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + day as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date `(year, month, day)` of a day count since 1970-01-01.
///
/// # Examples
/// ```
/// use cvm_core::calendar::civil_from_days;
/// assert_eq!(civil_from_days(10_134), (1997, 9, 30));
/// ```
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn is_leap(y: i64) -> bool {
    y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if is_leap(y) => 29,
        _ => 28,
    }
}

/// Parses an ISO-8601 date `YYYY-MM-DD` (or `YYYYMMDD`) into days since 1970-01-01.
///
/// # Errors
/// [`Error::InvalidValue`] naming `field` when the text is not such a date.
///
/// # Examples
/// ```
/// use cvm_core::calendar::parse_date;
/// assert_eq!(parse_date("1997-09-30", "date").unwrap(), 10_134);
/// assert_eq!(parse_date("19970930", "date").unwrap(), 10_134);
/// assert!(parse_date("1997-13-01", "date").is_err());
/// ```
pub fn parse_date(text: &str, field: &str) -> Result<i64> {
    let t = text.trim();
    let bad = || Error::invalid(field, format!("{t:?} is not a date YYYY-MM-DD or YYYYMMDD"));
    let (y, m, d) = if t.len() == 10 && t.as_bytes()[4] == b'-' && t.as_bytes()[7] == b'-' {
        (&t[0..4], &t[5..7], &t[8..10])
    } else if t.len() == 8 && t.bytes().all(|b| b.is_ascii_digit()) {
        (&t[0..4], &t[4..6], &t[6..8])
    } else {
        return Err(bad());
    };
    let y: i64 = y.parse().map_err(|_| bad())?;
    let m: u32 = m.parse().map_err(|_| bad())?;
    let d: u32 = d.parse().map_err(|_| bad())?;
    days_from_civil(y, m, d).map_err(|_| bad())
}
