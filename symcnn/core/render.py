"""The one jinja2 environment every area renders its data with, in text, Markdown and LaTeX.

One cached environment per (format, language, template dir); every filter is registered here, in
``_filters``; words come from the message catalogue templates/i18n/<lang>.toml (adding a language is
adding a catalogue, no code). LaTeX templates use ((* *)), ((( ))), ((= =)) so that TeX braces
never clash with Jinja. The loader searches --template-dir first, then the package ``symcnn.templates``
(an installed wheel) or the top-level templates/ of the source tree.

Owns: environment(), render(name, fmt, lang, **ctx), catalogue(lang), the filters.
Never: know what it renders (each area passes its own data: solutions, flops, analysis, grading),
compute anything, or write words in Python (templates and catalogues do).
"""

from __future__ import annotations

import string
import tomllib
import unicodedata
from functools import lru_cache
from importlib import resources
from pathlib import Path

import jinja2
from sympy import Basic, Integer, Mul, sympify

from . import fmt as _fmt
from .errors import InputError
from .intarith import FloorDiv
from .tplcache import bytecode_cache

FORMATS = {"text": "text", "markdown": "md", "latex": "tex"}
_REL = {"text": {"eq": "=", "ne": "≠", "ge": "≥", "le": "≤", "gt": ">", "lt": "<"},
        "latex": {"eq": "=", "ne": r"\neq", "ge": r"\geq", "le": r"\leq", "gt": ">", "lt": "<"}}
_TEX = {"×": r"$\times$", "·": r"$\cdot$", "⌊": r"$\lfloor$", "⌋": r"$\rfloor$", "⌈": r"$\lceil$",
        "⌉": r"$\rceil$", "−": "-", "≥": r"$\geq$", "≤": r"$\leq$", "→": r"$\to$",
        "\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
        "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}", "|": r"$|$",
        "∈": r"$\in$", "≡": r"$\equiv$", "⇔": r"$\Leftrightarrow$", "≠": r"$\neq$", "–": "--"}


def template_root() -> Path:
    """templates/ of an installed wheel (package symcnn.templates) or of the source tree."""
    try:
        root = resources.files("symcnn.templates")
        if root.joinpath("derivation.text.j2").is_file():
            return Path(str(root))
    except ModuleNotFoundError:
        pass
    return Path(__file__).resolve().parents[2] / "templates"


def languages() -> list[str]:
    return sorted(p.stem for p in (template_root() / "i18n").glob("*.toml"))


@lru_cache(maxsize=None)
def catalogue(lang: str) -> dict:
    """The messages of one language: templates/i18n/<lang>.toml."""
    path = template_root() / "i18n" / f"{lang}.toml"
    if not path.is_file():
        raise InputError(f"no message catalogue for language {lang!r}",
                         fix=f"use one of: {', '.join(languages())}")
    return _toml(path)


def _toml(path: Path) -> dict:
    with path.open("rb") as f:
        return tomllib.load(f)


# --- filters ------------------------------------------------------------------------------------
def tex_escape(s) -> str:
    return "".join(_TEX.get(c, c) for c in str(s))


def md_escape(s) -> str:
    return "".join("\\" + c if c in "\\`*_[]|<>#" else c for c in str(s))


def _int(e) -> bool:
    return isinstance(e, (int, Integer)) and not isinstance(e, bool)


def _math(kind: str):
    def math(e) -> str:
        if isinstance(e, str):
            return e
        e = sympify(e) if not isinstance(e, Basic) else e
        if kind == "text":
            return _fmt.number(e) if _int(e) else _fmt.text(e)
        if _int(e):
            return _fmt.number(e).replace(",", "{,}")
        return _fmt.latex(e)
    return math


def _number(kind: str):
    math = _math(kind)

    def number(e) -> str:
        if _int(e) or kind == "text":
            return _fmt.number(sympify(e)) if not isinstance(e, str) else e
        return f"${math(e)}$"
    return number


def _terms(kind: str):
    number = _number(kind)

    def terms(values, total) -> str:
        """``a + b + c = `` to write before a total (2 to 30 terms), or nothing when it would only
        repeat the total (a symbolic sum is its own terms)."""
        joined = " + ".join(number(v) for v in values)
        return f"{joined} = " if 1 < len(values) <= 30 and joined != number(total) else ""
    return terms


def _grouped(e) -> bool:
    """Does e print as one unit next to ×? (a number, a symbol, a floor, a product)"""
    e = sympify(e)
    return e.is_Atom or isinstance(e, (FloorDiv, Mul)) or bool(e.is_Function)


def _dims(kind: str):
    math = _math(kind)

    def one(v) -> str:
        if isinstance(v, str):
            return v
        if _int(v):
            return str(v)
        if kind == "text":
            return _fmt.text(v) if _grouped(v) else f"({_fmt.text(v)})"
        return math(v) if _grouped(v) else r"\left(" + math(v) + r"\right)"

    def dims(seq, paren: bool = False) -> str:
        seq = list(seq)
        if kind == "text" or all(_int(v) or isinstance(v, str) for v in seq):
            body = "×".join(one(v) for v in seq)
            if kind == "latex":
                body = body.replace("×", r"$\times$")
            return f"({body})" if paren else body
        body = r" \times ".join(one(v) for v in seq)
        return f"$({body})$" if paren else f"${body}$"
    return dims


def width(s) -> int:
    """Display width in a terminal: East Asian wide characters take two columns."""
    s = str(s)
    if not s or max(s) < "\u0378":  # Latin, "×": one column each, without a lookup per character
        return len(s)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def pad(text, w: int, right: bool = False) -> str:
    """text padded with spaces to display width w (on the left when right-aligned)."""
    fill = " " * max(0, w - width(text))
    return fill + str(text) if right else str(text) + fill


def columns(rows: list, align: str) -> list[str]:
    """Rows of cells as aligned text lines ('l'/'r' per column); wide CJK characters count double."""
    rows = [[str(c) for c in r] for r in rows]
    widths = [max(width(r[i]) for r in rows) for i in range(len(align))]
    out = []
    for r in rows:
        cells = [pad(c, w, right=a == "r") for c, w, a in zip(r, widths, align)]
        out.append("  ".join(cells).rstrip())
    return out


def _msg(s: str, **kw) -> str:
    return str(s).format(**kw)


def _msg_tex(s: str, **kw) -> str:
    """A catalogue message for LaTeX: its words escaped, its {placeholders} filled in as given."""
    out = []
    for text, name, _spec, _conv in string.Formatter().parse(str(s)):
        out.append(tex_escape(text))
        if name is not None:
            out.append(str(kw[name]))
    return "".join(out)


def _filters(env: jinja2.Environment, kind: str) -> None:
    """Every filter, in one place."""
    env.filters.update(tex_escape=tex_escape, md_escape=md_escape, math=_math(kind),
                       number=_number(kind), terms=_terms(kind), dims=_dims(kind), msg=_msg_tex if kind == "latex" else _msg, columns=columns,
                       rel=lambda r: _REL["text" if kind == "text" else "latex"].get(r, r or ""),
                       width=width, wpad=pad, sym=lambda s: _fmt.text(s) if kind == "text" else _fmt.latex(s))


@lru_cache(maxsize=32)
def environment(fmt: str = "text", lang: str = "en", template_dir: str | None = None) -> jinja2.Environment:
    """The cached jinja2 environment for a format (text, markdown, latex) and language."""
    if fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r}", fix=f"use one of: {', '.join(FORMATS)}")
    opts = {"trim_blocks": True, "lstrip_blocks": True, "keep_trailing_newline": True,
            "undefined": jinja2.StrictUndefined, "autoescape": False}
    if fmt == "latex":
        opts |= {"block_start_string": "((*", "block_end_string": "*))", "variable_start_string": "(((",
                 "variable_end_string": ")))", "comment_start_string": "((=", "comment_end_string": "=))"}
    root = template_root()
    paths = ([str(template_dir)] if template_dir else []) + [str(root)]
    cache = bytecode_cache(str(root / "__pycache__"))  # compiled templates, kept like .pyc files
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(paths), bytecode_cache=cache, **opts)
    _filters(env, fmt)
    env.globals.update(t=catalogue(lang), lang=lang, fmt=fmt, identities=_toml(root / "identities.toml"),
                       equations=_toml(root / "equations.toml"))
    return env


def render(name: str, fmt: str = "text", lang: str = "en", template_dir=None, **ctx) -> str:
    """Render the top-level template ``<name>.<ext>.j2`` of a format (text, markdown, latex) in a language,
    with the explicit context ``ctx``; --template-dir (``template_dir``) goes first in the search path."""
    env = environment(fmt, lang, str(template_dir) if template_dir else None)
    return env.get_template(f"{name}.{FORMATS[fmt]}.j2").render(**ctx)


__all__ = ["catalogue", "columns", "environment", "languages", "md_escape", "render", "template_root",
           "tex_escape"]
