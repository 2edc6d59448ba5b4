# Type stubs of the native module cvm._cvm (hand-written; keep in sync with cvm-py/src).
from typing import Any, Optional

import numpy as np
import numpy.typing as npt

__version__: str

def summarize(
    customer_id: npt.NDArray[np.int64],
    timestamp_ns: npt.NDArray[np.int64],
    amount: Optional[npt.NDArray[np.float64]] = None,
    *,
    freq: str = "D",
    freq_multiplier: int = 1,
    time_unit: Optional[str] = None,
    observation_end_ns: Optional[int] = None,
    calibration_end_ns: Optional[int] = None,
    include_first_purchase: bool = False,
) -> dict[str, Any]: ...
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
