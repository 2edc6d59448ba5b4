//! Run-time facts and settings of the library: its version as numbers (and the check that the
//! header a program was compiled with agrees), the size of the thread pool, dates as numbers.

use std::ffi::c_char;

use cvm_core::Error;

use crate::{cvm_status, ffi_guard, need_out, write_out, FfiResult};

/// The library's major version (`CVM_VERSION_MAJOR` of the header it was built with).
#[no_mangle]
pub extern "C" fn cvm_version_major() -> u32 {
    parse_version_part(env!("CARGO_PKG_VERSION_MAJOR"))
}

/// The library's minor version.
#[no_mangle]
pub extern "C" fn cvm_version_minor() -> u32 {
    parse_version_part(env!("CARGO_PKG_VERSION_MINOR"))
}

/// The library's patch version.
#[no_mangle]
pub extern "C" fn cvm_version_patch() -> u32 {
    parse_version_part(env!("CARGO_PKG_VERSION_PATCH"))
}

fn parse_version_part(text: &str) -> u32 {
    text.parse().unwrap_or(u32::MAX)
}

/// Whether a program compiled against header version `major.minor.patch` may use this library:
/// the same major version, and a library at least as new as the header (before 1.0, the minor
/// versions must also be equal, as a 0.x minor release may change the ABI).
fn compatible(header: (u32, u32, u32), library: (u32, u32, u32)) -> bool {
    let (hm, hn, hp) = header;
    let (lm, ln, lp) = library;
    if hm != lm {
        return false;
    }
    if hm == 0 {
        hn == ln && lp >= hp
    } else {
        (ln, lp) >= (hn, hp)
    }
}

/// Checks that the header a program was compiled with (pass `CVM_VERSION_MAJOR`,
/// `CVM_VERSION_MINOR`, `CVM_VERSION_PATCH`, or use the `CVM_CHECK_VERSION()` macro) agrees with
/// the library loaded at run time: same major version and a library at least as new (before 1.0
/// the minor versions must be equal too). `CVM_STATUS_INVALID_VALUE` (field `version`) names both
/// versions otherwise.
#[no_mangle]
pub extern "C" fn cvm_check_version(major: u32, minor: u32, patch: u32) -> cvm_status {
    ffi_guard!({
        let library = (cvm_version_major(), cvm_version_minor(), cvm_version_patch());
        if compatible((major, minor, patch), library) {
            Ok(())
        } else {
            let msg = format!(
                "the header is version {major}.{minor}.{patch} but the library loaded is {}.{}.{}: \
                 rebuild the program against the installed cvm.h or install the matching libcvm",
                library.0, library.1, library.2
            );
            Err(Error::invalid("version", msg).into())
        }
    })
}

/// Sizes the library's thread pool to `n` threads (0: the default) before its first use.
///
/// The per-customer work runs on rayon's global pool. By default it has one thread per CPU the
/// process may use, or `RAYON_NUM_THREADS` when that variable is set. The pool is built once per
/// process, at the first parallel call (or by this function): call it at start-up, before any
/// other cvm call that computes. Afterwards its size is fixed, and this function returns
/// `CVM_STATUS_INVALID_VALUE` (field `num_threads`) saying so; the pool is unchanged. Results
/// do not depend on the number of threads (bit for bit).
#[no_mangle]
pub extern "C" fn cvm_set_num_threads(n: usize) -> cvm_status {
    ffi_guard!({ set_num_threads(n) })
}

fn set_num_threads(n: usize) -> FfiResult<()> {
    rayon::ThreadPoolBuilder::new().num_threads(n).build_global().map_err(|e| {
        let msg = format!(
            "the thread pool was already started with {} threads ({e}): call cvm_set_num_threads \
             before any other cvm call that computes",
            rayon::current_num_threads()
        );
        Error::invalid("num_threads", msg).into()
    })
}

/// Number of threads of the library's pool (starts the pool with its default size if it has
/// not started yet: call [`cvm_set_num_threads`] first to choose it).
#[no_mangle]
pub extern "C" fn cvm_num_threads() -> usize {
    rayon::current_num_threads()
}

/// Writes the date of `days` since 1970-01-01 (UTC) as `"YYYY-MM-DD"` into `*out` (free it with
/// `cvm_string_free`); the inverse of `cvm_parse_date`. Days outside 0001-01-01..=9999-12-31
/// are `CVM_STATUS_INVALID_VALUE` (field `days`).
///
/// # Safety
/// `out` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_format_date(days: i64, out: *mut *mut c_char) -> cvm_status {
    ffi_guard!({
        need_out(out, "out")?;
        let text = format_date(days)?;
        unsafe { write_out(out, crate::cstring(&text).into_raw(), "out") }
    })
}

fn format_date(days: i64) -> FfiResult<String> {
    const FIRST: i64 = -719_162; // 0001-01-01
    const LAST: i64 = 2_932_896; // 9999-12-31
    if !(FIRST..=LAST).contains(&days) {
        let msg = format!("{days} days since 1970-01-01 is outside 0001-01-01..=9999-12-31");
        return Err(Error::invalid("days", msg).into());
    }
    let (y, m, d) = cvm_core::calendar::civil_from_days(days);
    Ok(format!("{y:04}-{m:02}-{d:02}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_version_macros_match_cargo() {
        let header = include_str!("../../include/cvm.h");
        for (name, value) in [
            ("CVM_VERSION_MAJOR", env!("CARGO_PKG_VERSION_MAJOR")),
            ("CVM_VERSION_MINOR", env!("CARGO_PKG_VERSION_MINOR")),
            ("CVM_VERSION_PATCH", env!("CARGO_PKG_VERSION_PATCH")),
        ] {
            let line = format!("#define {name} {value}\n");
            assert!(header.contains(&line), "include/cvm.h lacks `{}`", line.trim());
        }
    }

    #[test]
    fn compatibility_rule() {
        assert!(compatible((0, 1, 0), (0, 1, 3)));
        assert!(!compatible((0, 1, 4), (0, 1, 3)));
        assert!(!compatible((0, 2, 0), (0, 1, 9)));
        assert!(!compatible((0, 1, 0), (1, 1, 0)));
        assert!(compatible((1, 2, 0), (1, 3, 0)));
        assert!(!compatible((1, 3, 0), (1, 2, 9)));
        assert_eq!(cvm_check_version(0, 0, 0), cvm_status::CVM_STATUS_INVALID_VALUE);
        let (a, b, c) = (cvm_version_major(), cvm_version_minor(), cvm_version_patch());
        assert_eq!(cvm_check_version(a, b, c), cvm_status::CVM_STATUS_OK);
    }

    #[test]
    fn dates_round_trip() {
        for (days, text) in [(0, "1970-01-01"), (-719_162, "0001-01-01"), (2_932_896, "9999-12-31")]
        {
            assert_eq!(format_date(days).unwrap(), text);
            assert_eq!(cvm_core::calendar::parse_date(text, "t").unwrap(), days);
        }
        assert!(format_date(2_932_897).is_err());
        assert!(format_date(-719_163).is_err());
    }
}
