"""Read arrays back out of a Plotly figure's JSON (Plotly writes numpy arrays as base64 typed arrays)."""

from __future__ import annotations

import base64

import numpy as np


def array(value) -> np.ndarray:
    """A figure attribute (plain list or {"dtype", "bdata", "shape"}) as a float array."""
    if isinstance(value, dict) and "bdata" in value:
        flat = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
        shape = value.get("shape")
        if isinstance(shape, str):
            shape = [int(s) for s in shape.split(",")]
        return flat.reshape(shape) if shape else flat
    return np.asarray(value, dtype=float)
