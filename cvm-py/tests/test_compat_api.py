"""cvm.compat.lifetimes: every public name of lifetimes 0.11.3 exists with lifetimes' signature
(the list committed in tests/data/lifetimes_reference.json, generated from lifetimes itself), bad
input is one of cvm's clear errors, fitters round-trip through save_model/load_model, and the
plots draw lifetimes' numbers."""

from __future__ import annotations

import importlib
import inspect

import numpy as np
import pandas as pd
import pytest

import cvm
import cvm.compat.lifetimes as lifetimes
from cvm.compat.lifetimes import utils
from cvm.compat.lifetimes.datasets import load_dataset, load_transaction_data

from compat_support import REF, bgf, cdnow  # noqa: F401 (fixtures)

SIGNATURES = REF["signatures"]


def resolve(name: str):
    """``lifetimes.a.b.C.m`` → the object at ``cvm.compat.lifetimes.a.b.C.m``."""
    parts = name.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module("cvm.compat." + ".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for attr in parts[cut:]:
            obj = getattr(obj, attr)
        return obj
    raise AssertionError(name)


def test_the_reference_lists_every_public_name():
    assert len(SIGNATURES) >= 60
    for name in ("lifetimes.fitters.beta_geo_fitter.BetaGeoFitter.fit", "lifetimes.utils.calculate_alive_path",
                 "lifetimes.plotting.plot_history_alive", "lifetimes.datasets.load_dataset",
                 "lifetimes.generate_data.beta_geometric_beta_binom_model"):
        assert name in SIGNATURES


@pytest.mark.parametrize("name", sorted(SIGNATURES))
def test_public_name_has_lifetimes_signature(name):
    obj = resolve(name)
    if SIGNATURES[name] == "class":
        assert inspect.isclass(obj)
    else:
        assert str(inspect.signature(obj)) == SIGNATURES[name]


def test_top_level_names():
    modules = {"BetaGeoFitter": "beta_geo_fitter", "ParetoNBDFitter": "pareto_nbd_fitter",
               "GammaGammaFitter": "gamma_gamma_fitter", "ModifiedBetaGeoFitter": "modified_beta_geo_fitter",
               "BetaGeoBetaBinomFitter": "beta_geo_beta_binom_fitter"}
    for name, module in modules.items():
        cls = getattr(lifetimes, name)
        assert cls is resolve(f"lifetimes.fitters.{module}.{name}") and issubclass(cls, lifetimes.BaseFitter)
    assert lifetimes.__version__ == "0.11.3"
    assert issubclass(lifetimes.ModifiedBetaGeoFitter, lifetimes.BetaGeoFitter)


def test_bad_customer_data_is_a_clear_error(cdnow):
    bad = cdnow["recency"].copy()
    bad.iloc[3] = 99.0  # recency > T
    with pytest.raises(cvm.InvalidInputError) as err:
        lifetimes.BetaGeoFitter().fit(cdnow["frequency"], bad, cdnow["T"])
    assert err.value.field == "recency" and err.value.index == 3 and "4" in str(err.value)  # ID label 4
    with pytest.raises(cvm.InvalidInputError) as err:
        lifetimes.ParetoNBDFitter().fit([1.5, 0], [2.0, 0], [3.0, 4.0])
    assert err.value.field == "frequency"
    with pytest.raises(cvm.InvalidInputError) as err:
        lifetimes.GammaGammaFitter().fit([1, 2, 3], [10.0, -1.0, 5.0])
    assert err.value.field == "monetary_value" and err.value.index == 1
    with pytest.raises(cvm.InvalidValueError, match="initial_params"):
        lifetimes.BetaGeoFitter().fit(cdnow["frequency"], cdnow["recency"], cdnow["T"], initial_params=[0.1, 0.1])


def test_unfitted_is_clear():
    m = lifetimes.BetaGeoFitter()
    with pytest.raises(ValueError, match="has not been fit yet"):
        m.conditional_probability_alive(1, 2.0, 3.0)
    assert repr(m) == "<lifetimes.BetaGeoFitter>"
    with pytest.raises(cvm.InvalidValueError, match="missing"):
        m.params_ = {"r": 1.0}
    p = lifetimes.ParetoNBDFitter()
    with pytest.raises(ValueError, match="has not been fit yet"):
        p.conditional_probability_of_n_purchases_up_to_time(1, 10.0, 2, 5.0, 10.0)
    p.params_ = {"r": 0.55, "alpha": 10.6, "s": 0.6, "beta": 11.7}
    with pytest.raises(AttributeError, match="no standard_errors_"):
        p.standard_errors_


def test_argument_errors_name_the_argument():
    log = load_transaction_data()
    with pytest.raises(cvm.UnknownNameError) as err:
        utils.summary_data_from_transaction_data(log, "id", "date", freq="h")
    assert err.value.field == "freq"
    with pytest.raises(cvm.MissingColumnError):
        utils.summary_data_from_transaction_data(log, "customer", "date")
    with pytest.raises(cvm.InvalidValueError) as err:
        load_dataset("CDNOW_master.txt")
    assert "example_transactions.csv" in str(err.value)
    with pytest.raises(cvm.InvalidValueError) as err:
        lifetimes.generate_data.beta_geometric_nbd_model([10.0, 20.0], 0.2, 4.0, 0.8, 2.4, size=3)
    assert err.value.field == "T"
    with pytest.raises(cvm.InvalidValueError) as err:
        lifetimes.generate_data.pareto_nbd_model(10.0, 0.5, 10.0, 0.6, 11.0, size=0)
    assert err.value.field == "size"
    with pytest.raises(cvm.UnknownNameError):
        utils.customer_lifetime_value(None, pd.Series([1.0]), [1.0], [2.0], [3.0], freq="Q")


def test_save_and_load_model(tmp_path, bgf):
    path = tmp_path / "bgf.pkl"
    bgf.save_model(path)
    other = lifetimes.BetaGeoFitter()
    other.load_model(path)
    pd.testing.assert_series_equal(other.params_, bgf.params_)
    pd.testing.assert_frame_equal(other.data, bgf.data)
    pd.testing.assert_frame_equal(other.summary, bgf.summary)
    bgf.save_model(path, save_data=False, save_generate_data_method=False)
    slim = lifetimes.BetaGeoFitter()
    slim.load_model(path)
    assert slim.data is None and slim.generate_new_data is None
    assert bgf.data is not None and callable(bgf.generate_new_data)  # the fitter itself is untouched
    pd.testing.assert_series_equal(slim.params_, bgf.params_)


def test_the_cvm_model_is_behind_the_fitter(bgf, cdnow):
    assert isinstance(bgf.cvm_model, cvm.BetaGeo)
    pred = bgf.cvm_model.predict(cdnow.assign(), t=39, level=0.9)
    np.testing.assert_allclose(pred["expected_purchases"],
                               bgf.conditional_expected_number_of_purchases_up_to_time(39, cdnow["frequency"],
                                                                                       cdnow["recency"], cdnow["T"]),
                               rtol=1e-12)
