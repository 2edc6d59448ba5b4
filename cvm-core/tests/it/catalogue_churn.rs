//! The bad-input catalogue of churn calibration and evaluation: one row per class, each with the
//! call, the expected error variant, `field`, `index` and a substring of the message. The C
//! (`tests/c/catalogue_churn.inc`) and Python (`cvm-py/tests/catalogue_churn.py`) tables hold the
//! same rows.

use cvm_core::churn::{churn_report, CalibrationMethod, ChurnCalibrator};
use cvm_core::Error;

type Run = fn() -> Result<(), Error>;
/// A row: name, call, expected variant, field, index, message substring.
type Case =
    (&'static str, Run, fn(&Error) -> bool, Option<&'static str>, Option<usize>, &'static str);

const S3: [f64; 3] = [0.1, 0.2, 0.3];
const Y3: [bool; 3] = [false, true, true];
const ISO: CalibrationMethod = CalibrationMethod::Isotonic;
const PLATT: CalibrationMethod = CalibrationMethod::Platt;

fn invalid(e: &Error) -> bool {
    matches!(e, Error::InvalidValue { .. })
}

fn cases() -> Vec<Case> {
    vec![
        (
            "churn calibrator: non-finite score",
            || ChurnCalibrator::fit(&[0.1, f64::NAN, 0.3], &Y3, None, ISO).map(drop),
            invalid,
            Some("scores"),
            Some(1),
            "must be finite",
        ),
        (
            "churn calibrator: negative weight",
            || ChurnCalibrator::fit(&S3, &Y3, Some(&[1.0, 1.0, -1.0]), ISO).map(drop),
            invalid,
            Some("weights"),
            Some(2),
            ">= 0",
        ),
        (
            "churn calibrator: unknown method",
            || cvm_core::names::parse_field::<CalibrationMethod>("spline", "method").map(drop),
            |e| matches!(e, Error::UnknownName { .. }),
            Some("method"),
            None,
            "isotonic, platt",
        ),
        (
            "churn calibrator: Platt on constant scores",
            || ChurnCalibrator::fit(&[0.5; 3], &Y3, None, PLATT).map(drop),
            |e| matches!(e, Error::NotIdentified { .. }),
            None,
            None,
            "scores are all equal",
        ),
        (
            "churn calibrator: Platt on separated scores",
            || ChurnCalibrator::fit(&S3, &[false, false, true], None, PLATT).map(drop),
            |e| matches!(e, Error::NotIdentified { .. }),
            None,
            None,
            "separate the classes",
        ),
        (
            "churn calibrator: JSON missing key",
            || {
                ChurnCalibrator::from_json(
                    r#"{"format": "cvm-churn-calibrator", "version": 1, "kind": "platt", "intercept": 1}"#,
                )
                .map(drop)
            },
            |e| matches!(e, Error::Json { .. }),
            Some("$.slope"),
            None,
            "missing key",
        ),
        (
            "churn report: probability above 1",
            || churn_report(&[0.1, 0.2, 1.5], &Y3, None, None, 1).map(drop),
            invalid,
            Some("probability"),
            Some(2),
            "[0, 1]",
        ),
        (
            "churn report: baseline of another length",
            || churn_report(&S3, &Y3, None, Some(&[1.0, 2.0]), 1).map(drop),
            |e| matches!(e, Error::LengthMismatch { .. }),
            Some("baseline"),
            None,
            "expected 3",
        ),
        (
            "churn report: more bins than customers",
            || churn_report(&S3, &Y3, None, None, 4).map(drop),
            invalid,
            Some("bins"),
            None,
            "1..=3",
        ),
        (
            "churn report: no non-churner",
            || churn_report(&S3, &[true; 3], None, None, 1).map(drop),
            invalid,
            Some("churned"),
            None,
            "every customer churned",
        ),
    ]
}

#[test]
fn catalogue() {
    for (name, run, variant, field, index, message) in cases() {
        let e = run().expect_err(name);
        assert!(variant(&e), "{name}: wrong variant {e:?}");
        assert_eq!(e.field(), field, "{name}: {e}");
        assert_eq!(e.index(), index, "{name}: {e}");
        assert!(e.to_string().contains(message), "{name}: {e}");
    }
}
