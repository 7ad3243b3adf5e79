"""Finished figures: their JSON form made once, so that sending a shared figure again costs no copy.

st.plotly_chart reads a figure through ``to_dict()``, which for a Plotly figure deep-copies every trace and frame
(about 20 ms for the Word-by-word network at 50 words) on every run of every session that shows it. A figure
passed through ``finish`` keeps the dictionary made when it was built and hands it out again (a shallow copy:
figures shared between sessions are never changed). Animation frames built as plain dictionaries can be added
here without Plotly's validation of each frame (most of a 50-frame figure's build time); their numpy arrays are
written as the same base64 typed arrays Plotly writes, so the browser receives the same numbers.
"""

from __future__ import annotations

import base64

import numpy as np
import plotly.graph_objects as go

# numpy dtypes Plotly.js reads as typed arrays, by the short names of its "dtype" field
TYPED = {"int8": "i1", "uint8": "u1", "int16": "i2", "uint16": "u2", "int32": "i4", "uint32": "u4", "float32": "f4",
         "float64": "f8"}  # fmt: skip
NARROWER = {"int64": (np.int8, np.int16, np.int32), "uint64": (np.uint8, np.uint16, np.uint32)}  # as Plotly narrows
PLAIN_KEYS = frozenset({"geojson", "layer", "layers", "range"})  # Plotly never writes these as typed arrays


class SentFigure(go.Figure):
    """A finished Plotly figure: ``to_dict()`` returns the dictionary made by ``finish`` (never changed afterwards)."""

    _sent: dict
    _frames_built: tuple  # the frames as the builder made them: Plotly frames, or dictionaries with numpy arrays

    def to_dict(self) -> dict:
        """The figure's dictionary: a copy of its top level only (data, layout, frames); what they hold is shared
        by every session that shows the figure, so a caller never changes it."""
        return dict(self._sent)

    def to_plotly_json(self) -> dict:
        return self.to_dict()

    @property
    def frames(self) -> tuple[go.Frame, ...]:
        """The frames as Plotly objects, validated when asked for (the pages never ask; tests do)."""
        return tuple(f if isinstance(f, go.Frame) else go.Frame(f) for f in self._frames_built)

    @frames.setter
    def frames(self, value) -> None:
        raise TypeError("a finished figure is shared and never changed: build a new one")

    def __reduce__(self):
        """A copy (copy.deepcopy, pickle) is a new figure from the sent dictionary, finished again."""
        return (_refinished, (self._sent, self._frames_built))


def finish(fig, frames: list[dict] | None = None):
    """``fig`` finished: its dictionary made once, with ``frames`` (plain dictionaries, unvalidated) if given.

    The same object is returned (a Plotly figure's class becomes SentFigure); change nothing in it afterwards.
    Anything else (an HTML strip, a finished figure) comes back as it is.
    """
    if isinstance(fig, SentFigure) or not isinstance(fig, go.Figure):
        return fig
    sent = fig.to_dict()
    built = fig.frames if frames is None else tuple(frames)  # validated already, or validated when asked for
    if frames is not None:
        sent["frames"] = [typed_arrays(frame) for frame in frames]
    fig.__class__ = SentFigure
    fig._sent, fig._frames_built = sent, built
    return fig


def _refinished(sent: dict, frames_built: tuple) -> SentFigure:
    """A finished figure with this dictionary (a copy's, or an unpickled one's)."""
    fig = finish(go.Figure({k: v for k, v in sent.items() if k != "frames"}))
    fig._sent, fig._frames_built = dict(sent), frames_built
    return fig


def typed_arrays(value):
    """``value`` with every numpy array written as Plotly writes it: a base64 typed array for numbers, a list else
    (and a plain list under the keys Plotly leaves as lists: range, layer, layers, geojson)."""
    if isinstance(value, dict):
        return {k: _as_list(v) if k in PLAIN_KEYS else typed_arrays(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [typed_arrays(v) for v in value]
    if isinstance(value, np.ndarray):
        return _typed_array(value)
    return value


def _as_list(value):
    return value.tolist() if isinstance(value, np.ndarray) else value


def _typed_array(array: np.ndarray):
    if array.size == 0 or array.dtype == object:
        return array.tolist()
    narrower = NARROWER.get(str(array.dtype))
    if narrower is not None:  # 64-bit integers: plotly.js reads none, so the narrowest type that holds them
        fits = [t for t in narrower if np.iinfo(t).min <= array.min() and array.max() <= np.iinfo(t).max]
        if not fits:
            return array.tolist()
        array = array.astype(fits[0])
    name = TYPED.get(str(array.dtype))
    if name is None:
        return array.tolist()
    spec = {"dtype": name, "bdata": base64.b64encode(np.ascontiguousarray(array)).decode("ascii")}
    if array.ndim > 1:
        spec["shape"] = str(array.shape)[1:-1]
    return spec
