"""cvm.spark against the one-machine results, on Spark local[2] (one session for the module):
the CDNOW log and a simulated 1M-customer log read from Parquet files split by time (a customer's
transactions start in different files). The Spark engine (and java) is required: without it
these tests fail."""

from __future__ import annotations

import os
import sys

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

sql = engine("spark", "pyspark.sql")
cvm_spark = engine("spark", "cvm.spark")


@pytest.fixture(scope="module")
def spark():
    os.environ["PYSPARK_PYTHON"] = sys.executable  # the executors run this Python (and its cvm)
    session = (
        sql.SparkSession.builder.master("local[2]").appName("cvm-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "8")
        .config("spark.driver.memory", "2g")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def _local(sdf, id_col: str = "customer_id") -> pd.DataFrame:
    return sdf.toPandas().set_index(id_col)


@pytest.fixture(scope="module")
def cdnow(spark, cdnow_log):
    one = cvm.summary_from_transactions(cdnow_log, **SUMMARY_ARGS, **CDNOW_OPTIONS)
    log = spark.createDataFrame(cdnow_log.sort_values("date", kind="stable")).repartition(5)
    summary = cvm_spark.summary_from_transactions(log, **SUMMARY_ARGS, **CDNOW_OPTIONS, num_partitions=6).cache()
    return summary, references(one)


@pytest.fixture(scope="module")
def simulated(spark, tmp_path_factory):
    log = simulated_log(1_000_000)
    one = cvm.summary_from_transactions(log, **SUMMARY_ARGS, **SIM_OPTIONS)
    sdf = spark.read.parquet(str(write_parquet(log, tmp_path_factory.mktemp("log"), 12)))
    summary = cvm_spark.summary_from_transactions(sdf, **SUMMARY_ARGS, **SIM_OPTIONS, num_partitions=8).cache()
    return summary, references(one)


@pytest.fixture(params=["cdnow", "simulated"])
def case(request):
    return request.getfixturevalue(request.param)


def test_the_session_runs_local_with_two_threads(spark):
    assert spark.sparkContext.master == "local[2]"
    assert spark.sparkContext.defaultParallelism == 2


def test_summary_is_the_one_machine_summary(case):
    summary, ref = case
    assert summary.columns[0] == "customer_id" and summary.schema["customer_id"].metadata == {"cvm.customer_id": True}
    assert summary.schema["T"].metadata == {"cvm.time_unit": "W"}
    got = _local(summary)
    want = ref["summary"]
    assert_same(got, want, tol=0)
    assert got.index.dtype == want.index.dtype


def test_fits_are_the_one_machine_fits(case):
    summary, ref = case
    assert_params(cvm_spark.fit(cvm.BetaGeo(), summary), ref["bg"])
    assert_params(cvm_spark.fit(cvm.GammaGamma(), summary), ref["gg"])


def test_pareto_fits_the_same(cdnow):
    summary, ref = cdnow
    assert_params(cvm_spark.fit(cvm.ParetoNBD(), summary), cvm.ParetoNBD().fit(ref["summary"]))


@pytest.mark.parametrize("what", ["predict", "clv", "stages", "churn", "rules"])
def test_partition_wise_results_are_the_one_machine_results(case, what):
    summary, ref = case
    reasons = len(ref["summary"]) < 10_000  # lists of reason codes for 1M customers: slow, not new
    sdf = entry_point(cvm_spark, what, summary, ref, reasons)
    got = _local(sdf)
    want = expected(ref, what, reasons)
    if "reasons" in got.columns and what == "rules":
        got["reasons"] = got["reasons"].map(list)
    # Categoricals come back as strings: compare the labels.
    for col in want.columns:
        if isinstance(want[col].dtype, pd.CategoricalDtype):
            want = want.assign(**{col: want[col].astype(object)})
    assert_same(got, want)


def test_the_pipeline_writes_parquet(cdnow, tmp_path):
    summary, ref = cdnow
    bg = cvm_spark.fit(cvm.BetaGeo(), summary)
    gg = cvm_spark.fit(cvm.GammaGamma(), summary)
    clv = cvm_spark.customer_lifetime_value(bg, gg, summary)
    stages = cvm_spark.loyalty_stages(summary, bg, lapse_window=26)
    clv.join(stages.select("customer_id", "stage"), "customer_id").write.parquet(str(tmp_path / "clv"))
    back = pd.read_parquet(tmp_path / "clv").set_index("customer_id").sort_index()
    assert len(back) == len(ref["summary"])
    np.testing.assert_allclose(back["clv"].to_numpy(), ref["clv"]["clv"].to_numpy(), rtol=1e-12)
    assert back["stage"].tolist() == ref["stages"]["stage"].astype(str).tolist()


def test_string_ids_and_a_summary_read_back_from_parquet(spark, cdnow_log, tmp_path):
    log = cdnow_log.assign(customer_id="c" + cdnow_log["customer_id"].astype(str))
    one = cvm.summary_from_transactions(log, "customer_id", "date", time_unit="W")
    summary = cvm_spark.summary_from_transactions(spark.createDataFrame(log), "customer_id", "date", time_unit="W")
    got = _local(summary)
    assert_same(got, one, tol=0)
    # Parquet keeps the columns' metadata; a plain table without it needs the id and the unit.
    summary.write.parquet(str(tmp_path / "summary"))
    back = spark.read.parquet(str(tmp_path / "summary"))
    bare = spark.createDataFrame(got.reset_index())
    with pytest.raises(cvm.MissingColumnError, match="customer_id_col="):
        cvm_spark.predict(cvm.BetaGeo().fit(one), bare, 10.0)
    for frame, kwargs in ((back, {}), (bare, {"customer_id_col": "customer_id", "time_unit": "W"})):
        fitted = cvm_spark.fit(cvm.BetaGeo(), frame, **kwargs)
        assert_params(fitted, cvm.BetaGeo().fit(one))


def test_errors_are_the_one_machine_errors(spark, cdnow_log):
    sdf = spark.createDataFrame(cdnow_log)
    with pytest.raises(cvm.MissingColumnError, match="amt.*monetary_value_col"):
        cvm_spark.summary_from_transactions(sdf, "customer_id", "date", "amt")
    with pytest.raises(cvm.InvalidValueError, match="last transaction.*after observation_period_end"):
        cvm_spark.summary_from_transactions(sdf, "customer_id", "date", observation_period_end="1997-06-01")
    with pytest.raises(cvm.InvalidTypeError, match="pyspark DataFrame"):
        cvm_spark.summary_from_transactions(cdnow_log, "customer_id", "date")
    summary = cvm_spark.summary_from_transactions(sdf, "customer_id", "date", time_unit="W")
    with pytest.raises(cvm.InvalidTypeError, match="`model`"):
        cvm_spark.fit(cvm.rfm_segments, summary)


def test_the_docs_spark_example_prints_the_pandas_numbers(spark, capsys):
    one = run_block(doc_block("cvm.BetaGeo().fit(summary)"), capsys)
    dist = run_block(doc_block("import cvm.spark"), capsys)
    assert one.split() == dist.split() and one.startswith("0.2426 ")
