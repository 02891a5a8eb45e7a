"""What every result object of the Python API shares (``symcnn.summary``, ``rf``, ``inputs``, ``check``
and ``derive`` return one): JSON, a dict, and the rich display Jupyter asks for.

A subclass defines ``render(fmt, lang, **options)`` (text, markdown, latex, html, json: the documents
the CLI prints) and ``_jupyter_latex()`` (its table as one ``$$\\begin{array}…$$``, the maths MathJax
shows); this mixin derives the rest from them. ``_repr_html_`` is the HTML document's body (MathML, no
JavaScript, so it works offline), ``_repr_markdown_`` the Markdown document.

Owns: Rendered. Never: write a word or a formula (templates do), compute anything.
"""

from __future__ import annotations

import json


class Rendered:
    """Mixin: ``to_json``, ``to_dict`` and ``_repr_html_`` / ``_repr_markdown_`` / ``_repr_latex_``
    from the subclass's ``render`` and ``_jupyter_latex``."""

    __slots__ = ()

    def render(self, fmt: str = "text", lang: str = "en", **options) -> str:   # pragma: no cover - abstract
        raise NotImplementedError

    def _jupyter_latex(self) -> str:   # pragma: no cover - abstract
        raise NotImplementedError

    def to_json(self) -> str:
        """The JSON document, exactly as the CLI's ``--json`` prints it."""
        return self.render("json")

    def to_dict(self) -> dict:
        """The JSON document as a dict."""
        return json.loads(self.to_json())

    def __str__(self) -> str:
        return self.render("text")

    def _repr_html_(self) -> str:
        return self.render("html", standalone=False)

    def _repr_markdown_(self) -> str:
        return self.render("markdown")

    def _repr_latex_(self) -> str:
        return self._jupyter_latex()


__all__ = ["Rendered"]
