"""Units that travel, from Python: a summary records its unit (``attrs["time_unit"]``), a model
fitted on it records the same (``time_unit_``, kept by JSON and pickling), and CLV reads the
customer data in it. End to end on CDNOW: a weekly and a daily summary of the same transactions
give equivalent models and the same CLV; every contradiction is an error (the bad-input rows are
in ``catalogue_units.py``)."""

from __future__ import annotations

import json
import pickle

import numpy as np
import pandas as pd
import pytest

import cvm

TRANSACTION_MODELS = [cvm.BetaGeo, cvm.ModifiedBetaGeo, cvm.ParetoNBD]
ALL_PARAMS = {
    cvm.BetaGeo: dict(r=0.243, alpha=4.414, a=0.793, b=2.426),
    cvm.ModifiedBetaGeo: dict(r=0.525, alpha=6.183, a=0.891, b=1.614),
    cvm.ParetoNBD: dict(r=0.553, alpha=10.58, s=0.606, beta=11.67),
    cvm.GammaGamma: dict(p=6.25, q=3.74, gamma=15.44),
    cvm.BetaGeoBetaBinom: dict(alpha=1.204, beta=0.750, gamma=0.657, delta=2.783),
    cvm.ShiftedBetaGeo: dict(alpha=0.668, beta=3.806),
}
# Fitting on a daily rather than a weekly summary of the same transactions (ages × 7) scales
# alpha (and the Pareto/NBD's beta) by 7 and leaves the rest; the CLVs then agree to rounding.
# Measured on CDNOW: largest relative CLV difference 3.6e-14 (BG/NBD), 6.1e-13 (MBG/NBD),
# 4.4e-14 (Pareto/NBD); asserted with room for other platforms and optimiser paths.
DAYS_VS_WEEKS_RTOL = 1e-9


@pytest.fixture(scope="module")
def weekly():
    """CDNOW calibration summary in weeks from the transactions (attrs "W")."""
    log = cvm.datasets.load_cdnow_transactions()
    return cvm.summary_from_transactions(log, "customer_id", "date", "amount", calibration_period_end="1997-09-30",
                                         observation_period_end="1998-06-30", time_unit="W")


@pytest.fixture(scope="module")
def daily():
    """The same summary in days (attrs "D")."""
    log = cvm.datasets.load_cdnow_transactions()
    return cvm.summary_from_transactions(log, "customer_id", "date", "amount", calibration_period_end="1997-09-30",
                                         observation_period_end="1998-06-30", time_unit="D")


_CDNOW = cvm.datasets.load_cdnow_summary_with_transactions().rename(
    columns={"x": "frequency", "t_x": "recency", "zbar": "monetary_value"}).head(600)


def _small(unit=None):
    """600 CDNOW customers whose summary records ``unit`` (none for None)."""
    s = _CDNOW.copy()
    s.attrs = {} if unit is None else {"time_unit": unit}
    return s


# -- models record the unit of their data -------------------------------------------------------


@pytest.mark.parametrize("cls", TRANSACTION_MODELS)
def test_fit_records_the_summary_unit(cls):
    assert cls().fit(_small("W")).time_unit_ == "W"
    assert cls().fit(_small("W"), time_unit="W").time_unit_ == "W"  # agreeing is fine
    assert cls().fit(_small("W"), time_unit="week").time_unit_ == "W"  # any spelling of the core's
    assert cls().fit(_small(), time_unit="D").time_unit_ == "D"  # no attrs: the argument
    assert cls().fit(_small()).time_unit_ is None  # neither: unknown, allowed
    s = _small()
    s.attrs["time_unit"] = None  # a summary in periods of k × freq records None
    assert cls().fit(s, time_unit="M").time_unit_ == "M"


def test_fit_on_series_reads_their_attrs():
    s = _small()
    f, r, t = (s[c].copy() for c in ("frequency", "recency", "T"))
    for x in (f, r, t):
        x.attrs["time_unit"] = "M"
    assert cvm.BetaGeo().fit(f, r, t).time_unit_ == "M"
    assert cvm.BetaGeo().fit(f.to_numpy(), r.to_numpy(), t.to_numpy(), time_unit="Y").time_unit_ == "Y"
    with pytest.raises(cvm.InvalidValueError) as e:
        cvm.BetaGeo().fit(f, r, t, time_unit="D")
    assert e.value.field == "time_unit" and "D contradicts" in str(e.value) and "is M" in str(e.value)


def test_other_models_record_the_unit():
    s = _small("W")
    assert cvm.GammaGamma().fit(s).time_unit_ == "W"
    assert cvm.GammaGamma().fit(s["frequency"].to_numpy(), s["monetary_value"].to_numpy()).time_unit_ is None
    d = cvm.datasets.load_donations().rename(columns={"periods": "n_periods"})
    assert cvm.BetaGeoBetaBinom().fit(d).time_unit_ is None
    assert cvm.BetaGeoBetaBinom().fit(d, time_unit="Y").time_unit_ == "Y"
    alive = [1000, 869, 743, 653, 593, 551, 517, 491]
    assert cvm.ShiftedBetaGeo().fit_cohort(alive, time_unit="Y").time_unit_ == "Y"
    cohort = pd.DataFrame({"duration": [1, 2, 3, 3], "still_active": [0, 0, 0, 1]})
    cohort.attrs["time_unit"] = "M"
    assert cvm.ShiftedBetaGeo().fit(cohort).time_unit_ == "M"


@pytest.mark.parametrize("cls", list(ALL_PARAMS))
def test_from_params_with_time_unit_and_persistence(cls):
    params = ALL_PARAMS[cls]
    none = cls.from_params(**params)
    assert none.time_unit_ is None and "time_unit" not in json.loads(none.to_json())
    weekly = cls.from_params(**params, time_unit="W")
    assert weekly.time_unit_ == "W"
    assert json.loads(weekly.to_json())["time_unit"] == "W"
    assert cls.from_json(weekly.to_json()).time_unit_ == "W"
    assert pickle.loads(pickle.dumps(weekly)).time_unit_ == "W"
    # the first line of the repr is the model on one line; the summary table follows (issue 16)
    assert repr(weekly).splitlines()[0].endswith("time_unit='W')") and "time_unit" not in repr(none)
    # with_time_unit: a new model, the original untouched, the parameters the same.
    daily = weekly.with_time_unit("D")
    assert (daily.time_unit_, weekly.time_unit_) == ("D", "W")
    assert type(daily) is cls and daily.params_ == weekly.params_
    assert daily.with_time_unit(None).time_unit_ is None
    with pytest.raises(cvm.UnknownNameError) as e:
        weekly.with_time_unit("fortnight")
    assert e.value.field == "time_unit" and e.value.valid == ["D", "W", "M", "Y"] and e.value.value == "fortnight"


def test_fitted_unit_survives_json_pickle_and_load_model():
    m = cvm.BetaGeo().fit(cvm.datasets.load_cdnow_summary())
    assert m.time_unit_ == "W"
    assert cvm.load_model(m.to_json()).time_unit_ == "W"
    back = pickle.loads(pickle.dumps(m))
    assert back.time_unit_ == "W" and back.params_ == m.params_ and back.log_likelihood_ == m.log_likelihood_


def test_simulated_cohort_records_the_model_unit():
    m = cvm.BetaGeo.from_params(**ALL_PARAMS[cvm.BetaGeo], time_unit="W")
    sim = m.simulate(50, calibration_end=39.0)
    assert sim.attrs["time_unit"] == "W"
    assert m.predict(sim, t=10).shape == (50, 2)  # the same unit: accepted


# -- the CDNOW round trip -----------------------------------------------------------------------


def test_cdnow_weeks_clv_default_equals_explicit_weeks():
    s = cvm.datasets.load_cdnow_summary_with_transactions().rename(
        columns={"x": "frequency", "t_x": "recency", "zbar": "monetary_value"})
    assert s.attrs["time_unit"] == "W"
    bg = cvm.BetaGeo().fit(s)
    gg = cvm.GammaGamma().fit(s)
    assert (bg.time_unit_, gg.time_unit_) == ("W", "W")
    default = cvm.customer_lifetime_value(bg, gg, s, 12, "M", 0.01)
    explicit = cvm.customer_lifetime_value(bg, gg, s, 12, "M", 0.01, data_time_unit="W")
    pd.testing.assert_frame_equal(default, explicit)
    # The same numbers without any recorded unit, given explicitly.
    bare = s.copy()
    bare.attrs = {}
    given = cvm.customer_lifetime_value(bg.with_time_unit(None), gg.with_time_unit(None), bare, 12, "M", 0.01,
                                        data_time_unit="W")
    pd.testing.assert_frame_equal(default, given)


@pytest.mark.parametrize("cls", TRANSACTION_MODELS)
def test_days_and_weeks_give_the_same_clv(cls, weekly, daily):
    assert (weekly.attrs["time_unit"], daily.attrs["time_unit"]) == ("W", "D")
    np.testing.assert_allclose(daily["T"], 7 * weekly["T"], rtol=1e-12)
    mw, md = cls().fit(weekly), cls().fit(daily)
    assert (mw.time_unit_, md.time_unit_) == ("W", "D")
    gw, gd = cvm.GammaGamma().fit(weekly), cvm.GammaGamma().fit(daily)
    # Equivalent models: the scale parameters in days are 7 × those in weeks.
    for name, value in mw.params_.items():
        factor = 7.0 if name in ("alpha", "beta") else 1.0
        np.testing.assert_allclose(md.params_[name], factor * value, rtol=DAYS_VS_WEEKS_RTOL, err_msg=name)
    vw = cvm.customer_lifetime_value(mw, gw, weekly, 12, "M", 0.01)
    vd = cvm.customer_lifetime_value(md, gd, daily, 12, "M", 0.01)
    np.testing.assert_allclose(vd["clv"], vw["clv"], rtol=DAYS_VS_WEEKS_RTOL)
    # Weeks asked of a model in days: an error naming both units, never a CLV off by 7.
    bare = daily.copy()
    bare.attrs = {}
    with pytest.raises(cvm.InvalidValueError) as e:
        cvm.customer_lifetime_value(md, gd, bare, 12, "M", 0.01, data_time_unit="W")
    assert e.value.field == "data_time_unit"
    assert "W contradicts the unit the model records for its data (D)" in str(e.value)
    # A daily summary scored by the weekly model, or a daily spend model with a weekly one.
    with pytest.raises(cvm.InvalidValueError) as e:
        cvm.customer_lifetime_value(mw, gw, daily)
    assert e.value.field == "summary" and "are in D" in str(e.value) and "in W" in str(e.value)
    with pytest.raises(cvm.InvalidValueError) as e:
        cvm.customer_lifetime_value(mw, gd, weekly)
    assert e.value.field == "spend_model"


def test_lifetimes_method_takes_its_step_from_the_recorded_unit(weekly, daily):
    mw = cvm.BetaGeo().fit(weekly)
    gw = cvm.GammaGamma().fit(weekly)
    a = cvm.customer_lifetime_value(mw, gw, weekly, 12, "M", 0.01, method="lifetimes")
    b = cvm.customer_lifetime_value(mw.with_time_unit(None), gw, weekly.assign(), 12, "M", 0.01, method="lifetimes",
                                    data_time_unit="W")
    pd.testing.assert_frame_equal(a, b)


def test_bgbb_clv_uses_the_opportunity_length_the_model_records():
    gg = cvm.GammaGamma.from_params(**ALL_PARAMS[cvm.GammaGamma])
    s = pd.DataFrame({"frequency": [6.0, 0.0], "recency": [6.0, 0.0], "n_periods": [6.0, 6.0], "monetary_value": [50.0, 0.0]})
    yearly = cvm.BetaGeoBetaBinom.from_params(**ALL_PARAMS[cvm.BetaGeoBetaBinom], time_unit="Y")
    default = cvm.customer_lifetime_value(yearly, gg, s, horizon=5, time_unit="Y", discount_rate=0.1)
    explicit = cvm.customer_lifetime_value(yearly.with_time_unit(None), gg, s, horizon=5, time_unit="Y",
                                           discount_rate=0.1, data_time_unit="Y")
    pd.testing.assert_frame_equal(default, explicit)


# -- NotIdentifiedError carries the model and the reason ----------------------------------------


def test_not_identified_error_names_the_model_and_the_reason():
    no_repeat = pd.DataFrame({"frequency": [0.0, 0.0, 0.0], "recency": [0.0, 0.0, 0.0], "T": [10.0, 20.0, 30.0]})
    with pytest.raises(cvm.NotIdentifiedError) as e:
        cvm.BetaGeo().fit(no_repeat)
    err = e.value
    assert err.model == "bg_nbd"
    assert err.reason.startswith("no customer made a repeat purchase")
    assert str(err) == f"the data cannot identify the bg_nbd parameters: {err.reason}"
    assert isinstance(err, cvm.InvalidInputError) and isinstance(err, ValueError)
    assert (err.field, err.index) == (None, None)
    with pytest.raises(cvm.NotIdentifiedError) as e:
        cvm.ShiftedBetaGeo().fit_cohort([100, 100, 100])
    assert e.value.model == "sbg" and "cancelled" in e.value.reason
