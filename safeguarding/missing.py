"""What counts as no value in a figure: None, NaN, or pandas' NA. Without importing pandas (a
frame is the only thing that holds NA, so pandas is loaded whenever NA can occur)."""

from __future__ import annotations

import math
from typing import Any


def is_missing(value: Any) -> bool:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return True
    return type(value).__name__ == "NAType" and type(value).__module__.startswith("pandas")
