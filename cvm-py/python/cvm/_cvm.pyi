# Type stubs of the native module cvm._cvm (hand-written; keep in sync with cvm-py/src).
from typing import Any, Optional, Union

from typing_extensions import final

import numpy as np
import numpy.typing as npt

# The names the module exports, in the order it registers them (cvm-py/src/lib.rs).
__all__ = [
    "__version__", "summarize", "compress", "rfm_segments", "default_segment_table_json", "Model",
    "simulate_model", "cashflow_clv", "cashflow_breakdown", "closed_form_clv",
    "retention_from_survival", "value_decomposition", "value_matrix", "whale_curve",
    "value_cell_migration", "value_path_native", "GammaGammaModel", "BgBbModel", "SbgModel",
    "frequency_monetary_correlation", "customer_lifetime_value_native", "canonical_time_unit",
    "RuleSet", "preset_names", "relationship_trend", "lookalike", "loyalty_names", "parse_stages",
    "loyalty_stages_native", "loyalty_levels_native", "churn_risk_native",
    "churn_probability_native", "churn_types_native", "stage_migration_native",
    "default_fee_schedule_json", "fee_schedule_json", "fee_schedule", "dormant_transitions",
    "CustomerValueReportNative", "playbook_default_json", "playbook_normalize",
    "customer_value_report_native", "select_campaign_native", "ChurnCalibrator", "churn_report",
    "CovariateModel", "customer_lifetime_value_covariates",
]

__version__: str

def summarize(
    customer_id: Union[
        npt.NDArray[np.int64], npt.NDArray[np.object_], tuple[npt.NDArray[np.int64], npt.NDArray[np.uint8]]
    ],
    timestamp: npt.NDArray[np.int64],
    amount: Optional[npt.NDArray[np.float64]] = None,
    *,
    timestamp_unit: str,
    freq: str = "D",
    freq_multiplier: int = 1,
    time_unit: Optional[str] = None,
    observation_end: Optional[int] = None,
    calibration_end: Optional[int] = None,
    include_first_purchase: bool = False,
    negative_amounts: str = "error",
) -> tuple[
    Optional[dict[str, Any]], Optional[Union[npt.NDArray[np.object_], npt.NDArray[np.int64]]], Optional[int]
]: ...
def compress(
    frequency: npt.NDArray[np.float64],
    recency: npt.NDArray[np.float64],
    t: npt.NDArray[np.float64],
) -> dict[str, Any]: ...
def rfm_segments(
    frequency: npt.NDArray[np.float64],
    recency: npt.NDArray[np.float64],
    t: npt.NDArray[np.float64],
    monetary_value: Optional[npt.NDArray[np.float64]] = None,
    table_json: Optional[str] = None,
) -> dict[str, Any]: ...
def default_segment_table_json() -> str: ...

# value area: per-period inputs are (kind, values, n_periods) with kind "constant" (one value),
# "schedule", "per_customer" or "matrix" (row-major customers × n_periods).
_SeriesArg = tuple[str, npt.NDArray[np.float64], int]

def cashflow_clv(
    revenue: _SeriesArg,
    cost: _SeriesArg,
    margin: _SeriesArg,
    retention: _SeriesArg,
    acquisition_cost: _SeriesArg,
    discount_rate: float,
    periods: Optional[int],
    timing: str,
    convention: str,
) -> npt.NDArray[np.float64]: ...
def cashflow_breakdown(
    revenue: _SeriesArg,
    cost: _SeriesArg,
    margin: _SeriesArg,
    retention: _SeriesArg,
    acquisition_cost: _SeriesArg,
    discount_rate: float,
    periods: Optional[int],
    timing: str,
    convention: str,
    customer: int,
    min_rows: int,
) -> dict[str, Any]: ...
def closed_form_clv(
    margin: float,
    retention: float,
    discount_rate: float,
    periods: Optional[int],
    timing: str,
    convention: str,
) -> float: ...
def retention_from_survival(
    survival: npt.NDArray[np.float64], n_points: int
) -> npt.NDArray[np.float64]: ...
def value_decomposition(
    realised: Optional[npt.NDArray[np.float64]],
    realised_periods: Optional[int],
    rate: float,
    potential: Optional[npt.NDArray[np.float64]],
    influence: Optional[npt.NDArray[np.float64]],
    referrals: Optional[_SeriesArg],
    conversion: Optional[_SeriesArg],
    referral_value: Optional[_SeriesArg],
    satisfaction: Optional[npt.NDArray[np.float64]] = None,
    satisfaction_scale: tuple[float, float] = ...,
    satisfaction_threshold: float = 4.0,
    satisfaction_missing: str = "error",
    plain_referrals: bool = False,
) -> dict[str, npt.NDArray[np.float64]]: ...
def value_matrix(
    current: npt.NDArray[np.float64],
    potential: npt.NDArray[np.float64],
    current_thresholds: Optional[list[float]],
    current_quantile: bool,
    potential_thresholds: Optional[list[float]],
    potential_quantile: bool,
    grid: Optional[int],
    labels: Optional[list[str]],
    strategies: Optional[list[str]],
    strategy_set: str = "source",
) -> dict[str, Any]: ...
def value_cell_migration(
    ids_before: npt.NDArray[np.int64],
    cells_before: npt.NDArray[np.uint64],
    ids_after: npt.NDArray[np.int64],
    cells_after: npt.NDArray[np.uint64],
    n_cells: int,
    policy: str,
) -> dict[str, Any]: ...
def value_path_native(
    current: npt.NDArray[np.float64],
    potential: npt.NDArray[np.float64],
    n_periods: int,
    current_thresholds: Optional[list[float]],
    current_quantile: bool,
    potential_thresholds: Optional[list[float]],
    potential_quantile: bool,
    grid: Optional[int],
) -> dict[str, Any]: ...
def whale_curve(
    profit: npt.NDArray[np.float64],
    top: float,
    bottom: float,
    at: Optional[list[float]] = None,
) -> dict[str, Any]: ...

# --- selection ---
_Columns = tuple[
    list[tuple[str, npt.NDArray[np.float64]]],
    list[tuple[str, npt.NDArray[np.uint8]]],
    list[tuple[str, npt.NDArray[np.int32], list[str]]],
]

@final
class RuleSet:
    @staticmethod
    def from_json(text: str) -> RuleSet: ...
    @staticmethod
    def preset(
        name: str,
        numbers: list[tuple[str, float]] = ...,
        texts: list[tuple[str, str]] = ...,
        renames: list[tuple[str, str]] = ...,
    ) -> RuleSet: ...
    def to_json(self) -> str: ...
    @property
    def name(self) -> Optional[str]: ...
    @property
    def attributes(self) -> list[str]: ...
    @property
    def decision_names(self) -> list[str]: ...
    @property
    def rule_names(self) -> list[str]: ...
    def rename_attribute(self, old: str, new: str) -> tuple[RuleSet, int]: ...
    def validate(self) -> None: ...
    def evaluate(self, columns: _Columns, n_rows: int, reasons: bool = True) -> dict[str, Any]: ...

def preset_names() -> list[str]: ...
def relationship_trend(
    profit: npt.NDArray[np.float64],
    n_periods: int,
    high_level: Optional[float] = None,
    slope_tolerance: float = 0.05,
    slope_scale: str = "relative",
) -> dict[str, Any]: ...
def lookalike(
    candidates: _Columns,
    loyal: _Columns,
    features: list[str],
    k: int,
    standardization: str = "loyal",
) -> dict[str, Any]: ...

# -- loyalty ----------------------------------------------------------------------------------
_F64 = npt.NDArray[np.float64]
_Bool = npt.NDArray[np.bool_]

def loyalty_names() -> dict[str, list[str]]: ...
def parse_stages(names: list[str], field: str) -> npt.NDArray[np.uint8]: ...
def loyalty_stages_native(
    frequency: _F64,
    recency: _F64,
    t: _F64,
    purchased: Optional[_Bool] = None,
    interest: Optional[_F64] = None,
    referrals: Optional[_F64] = None,
    reviews: Optional[_F64] = None,
    recommendations: Optional[_F64] = None,
    p_alive: Optional[_F64] = None,
    prospect_min_interest: Optional[float] = None,
    repeat_min_frequency: Optional[float] = None,
    advocate_min_referrals: Optional[float] = None,
    advocate_min_reviews: Optional[float] = None,
    advocate_min_recommendations: Optional[float] = None,
    p_alive_threshold: Optional[float] = None,
    lapse_window: Optional[float] = None,
) -> dict[str, Any]: ...
def loyalty_levels_native(
    belief_better: Optional[_F64] = None,
    satisfaction: Optional[_F64] = None,
    repurchase_intent: Optional[_F64] = None,
    repeat_despite_obstacles: Optional[_F64] = None,
    belief_threshold: Optional[float] = None,
    satisfaction_threshold: Optional[float] = None,
    intent_threshold: Optional[float] = None,
    obstacles_threshold: Optional[float] = None,
    rule: str = "cumulative",
    missing: str = "error",
) -> dict[str, Any]: ...
def churn_probability_native(
    model: Union[Model, BgBbModel], frequency: _F64, recency: _F64, t: _F64, horizon: float
) -> _F64: ...
def churn_risk_native(
    model: Union[Model, BgBbModel],
    frequency: _F64,
    recency: _F64,
    t: _F64,
    horizon: float,
    clv: Optional[_F64] = None,
    medium_threshold: Optional[float] = None,
    high_threshold: Optional[float] = None,
    at_risk_threshold: Optional[float] = None,
) -> dict[str, Any]: ...
def churn_types_native(
    moved_or_died: Optional[_Bool] = None,
    competitor: Optional[_Bool] = None,
    our_fault: Optional[_Bool] = None,
    dissatisfied: Optional[_Bool] = None,
    payment_lapse: Optional[_Bool] = None,
) -> dict[str, Any]: ...
def stage_migration_native(
    ids_before: npt.NDArray[np.int64],
    stages_before: npt.NDArray[np.uint8],
    ids_after: npt.NDArray[np.int64],
    stages_after: npt.NDArray[np.uint8],
    policy: str = "strict",
) -> dict[str, Any]: ...

# -- lifetime2: Gamma-Gamma, BG/BB, sBG, probabilistic CLV --------------------------------------

@final
class GammaGammaModel:
    @staticmethod
    def fit(frequency: _F64, monetary_value: _F64, weights: Optional[_F64] = None, penalizer: float = 0.0,
            max_iterations: Optional[int] = None, tolerance: Optional[float] = None,
            initial: Optional[list[float]] = None,
            time_unit: Optional[str] = None) -> GammaGammaModel: ...
    @staticmethod
    def from_params(params: list[float], time_unit: Optional[str] = None) -> GammaGammaModel: ...
    @property
    def time_unit(self) -> Optional[str]: ...
    def with_time_unit(self, time_unit: Optional[str]) -> GammaGammaModel: ...
    @staticmethod
    def from_json(text: str) -> GammaGammaModel: ...
    def to_json(self) -> str: ...
    @property
    def params(self) -> list[float]: ...
    @property
    def diagnostics(self) -> Optional[dict[str, Any]]: ...
    @property
    def covariance(self) -> Optional[list[list[float]]]: ...
    @property
    def standard_errors(self) -> Optional[list[float]]: ...
    def confidence_intervals(self, level: float) -> list[tuple[float, float]]: ...
    @property
    def has_finite_mean(self) -> bool: ...
    def population_mean_spend(self) -> float: ...
    def conditional_expected_average_spend(self, frequency: _F64, monetary_value: _F64) -> _F64: ...
    def conditional_expected_average_spend_interval(self, frequency: _F64, monetary_value: _F64, level: float) -> tuple[_F64, _F64, _F64]: ...
    def log_likelihood_individual(self, frequency: _F64, monetary_value: _F64) -> _F64: ...

def frequency_monetary_correlation(frequency: _F64, monetary_value: _F64, weights: Optional[_F64] = None) -> float: ...

@final
class BgBbModel:
    @staticmethod
    def fit(frequency: _F64, recency: _F64, n_periods: _F64, weights: Optional[_F64] = None, penalizer: float = 0.0,
            max_iterations: Optional[int] = None, tolerance: Optional[float] = None,
            initial: Optional[list[float]] = None,
            time_unit: Optional[str] = None) -> BgBbModel: ...
    @staticmethod
    def from_params(params: list[float], time_unit: Optional[str] = None) -> BgBbModel: ...
    @property
    def time_unit(self) -> Optional[str]: ...
    def with_time_unit(self, time_unit: Optional[str]) -> BgBbModel: ...
    @staticmethod
    def from_json(text: str) -> BgBbModel: ...
    def to_json(self) -> str: ...
    @property
    def params(self) -> list[float]: ...
    @property
    def diagnostics(self) -> Optional[dict[str, Any]]: ...
    @property
    def covariance(self) -> Optional[list[list[float]]]: ...
    @property
    def standard_errors(self) -> Optional[list[float]]: ...
    def confidence_intervals(self, level: float) -> list[tuple[float, float]]: ...
    def conditional_probability_alive(self, m: int, frequency: _F64, recency: _F64, n_periods: _F64) -> _F64: ...
    def conditional_expected_transactions(self, m: int, frequency: _F64, recency: _F64, n_periods: _F64) -> _F64: ...
    def conditional_expected_transactions_interval(self, m: float, frequency: _F64, recency: _F64, n_periods: _F64, level: float) -> tuple[_F64, _F64, _F64]: ...
    def expected_transactions_new_customer(self, n: int) -> float: ...
    def probability_of_n_transactions(self, x: int, n: int) -> float: ...
    def simulate(self, n_customers: int, n_periods: int, seed: int) -> tuple[_F64, _F64]: ...
    def log_likelihood(self, frequency: _F64, recency: _F64, n_periods: _F64, weights: Optional[_F64] = None) -> float: ...

@final
class SbgModel:
    @staticmethod
    def fit_cohort(alive: _F64, penalizer: float = 0.0, max_iterations: Optional[int] = None,
                   tolerance: Optional[float] = None, initial: Optional[list[float]] = None,
            time_unit: Optional[str] = None) -> SbgModel: ...
    @staticmethod
    def fit(duration: _F64, still_active: _F64, weights: Optional[_F64] = None, penalizer: float = 0.0,
            max_iterations: Optional[int] = None, tolerance: Optional[float] = None,
            initial: Optional[list[float]] = None,
            time_unit: Optional[str] = None) -> SbgModel: ...
    @staticmethod
    def from_params(params: list[float], time_unit: Optional[str] = None) -> SbgModel: ...
    @property
    def time_unit(self) -> Optional[str]: ...
    def with_time_unit(self, time_unit: Optional[str]) -> SbgModel: ...
    @staticmethod
    def from_json(text: str) -> SbgModel: ...
    def to_json(self) -> str: ...
    @property
    def params(self) -> list[float]: ...
    @property
    def diagnostics(self) -> Optional[dict[str, Any]]: ...
    @property
    def covariance(self) -> Optional[list[list[float]]]: ...
    @property
    def standard_errors(self) -> Optional[list[float]]: ...
    def confidence_intervals(self, level: float) -> list[tuple[float, float]]: ...
    def log_likelihood_cohort(self, alive: _F64) -> float: ...
    def survival(self, t: _F64) -> _F64: ...
    def churn_probability(self, t: _F64) -> _F64: ...
    def retention_rate(self, t: _F64) -> _F64: ...
    def survival_curve(self, n_periods: int) -> _F64: ...
    def retention_curve(self, n_periods: int) -> _F64: ...
    def derl(self, discount_rate: float, renewals: _F64) -> _F64: ...
    def expected_lifetime_value(self, margin: float, discount_rate: float) -> float: ...

def customer_lifetime_value_native(
    transaction_model: Any,
    spend_model: GammaGammaModel,
    frequency: _F64,
    recency: _F64,
    t: _F64,
    monetary_value: _F64,
    horizon: float = 12.0,
    time_unit: str = "M",
    data_time_unit: Optional[str] = None,
    discount_rate: float = 0.01,
    margin: float = 1.0,
    method: str = "continuous",
    level: Optional[float] = None,
) -> dict[str, _F64]: ...

def canonical_time_unit(name: str, field: str) -> str: ...

# -- lifetime models: BG/NBD, MBG/NBD, Pareto/NBD (cvm-py/src/models.rs) ------------------------
@final
class Model:
    @staticmethod
    def fit(model: str, frequency: _F64, recency: _F64, t: _F64, weights: Optional[_F64] = None,
            penalizer: float = 0.0, max_iterations: Optional[int] = None, tolerance: Optional[float] = None,
            initial: Optional[list[float]] = None,
            time_unit: Optional[str] = None) -> Model: ...
    @staticmethod
    def from_params(model: str, params: list[float], time_unit: Optional[str] = None) -> Model: ...
    @property
    def time_unit(self) -> Optional[str]: ...
    def with_time_unit(self, time_unit: Optional[str]) -> Model: ...
    @staticmethod
    def from_json(text: str) -> Model: ...
    def to_json(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def param_names(self) -> list[str]: ...
    @property
    def params(self) -> list[float]: ...
    @property
    def diagnostics(self) -> Optional[dict[str, Any]]: ...
    @property
    def covariance(self) -> Optional[list[list[float]]]: ...
    @property
    def standard_errors(self) -> Optional[list[float]]: ...
    def confidence_intervals(self, level: float) -> list[tuple[float, float]]: ...
    def conditional_expected_purchases(self, horizon: float, frequency: _F64, recency: _F64, t_cal: _F64) -> _F64: ...
    def probability_alive(self, frequency: _F64, recency: _F64, t_cal: _F64) -> _F64: ...
    def probability_alive_and_expected_purchases(self, horizon: float, frequency: _F64, recency: _F64,
                                                 t_cal: _F64) -> tuple[_F64, _F64]: ...
    def probability_alive_interval(self, frequency: _F64, recency: _F64, t_cal: _F64, level: float) -> tuple[_F64, _F64, _F64]: ...
    def conditional_expected_purchases_interval(self, horizon: float, frequency: _F64, recency: _F64, t_cal: _F64,
                                                level: float) -> tuple[_F64, _F64, _F64]: ...
    def expected_purchases_new_customer(self, horizon: _F64) -> _F64: ...
    def probability_of_n_purchases(self, n: int, horizon: float) -> float: ...
    def log_likelihood_individual(self, frequency: _F64, recency: _F64, t_cal: _F64) -> _F64: ...
    def expected_cumulative_transactions(self, birth: _F64, times: _F64) -> _F64: ...
    def dert(self, frequency: _F64, recency: _F64, t_cal: _F64, delta: float) -> _F64: ...
    def conditional_probability_of_n_purchases(self, n: int, t: float, frequency: _F64, recency: _F64,
                                                t_cal: _F64) -> _F64: ...
    def calibration_holdout_table(self, frequency: _F64, recency: _F64, t_cal: _F64, frequency_holdout: _F64,
                                  duration_holdout: float, max_frequency: int) -> dict[str, _F64]: ...
    def repeat_histogram(self, frequency: _F64, t_cal: _F64, max_count: int) -> dict[str, Any]: ...

def simulate_model(model: str, params: list[float], n_customers: int, calibration_end: float,
                   birth_window: float = 0.0, holdout_length: float = 0.0, seed: int = 42,
                   transactions: bool = False) -> dict[str, Any]: ...

# -- fee schedule and dormant transitions (cvm.fees) ------------------------------------------
def default_fee_schedule_json() -> str: ...
def fee_schedule_json(text: str) -> str: ...
def fee_schedule(
    account_id: npt.NDArray[np.int64],
    customer_id: npt.NDArray[np.int64],
    timestamp: npt.NDArray[np.int64],
    value: npt.NDArray[np.float64],
    timestamp_unit: str,
    input: str,
    opening_account_id: npt.NDArray[np.int64],
    opening_balance: npt.NDArray[np.float64],
    first_month: Optional[int],
    last_month: Optional[int],
    average_over: str,
    schedule_json: str,
    tier_customer_id: npt.NDArray[np.int64],
    tiers: list[str],
    default_tier: Optional[str],
) -> dict[str, Any]: ...
def dormant_transitions(
    rules: RuleSet,
    dormant_decision: str,
    before_id: npt.NDArray[np.int64],
    before: _Columns,
    after_id: npt.NDArray[np.int64],
    after: _Columns,
) -> dict[str, Any]: ...
# decision
def playbook_default_json() -> str: ...
def playbook_normalize(json: str) -> str: ...

@final
class CustomerValueReportNative:
    def columns(self) -> list[tuple[str, str, Any]]: ...
    def to_csv(self) -> str: ...
    def to_html(self, title: str) -> str: ...
    def __len__(self) -> int: ...

def customer_value_report_native(
    ids: list[str], realised: Optional[_F64] = None, potential: Optional[_F64] = None,
    influence: Optional[_F64] = None, clv: Optional[_F64] = None, matrix_cell: Optional[list[str]] = None,
    strategy: Optional[list[str]] = None, loyalty_stage: Optional[list[str]] = None,
    loyalty_level: Optional[list[str]] = None, churn_probability: Optional[_F64] = None,
    elastic: Optional[np.ndarray] = None, big_customer_risk: Optional[list[Optional[str]]] = None,
    dormant: Optional[np.ndarray] = None, fee_due: Optional[np.ndarray] = None,
    decision: Optional[list[str]] = None, decision_reasons: Optional[list[str]] = None,
    playbook: Optional[str] = None,
) -> CustomerValueReportNative: ...
def select_campaign_native(clv: _F64, uplift: _F64, cost: _F64, budget: float, method: str,
                           constant_cost: bool = False, segment: Optional[np.ndarray] = None,
                           draws: Optional[int] = None, seed: int = 0) -> dict[str, Any]: ...

# -- churn calibration and evaluation (cvm.churn) ------------------------------------------------
@final
class ChurnCalibrator:
    @staticmethod
    def fit(scores: _F64, churned: np.ndarray, weights: Optional[_F64], method: str) -> ChurnCalibrator: ...
    def transform(self, scores: _F64) -> _F64: ...
    @staticmethod
    def from_json(text: str) -> ChurnCalibrator: ...
    def to_json(self) -> str: ...
    @property
    def method(self) -> str: ...
    def blocks(self) -> Optional[dict[str, _F64]]: ...
    def platt_params(self) -> Optional[tuple[float, float]]: ...

def churn_report(probability: _F64, churned: np.ndarray, score: Optional[_F64], baseline: Optional[_F64],
                 bins: int) -> dict[str, Any]: ...

# -- covariates: models whose parameters depend on each customer's covariates -------------------

# One covariate column: (name, float64 values) or (name, int64 codes, levels, reference level).
_Column = Union[tuple[str, _F64], tuple[str, npt.NDArray[np.int64], list[str], Optional[str]]]
_Process = Optional[list[_Column]]

@final
class CovariateModel:
    @staticmethod
    def fit(model: str, frequency: _F64, recency: _F64, t: _F64, transaction: _Process = None,
            lifetime: _Process = None, l2: float = 0.0, shared: list[str] = ..., penalizer: float = 0.0,
            max_iterations: Optional[int] = None, tolerance: Optional[float] = None,
            time_unit: Optional[str] = None) -> CovariateModel: ...
    @staticmethod
    def fit_spend(frequency: _F64, monetary_value: _F64, spend: _Process, l2: float = 0.0, penalizer: float = 0.0,
                  max_iterations: Optional[int] = None, tolerance: Optional[float] = None,
                  time_unit: Optional[str] = None) -> CovariateModel: ...
    @staticmethod
    def from_json(text: str) -> CovariateModel: ...
    def to_json(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def param_names(self) -> list[str]: ...
    @property
    def params(self) -> list[float]: ...
    @property
    def n_base(self) -> int: ...
    @property
    def time_unit(self) -> Optional[str]: ...
    @property
    def diagnostics(self) -> Optional[dict[str, Any]]: ...
    @property
    def plain_log_likelihood(self) -> float: ...
    @property
    def l2(self) -> float: ...
    @property
    def columns(self) -> list[tuple[str, list[str]]]: ...
    @property
    def levels(self) -> list[tuple[str, str, list[str], str]]: ...
    @property
    def log_covariance(self) -> Optional[list[list[float]]]: ...
    @property
    def standard_errors(self) -> Optional[list[float]]: ...
    def confidence_intervals(self, level: float) -> list[tuple[float, float]]: ...
    def likelihood_ratio_test(self) -> tuple[float, int, float]: ...
    def customer_params(self, n: int, transaction: _Process = None, lifetime: _Process = None,
                        spend: _Process = None) -> list[list[float]]: ...
    def log_likelihood_individual(self, a: _F64, b: _F64, c: _F64, transaction: _Process = None,
                                  lifetime: _Process = None, spend: _Process = None) -> _F64: ...
    def probability_alive_after(self, m: int, frequency: _F64, recency: _F64, n_periods: _F64,
                                transaction: _Process = None, lifetime: _Process = None) -> _F64: ...
    def conditional_expected_average_spend(self, frequency: _F64, monetary_value: _F64,
                                           spend: _Process = None) -> _F64: ...
    def conditional_expected_average_spend_interval(self, frequency: _F64, monetary_value: _F64, level: float,
                                                    spend: _Process = None) -> tuple[_F64, _F64, _F64]: ...
    def probability_alive(self, frequency: _F64, recency: _F64, t_cal: _F64, transaction: _Process = None,
                          lifetime: _Process = None) -> _F64: ...
    def conditional_expected_purchases(self, horizon: float, frequency: _F64, recency: _F64, t_cal: _F64,
                                       transaction: _Process = None, lifetime: _Process = None) -> _F64: ...
    def probability_alive_interval(self, frequency: _F64, recency: _F64, t_cal: _F64, level: float,
                                   transaction: _Process = None,
                                   lifetime: _Process = None) -> tuple[_F64, _F64, _F64]: ...
    def conditional_expected_purchases_interval(self, horizon: float, frequency: _F64, recency: _F64, t_cal: _F64,
                                                level: float, transaction: _Process = None,
                                                lifetime: _Process = None) -> tuple[_F64, _F64, _F64]: ...
    def probability_of_n_purchases(self, horizon: float, n: int, n_customers: int, transaction: _Process = None,
                                   lifetime: _Process = None) -> _F64: ...

def customer_lifetime_value_covariates(
    transaction_model: Union[Model, BgBbModel, CovariateModel], spend_model: Union[GammaGammaModel, CovariateModel],
    frequency: _F64, recency: _F64, t: _F64, monetary_value: _F64, transaction: _Process = None,
    lifetime: _Process = None, spend: _Process = None, horizon: float = 12.0, time_unit: str = "M",
    data_time_unit: Optional[str] = None, discount_rate: float = 0.01, margin: float = 1.0,
    method: str = "continuous", level: Optional[float] = None,
) -> dict[str, Any]: ...
