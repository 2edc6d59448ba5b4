"""cvm.dask against the one-machine results, on a real two-process Dask cluster: the CDNOW log
and a simulated 1M-customer log split over many partitions by time (a customer's transactions
start in different partitions). The Dask engine is required: without it these tests fail."""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pytest
from scale_support import (
    CDNOW_OPTIONS,
    SIM_OPTIONS,
    SUMMARY_ARGS,
    assert_params,
    assert_same,
    doc_block,
    engine,
    entry_point,
    expected,
    references,
    run_block,
    simulated_log,
    write_parquet,
)

import cvm

dd = engine("dask", "dask.dataframe")
distributed = engine("dask", "distributed")
cvm_dask = engine("dask", "cvm.dask")


@pytest.fixture(scope="module")
def client():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, memory_limit="3GiB",
                                  dashboard_address=":0") as cluster, distributed.Client(cluster) as c:
        yield c


@pytest.fixture(scope="module")
def cdnow(client, cdnow_log):
    one = cvm.summary_from_transactions(cdnow_log, **SUMMARY_ARGS, **CDNOW_OPTIONS)
    log = dd.from_pandas(cdnow_log.sort_values("date", kind="stable"), npartitions=7)
    summary = cvm_dask.summary_from_transactions(log, **SUMMARY_ARGS, **CDNOW_OPTIONS, npartitions=5)
    return summary.persist(), references(one)


@pytest.fixture(scope="module")
def simulated(client, tmp_path_factory):
    log = simulated_log(1_000_000)
    one = cvm.summary_from_transactions(log, **SUMMARY_ARGS, **SIM_OPTIONS)
    ddf = dd.read_parquet(write_parquet(log, tmp_path_factory.mktemp("log"), 24))
    summary = cvm_dask.summary_from_transactions(ddf, **SUMMARY_ARGS, **SIM_OPTIONS, npartitions=16)
    return summary.persist(), references(one)


@pytest.fixture(params=["cdnow", "simulated"])
def case(request):
    return request.getfixturevalue(request.param)


def test_the_cluster_has_two_worker_processes(client):
    pids = client.run(os.getpid)
    assert len(pids) == 2 and len(set(pids.values())) == 2 and os.getpid() not in pids.values()


def test_summary_is_the_one_machine_summary(case):
    summary, ref = case
    assert summary.npartitions > 1 and not summary.known_divisions
    assert summary.index.name == "customer_id"
    got = summary.compute()
    assert got.attrs == {"time_unit": "W"}
    assert_same(got, ref["summary"], tol=0)
    assert dict(summary.dtypes) == dict(ref["summary"].dtypes)


def test_a_customer_is_in_one_partition(simulated):
    summary, ref = simulated
    sizes = summary.map_partitions(len).compute()
    assert len(sizes) == 16 and sizes.min() > 0
    assert sizes.sum() == len(ref["summary"]) > 600_000  # customers born before the calibration end


def test_fits_are_the_one_machine_fits(case):
    summary, ref = case
    assert_params(cvm_dask.fit(cvm.BetaGeo(), summary), ref["bg"])
    assert_params(cvm_dask.fit(cvm.GammaGamma(), summary), ref["gg"])


def test_other_transaction_models_fit_the_same(cdnow):
    summary, ref = cdnow
    one = ref["summary"]
    for model in (cvm.ModifiedBetaGeo, cvm.ParetoNBD):
        assert_params(cvm_dask.fit(model(), summary), model().fit(one))


@pytest.mark.parametrize("what", ["predict", "clv", "stages", "churn", "rules"])
def test_partition_wise_results_are_the_one_machine_results(case, what):
    summary, ref = case
    reasons = len(ref["summary"]) < 10_000  # lists of reason codes for 1M customers: slow, not new
    lazy = entry_point(cvm_dask, what, summary, ref, reasons)
    got = lazy.compute()
    assert_same(got, expected(ref, what, reasons))
    # The declared meta is what the partitions hold (categories included).
    assert dict(lazy.dtypes) == dict(got.dtypes)
    assert lazy._meta.index.dtype == got.index.dtype


def test_the_pipeline_writes_parquet_in_one_pass(cdnow, tmp_path):
    summary, ref = cdnow
    bg = cvm_dask.fit(cvm.BetaGeo(), summary)
    gg = cvm_dask.fit(cvm.GammaGamma(), summary)
    clv = cvm_dask.customer_lifetime_value(bg, gg, summary)
    stages = cvm_dask.loyalty_stages(summary, bg, lapse_window=26)
    out = clv.assign(stage=stages["stage"])
    out.to_parquet(tmp_path / "clv")
    back = pd.read_parquet(tmp_path / "clv")
    assert len(back) == len(ref["summary"])
    assert back["stage"].dtype == ref["stages"]["stage"].dtype
    np.testing.assert_allclose(back["clv"].sort_index().to_numpy(), ref["clv"]["clv"].to_numpy(), rtol=1e-12)


def test_string_ids_and_a_default_observation_end(client, cdnow_log):
    log = cdnow_log.assign(customer_id="c" + cdnow_log["customer_id"].astype(str))
    one = cvm.summary_from_transactions(log, "customer_id", "date", time_unit="W")
    ddf = dd.from_pandas(log, npartitions=3)
    got = cvm_dask.summary_from_transactions(ddf, "customer_id", "date", time_unit="W").compute()
    assert_same(got.set_axis(got.index.astype(object)), one, tol=0)


def test_a_partition_whose_customers_all_start_after_the_calibration_end(client):
    # Customer 1 buys before the calibration end; 2 and 3 only after it: a partition holding
    # only 2 and 3 has no calibration history, which is not an error for the whole log.
    log = pd.DataFrame({"id": [1, 1, 2, 3, 3], "date": pd.to_datetime(
        ["2024-01-01", "2024-02-01", "2024-03-05", "2024-03-02", "2024-03-03"]), "amount": 10.0})
    one = cvm.summary_from_transactions(log, "id", "date", "amount", calibration_period_end="2024-02-15")
    ddf = dd.from_pandas(log, npartitions=2)
    got = cvm_dask.summary_from_transactions(ddf, "id", "date", "amount", calibration_period_end="2024-02-15",
                                             npartitions=3).compute()
    assert_same(got, one, tol=0)


def test_errors_are_the_one_machine_errors(client, cdnow_log):
    ddf = dd.from_pandas(cdnow_log, npartitions=3)
    with pytest.raises(cvm.MissingColumnError, match="amt.*monetary_value_col"):
        cvm_dask.summary_from_transactions(ddf, "customer_id", "date", "amt")
    with pytest.raises(cvm.InvalidValueError) as one:
        cvm.summary_from_transactions(cdnow_log, "customer_id", "date", observation_period_end="1997-06-01")
    with pytest.raises(cvm.InvalidValueError) as dist:
        cvm_dask.summary_from_transactions(ddf, "customer_id", "date", observation_period_end="1997-06-01")
    assert dist.value.field == one.value.field == "date"
    assert "`date` (the log's last transaction): transaction (timestamp 899164800000000000) after " \
           "observation_period_end (865123200000000000)" in str(dist.value)
    assert "after observation_period_end (865123200000000000)" in str(one.value)
    with pytest.raises(cvm.InvalidTypeError, match="dask DataFrame"):
        cvm_dask.summary_from_transactions(cdnow_log, "customer_id", "date")
    summary = cvm_dask.summary_from_transactions(ddf, "customer_id", "date", time_unit="W")
    with pytest.raises(cvm.InvalidTypeError, match="`model`"):
        cvm_dask.fit(cvm.rfm_segments, summary)
    bad = dd.from_pandas(cdnow_log.assign(amount=cdnow_log["amount"].where(cdnow_log.index != 5, -1.0)), 3)
    with pytest.raises(cvm.InvalidValueError, match="amount"):
        cvm_dask.summary_from_transactions(bad, "customer_id", "date", "amount").compute()


def test_the_docs_dask_example_prints_the_pandas_numbers(client, capsys):
    one = run_block(doc_block("cvm.BetaGeo().fit(summary)"), capsys)
    dist = run_block(doc_block("import cvm.dask"), capsys)
    assert one.split() == dist.split() and one.startswith("0.2426 ")


def test_spend_fit_errors_are_the_one_machine_errors(client):
    s = pd.DataFrame({"frequency": [0.0, 0.0, 0.0], "recency": 0.0, "T": [5.0, 6.0, 7.0], "monetary_value": 0.0})
    with pytest.raises(cvm.InvalidValueError) as one:
        cvm.GammaGamma().fit(s)
    with pytest.raises(cvm.InvalidValueError) as dist:
        cvm_dask.fit(cvm.GammaGamma(), dd.from_pandas(s, npartitions=2))
    assert str(dist.value) == str(one.value) and "no repeat buyers" in str(one.value)
    bad = dd.from_pandas(s.assign(monetary_value=[0.0, np.nan, 0.0]), npartitions=2)
    with pytest.raises(cvm.InvalidValueError, match="monetary_value.*NaN.*index label np.int64.1."):
        cvm_dask.fit(cvm.GammaGamma(), bad)


def test_without_the_engine_the_import_error_names_the_extra(tmp_path):
    import subprocess
    import sys

    for engine_name in ("dask", "pyspark"):
        (tmp_path / engine_name).mkdir()
        (tmp_path / engine_name / "__init__.py").write_text(f"raise ImportError('no {engine_name} here')\n")
    code = ("import cvm\nfor m in ('cvm.dask', 'cvm.spark'):\n    try:\n        __import__(m)\n"
            "    except ImportError as e:\n        print(e)\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")])}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert out.splitlines() == [
        "cvm.dask needs dask[dataframe] (and distributed for a cluster): pip install 'cvm[dask]'",
        "cvm.spark needs pyspark and pyarrow: pip install 'cvm[spark]'",
    ]
