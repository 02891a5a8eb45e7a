"""``Summary``: the summary of a traced net as a data object (what ``symcnn.summary`` returns).

A thin object: the Trace and the options of ``jsonout.render_summary`` (``convention``, ``subs`` and
any other option it takes, passed through). Its numbers are attributes (``total_params``,
``total_macs``, ``output_shape``, ``rows`` ...) read from ``table.rows``; its documents are those of
``symcnn summary`` (``render``, ``to_json``), and it shows itself in Jupyter (core.notebook).

Owns: Summary. Never: compute a row or a total itself (table.rows does), format text (templates do).
"""

from __future__ import annotations

from functools import cached_property

from ..core.collector import paused
from ..core.notebook import Rendered
from ..core.render import render as render_template
from ..flops import conventions
from ..tracing.tracedata import Trace
from .jsonout import render_summary
from .summary import Values, constraints, fold_bounds
from .table import rows


class Summary(Rendered):
    """The summary table of a traced net: layer, type, output shape, params, MACs (and FLOPs under
    ``convention`` when one is given), the totals and the conditions the net needs.

    >>> s = Summary(trace)                                # doctest: +SKIP
    >>> s.total_params, s.output_shape                    # doctest: +SKIP
    (62378344, (1, 1000))
    """

    def __init__(self, trace: Trace, *, convention: str | None = None, subs: dict | None = None,
                 lang: str = "en", **options):
        if convention is not None:
            conventions.convention(convention)   # an unknown name: InputError now, not at display
        self.trace, self.convention, self.subs, self.lang = trace, convention, dict(subs or {}), lang
        self.options = options

    # --- the numbers ---------------------------------------------------------------------------------
    @cached_property
    def _data(self) -> dict:
        mem = {k: self.options[k] for k in ("memory_convention", "dtype") if k in self.options}
        return rows(self.trace, convention=self.convention or conventions.DEFAULT, subs=self.subs, **mem)

    @property
    def rows(self) -> list[dict]:
        """One dict a traced call: name (name#n for repeated calls), type, line, output (a shape),
        params, macs, flops, shared; values as SymPy expressions, ``subs`` applied."""
        return self._data["rows"]

    @property
    def total_params(self):
        return self._data["total"]["params"]

    @property
    def trainable_params(self):
        """Parameters with requires_grad (each parameter object once, as model.parameters() gives them)."""
        return self._data["total"]["trainable_params"]

    @property
    def non_trainable_params(self):
        return self._data["total"]["non_trainable_params"]

    @property
    def memory(self) -> dict:
        """The memory figures in bytes under the ``memory_convention`` given (symcnn's by default):
        convention, dtype, input, forward_backward, params, total."""
        return self._data["memory"]

    @property
    def total_macs(self):
        return self._data["total"]["macs"]

    @property
    def total_flops(self):
        """FLOPs under ``convention`` (the default convention when none was given)."""
        return self._data["total"]["flops"]

    @property
    def input_shape(self) -> tuple:
        return self._data["input_shape"]

    @property
    def output_shape(self) -> tuple:
        return self._data["output_shape"]

    @property
    def constraints(self) -> list:
        """The conditions the net needs of its input sizes, as SymPy relations, the size bounds folded
        into the strongest (H ≥ 16); those ``subs`` satisfies are left out."""
        return fold_bounds(constraints(self.trace, Values(self.subs)))

    @property
    def model(self) -> str:
        return self.trace.model

    @property
    def backend(self) -> str:
        """How the model ran: ``stand-in`` (symcnn's torch stand-in) or ``torch`` (real torch)."""
        return self.trace.backend

    # --- the documents -------------------------------------------------------------------------------
    @paused
    def render(self, fmt: str = "text", lang: str | None = None, **options) -> str:
        """The summary as ``symcnn summary`` prints it: text, markdown, latex, html or json; ``options``
        as render_summary takes them (standalone, layout, ...) override those given at construction."""
        return render_summary(self.trace, fmt=fmt, lang=lang or self.lang, convention=self.convention,
                              subs=self.subs or None, **(self.options | options))

    def _jupyter_latex(self) -> str:
        return render_template("jupyter/summary", "latex", self.lang, **self._data,
                               layout=self.options.get("layout", "nchw"))

    def __repr__(self) -> str:
        return f"<Summary of {self.model}: {len(self.rows)} rows, params {self.total_params}>"


__all__ = ["Summary"]
