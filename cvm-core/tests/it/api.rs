//! The shape of the public API: error sources, names as text (`FromStr` / `Display`), option
//! builders.

use std::error::Error as _;

use cvm_core::models::{BgNbd, BgNbdParams};
use cvm_core::names::parse_field;
use cvm_core::Error;

#[test]
fn json_error_keeps_the_serde_error_as_its_source() {
    let e = BgNbd::from_json("{").unwrap_err();
    // The message is unchanged from the one the bindings match on.
    assert_eq!(
        e.to_string(),
        "invalid JSON document at `$`: EOF while parsing an object at line 1 column 1"
    );
    let inner = e.source().expect("a source");
    let serde = inner.downcast_ref::<serde_json::Error>().expect("a serde_json error");
    assert_eq!((serde.line(), serde.column()), (1, 1));
    // Cloning keeps it; equality compares messages.
    let c = e.clone();
    assert_eq!(c, e);
    assert!(c.source().unwrap().downcast_ref::<serde_json::Error>().is_some());
    // A problem found after reading (no reader error behind it) has no source, nor has any
    // other variant.
    let m = BgNbd::from_params(BgNbdParams::new(0.243, 4.414, 0.793, 2.426).unwrap()).unwrap();
    let doc = m.to_json().unwrap().replace("\"version\": 1", "\"version\": 99");
    let other = BgNbd::from_json(&doc).unwrap_err();
    assert_eq!(
        other.to_string(),
        "invalid JSON document at `$.version`: unsupported version 99 of a bg_nbd document; this build reads version 1"
    );
    assert!(other.source().is_none());
    assert!(Error::invalid("x", "bad").source().is_none());
}

/// `x.to_string().parse() == Ok(x)` for every listed value; an unknown name is an
/// `UnknownName` on `field` listing `names`, and `parse_field` renames the field.
fn round_trip<T>(all: &[T], field: &str, names: &[&str])
where
    T: std::str::FromStr<Err = Error> + std::fmt::Display + std::fmt::Debug + PartialEq + Copy,
{
    for &x in all {
        let text = x.to_string();
        assert_eq!(text.parse::<T>(), Ok(x), "{text}");
        assert!(names.contains(&text.as_str()), "{text} not in {names:?}");
    }
    let bad = "no such name";
    let want = Error::unknown_name(field, bad, names);
    assert_eq!(bad.parse::<T>(), Err(want));
    let e = parse_field::<T>(bad, "my_option").unwrap_err();
    assert_eq!(e, Error::unknown_name("my_option", bad, names));
}

#[test]
fn every_name_round_trips_through_display_and_from_str() {
    use cvm_core::churn::CalibrationMethod;
    use cvm_core::decision::{CampaignMethod, SegmentType};
    use cvm_core::loyalty::{ChurnType, LevelRule, LoyaltyLevel, MissingSignal, RiskBand, Stage};
    use cvm_core::selection::{
        AverageOver, BalanceInput, CompareOp, SlopeScale, Standardization, Trend,
    };
    use cvm_core::value::{MigrationPolicy, MissingSatisfaction, RetentionConvention, Timing};
    use cvm_core::{NegativeAmounts, TimeUnit, TimestampUnit};

    use TimeUnit as U;
    round_trip(&[U::Day, U::Week, U::Month, U::Year], "time_unit", TimeUnit::NAMES);
    use cvm_core::models::ModelKind;
    round_trip(ModelKind::ALL, "model", ModelKind::NAMES);
    assert_eq!(
        ModelKind::NAMES,
        ["bg_nbd", "mbg_nbd", "pareto_nbd", "gamma_gamma", "bg_bb", "sbg"]
    );
    use cvm_core::clv::ClvMethod;
    let lifetimes = ClvMethod::LifetimesSteps { step: 4.345, steps: 12 };
    round_trip(&[ClvMethod::Continuous, lifetimes], "method", ClvMethod::NAMES);
    use TimestampUnit as S;
    let all = [S::Second, S::Millisecond, S::Microsecond, S::Nanosecond, S::Day];
    round_trip(&all, "timestamp_unit", TimestampUnit::NAMES);
    let all = [NegativeAmounts::Error, NegativeAmounts::Net];
    round_trip(&all, "negative_amounts", NegativeAmounts::NAMES);
    round_trip(&[Timing::End, Timing::Start], "timing", Timing::NAMES);
    use RetentionConvention as R;
    let all = [R::PresentInFirstPeriod, R::SurviveFirstPeriod];
    round_trip(&all, "convention", RetentionConvention::NAMES);
    let all = [MissingSatisfaction::Error, MissingSatisfaction::NoInfluence];
    round_trip(&all, "missing", MissingSatisfaction::NAMES);
    let all = [MigrationPolicy::Strict, MigrationPolicy::OuterJoin];
    round_trip(&all, "policy", MigrationPolicy::NAMES);
    round_trip(&Stage::ALL, "stage", Stage::NAMES);
    round_trip(&RiskBand::ALL, "risk_band", RiskBand::NAMES);
    round_trip(&ChurnType::ALL, "churn_type", ChurnType::NAMES);
    round_trip(&LoyaltyLevel::ALL, "level", LoyaltyLevel::NAMES);
    round_trip(&[LevelRule::Cumulative, LevelRule::Highest], "rule", LevelRule::NAMES);
    let all = [MissingSignal::Error, MissingSignal::Unobserved];
    round_trip(&all, "missing", MissingSignal::NAMES);
    use CampaignMethod as C;
    round_trip(&[C::Auto, C::Exact, C::Greedy], "method", CampaignMethod::NAMES);
    round_trip(&SegmentType::ALL, "segment_type", SegmentType::NAMES);
    round_trip(&CalibrationMethod::ALL, "method", CalibrationMethod::NAMES);
    let all = [Standardization::Loyal, Standardization::Pooled];
    round_trip(&all, "standardization", Standardization::NAMES);
    round_trip(&Trend::ALL, "trend", Trend::NAMES);
    let all = [SlopeScale::RelativeToLevel, SlopeScale::Absolute];
    round_trip(&all, "slope_scale", SlopeScale::NAMES);
    let all = [BalanceInput::Transactions, BalanceInput::EndOfDayBalances];
    round_trip(&all, "input", BalanceInput::NAMES);
    let all = [AverageOver::CalendarDays, AverageOver::DaysOpen];
    round_trip(&all, "average_over", AverageOver::NAMES);
    use CompareOp as O;
    let all = [O::Lt, O::Le, O::Gt, O::Ge, O::Eq, O::Ne];
    round_trip(&all, "op", CompareOp::NAMES);
}

#[test]
fn names_keep_their_aliases_and_migration_states_list_every_state() {
    use cvm_core::loyalty::{MigrationState, Stage};
    use cvm_core::value::Timing;
    use cvm_core::TimeUnit;
    // Aliases, case and separators as before.
    assert_eq!(" Weeks ".parse::<TimeUnit>(), Ok(TimeUnit::Week));
    assert_eq!("begin".parse::<Timing>(), Ok(Timing::Start));
    assert_eq!("First Time".parse::<Stage>(), Ok(Stage::FirstTime));
    // Time units stay case-sensitive where numpy is ("D" is days, "d" is not a unit).
    assert!("d".parse::<cvm_core::TimestampUnit>().is_err());
    let states =
        [MigrationState::New, MigrationState::Gone, MigrationState::Stage(Stage::FirstTime)];
    for s in states {
        assert_eq!(s.to_string().parse::<MigrationState>(), Ok(s));
    }
    let e = parse_field::<MigrationState>("lost", "from").unwrap_err();
    let mut valid = Stage::NAMES.to_vec();
    valid.extend(["new", "gone"]);
    assert_eq!(e, Error::unknown_name("from", "lost", &valid));
}
