"""The filters of the jinja2 environment (symcnn.core.render): maths printed per format, words escaped
per format, and the aligned text tables. Registered by ``install(env, fmt)``.

Maths: ``math`` (an expression), ``number`` (an int grouped by thousands, else maths), ``dims`` (a tuple
as a×b×c), ``shape`` (a tensor shape in the document's ``layout``: N×C×H×W as PyTorch prints it, or
``hwc``, the course notes' H×W×C per sample), ``chain`` (a = b = c in one formula), ``mjoin``, ``terms``
(a + b + c = total), ``relation``, ``axes`` (a value per spatial axis), ``texmath`` (an equation of
equations.toml; HTML: MathML); words: ``msg`` (a catalogue message with its placeholders filled in,
escaped for the format), ``said`` (a phrase of core/said.py in the output's language), ``esc``,
``code``, ``brk``; text tables: ``columns``, ``width``, ``wpad``.

Owns: install, laid_out, columns, width, pad, tex_escape, md_escape. Never: render a template or read a
catalogue (render.py does), compute anything but how to print.
"""

from __future__ import annotations

import html
import re
import string
import unicodedata

import jinja2
from markupsafe import Markup
from sympy import Basic, Integer, Mul, sympify

from . import fmt as _fmt
from . import texmath as _texmath
from .intarith import FloorDiv

_REL = {"text": {"eq": "=", "ne": "≠", "ge": "≥", "le": "≤", "gt": ">", "lt": "<"},
        "latex": {"eq": "=", "ne": r"\neq", "ge": r"\geq", "le": r"\leq", "gt": ">", "lt": "<"}}
_TEX = {"×": r"$\times$", "·": r"$\cdot$", "⌊": r"$\lfloor$", "⌋": r"$\rfloor$", "⌈": r"$\lceil$",
        "⌉": r"$\rceil$", "−": "-", "≥": r"$\geq$", "≤": r"$\leq$", "→": r"$\to$",
        "\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
        "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}", "|": r"$|$",
        "∈": r"$\in$", "≡": r"$\equiv$", "⇔": r"$\Leftrightarrow$", "≠": r"$\neq$", "–": "--",
        "⊙": r"$\odot$", "∏": r"$\prod$", "ᵀ": r"$^{T}$", "²": r"$^{2}$", "≈": r"$\approx$", "…": r"\ldots{}",
        "√": r"$\surd$", "Σ": r"$\Sigma$", "σ": r"$\sigma$", "³": r"$^{3}$", "∑": r"$\sum$"}



# --- words ----------------------------------------------------------------------------------------
def tex_escape(s) -> str:
    return "".join(_TEX.get(c, c) for c in str(s))


def md_escape(s) -> str:
    return "".join("\\" + c if c in "\\`*_[]|<>#" else c for c in str(s))


_ESCAPE = {"text": str, "markdown": md_escape, "latex": tex_escape, "html": lambda s: Markup.escape(str(s))}


def _breakable(s) -> str:
    """LaTeX: s escaped, with a line break allowed after each . and _ and inside a CamelCase word
    (features.denseblock1.conv1, Adaptive AvgPool2d) for narrow table columns."""
    s = re.sub(r"(?<=[a-z])(?=[A-Z])", r"\\allowbreak{}", tex_escape(s))
    return s.replace(".", r".\allowbreak{}").replace(r"\_", r"\_\allowbreak{}")


def _code(kind: str):
    """A name from net.py or a signature in typewriter type; LaTeX may break it after . and _ ."""
    def code(s) -> str:
        s = str(s)
        if kind == "latex":
            return r"\texttt{" + _breakable(s) + "}"
        if kind == "markdown":
            return f"`{s}`"
        if kind == "html":
            return Markup("<code>{}</code>").format(s)
        return s
    return code


def _msg(kind: str):
    """A catalogue message with its {placeholders} filled in: the words escaped for the format, the
    values inserted as given (already formatted by a filter)."""
    escape = _ESCAPE[kind]

    def msg(s, **kw) -> str:
        if kind in ("text", "markdown"):
            return str(s).format(**kw)
        out = []
        for text, name, _spec, _conv in string.Formatter().parse(str(s)):
            out.append(escape(text))
            if name is not None:
                v = kw[name]
                out.append(str(v) if kind == "latex" or isinstance(v, Markup) else Markup.escape(str(v)))
        return Markup("".join(out)) if kind == "html" else "".join(out)
    return msg


# --- maths ------------------------------------------------------------------------------------------
def _int(e) -> bool:
    return isinstance(e, (int, Integer)) and not isinstance(e, bool)


def _sym(e):
    return e if isinstance(e, Basic) else sympify(e)


def _grouped(e) -> bool:
    """Does e print as one unit next to ×? (a number, a symbol, a floor, a product)"""
    e = _sym(e)
    return e.is_Atom or isinstance(e, (FloorDiv, Mul)) or bool(e.is_Function) or type(e).__name__ in (
        "DFloor", "DCeil", "DMul", "DPow")


def _mathml(inner: str, block: bool = False) -> Markup:
    return Markup(f'<math display="block">{inner}</math>' if block else f"<math>{inner}</math>")


def _pieces(kind: str):
    """Printers of one format: one expression, an operator, a parenthesised expression, and how a
    finished formula is wrapped in prose ($…$, <math>, or as it is)."""
    if kind == "text":
        return _fmt.shown, (lambda op: f" {op} " if op not in "×·" else op), (lambda s: f"({s})"), str
    if kind == "html":
        ops = {"×": "&#215;", "·": "&#xB7;", "=": "=", "≥": "&#x2265;", "≤": "&#x2264;", "≠": "&#x2260;",
               ">": "&gt;", "<": "&lt;", "+": "+", "→": "&#8594;"}
        return (lambda e: Markup(_fmt.mathml(e)), lambda op: Markup(f"<mo>{ops.get(op, html.escape(op))}</mo>"),
                lambda s: Markup("<mrow><mo>(</mo>{}<mo>)</mo></mrow>").format(s), _mathml)
    ops = {"×": r" \times ", "·": r" \cdot ", "≥": r" \geq ", "≤": r" \leq ", "≠": r" \neq ", "→": r" \to "}
    return _fmt.tex, (lambda op: ops.get(op, f" {op} ")), _fmt.tex_parens, (lambda s: f"${s}$")


def install(env: jinja2.Environment, kind: str) -> None:
    """Every filter, in one place."""
    one, op, paren, wrap = _pieces(kind)

    def math(e):
        """An expression, bare (text; LaTeX without $) or as a MathML element."""
        if isinstance(e, str):
            return _ESCAPE[kind](e) if kind == "html" else e
        return wrap(one(_sym(e))) if kind == "html" else one(_sym(e))

    def number(e):
        """An int grouped by thousands (62,378,344), else the expression as maths in prose (HTML: a long
        sum as one formula a term, so that a browser, which never breaks a formula, can wrap it)."""
        if isinstance(e, str):
            return e
        if _int(e):
            return _fmt.grouped(e).replace(",", "{,}") if kind == "latex" else _fmt.grouped(e)
        e = _sym(e)
        if kind == "html" and e.is_Add and len(e.args) > 2:
            return sum_pieces(e.as_ordered_terms())
        return wrap(one(e))

    def sum_pieces(terms) -> Markup:
        out = [wrap(one(terms[0]))]
        for t in terms[1:]:
            neg = t.could_extract_minus_sign()
            out.append(Markup(" − " if neg else " + ") + wrap(one(-t if neg else t)))
        return Markup("").join(out)

    def item(i) -> str:
        if not isinstance(i, str):
            return one(_sym(i))
        if kind == "html" and not isinstance(i, Markup):   # a word (weights), not a formula
            return Markup("<mtext>{}</mtext>").format(i) if i else Markup("")
        return i

    def join(items, sep: str = "="):
        """Expressions joined by an operator, as one formula (not wrapped); a str item is a formula
        already printed (HTML: a word, unless it is Markup)."""
        out = op(sep).join(item(i) for i in items)
        return Markup(out) if kind == "html" else out

    def chain(items, sep: str = "="):
        """a = b = c (or a + b + c, a × b) as one formula in prose."""
        return wrap(join(items, sep))

    def dim(v) -> str:
        if isinstance(v, str):
            return v
        if _int(v):    # sizes as PyTorch prints them: 1×9216 (counts are grouped: 9,216 parameters)
            return Markup(f"<mn>{int(v)}</mn>") if kind == "html" else str(int(v))
        return one(_sym(v)) if _grouped(v) else paren(one(_sym(v)))

    def dims(seq, bare: bool = False):
        """A tuple of sizes as a×b×c, sums in parentheses so that 1×10×(H − 4) reads right (Markdown:
        plain text when every size is a number); ``bare``: not wrapped for prose (inside a formula)."""
        seq = list(seq)
        if kind == "markdown" and not bare and all(_int(v) for v in seq):
            return "×".join(str(int(v)) for v in seq)
        body = op("×").join(dim(v) for v in seq)
        return body if bare else wrap(body)

    @jinja2.pass_context
    def shape(ctx, seq, bare: bool = False):
        """A tensor shape in the document's layout: N×C×H×W, or (layout hwc) H×W×C without the batch."""
        return dims(laid_out(seq, ctx.get("layout", "nchw")), bare)

    def axes(values, bare: bool = False):
        """A value per spatial axis: one value when every axis has it, else a×b (in prose, or ``bare``
        inside a formula)."""
        values = [_sym(v) for v in values]
        if len({one(v) for v in values}) == 1:
            return one(values[0]) if bare else number(values[0])
        return dims(values, bare)

    def terms(values, total):
        """A total written as its sum, ``a + b + c = total`` (2 to 30 terms), or only the total when the
        sum would repeat it (a symbolic sum is its own terms)."""
        values = list(values)
        if not 1 < len(values) <= 30 or join(values, "+") == join([total]):
            return number(total)
        return wrap(join(values, "+") + op("=") + join([total]))

    def texmath(tex: str, block: bool = False, bare: bool = False):
        """A LaTeX formula of templates/equations.toml: as it is (LaTeX, Markdown, text), or (HTML) as
        MathML, a <math> element (``block``: displayed), or ``bare`` to go inside a formula (chain)."""
        if kind != "html":
            return tex
        inner = Markup(_texmath.mathml(tex))
        return inner if bare else _mathml(inner, block)

    def relation(r):
        """A condition (lhs, rel, rhs) as one formula."""
        if r.rel is None:
            return wrap(one(_sym(r.lhs)))
        return wrap(one(_sym(r.lhs)) + op(_REL["text"][r.rel]) + one(_sym(r.rhs)))

    msg, escape = _msg(kind), _ESCAPE[kind]

    @jinja2.pass_context
    def said(ctx, v):
        """A phrase computed outside the templates (core/said.py) in the output's language: its
        catalogue message with its values said in turn; any other value escaped as a word."""
        key = getattr(v, "key", None)
        if key is None:
            return escape(v)
        words = ctx["t"]
        for part in key.split("."):
            words = words[part]
        return msg(words, **{k: said(ctx, x) for k, x in v.args.items()})

    def mb(e) -> str:
        """Bytes as megabytes (10⁶) to two decimals, as torchinfo prints them; "" for a closed form."""
        return f"{int(e) / 1e6:.2f}" if _int(e) else ""

    env.filters.update(
        said=said, mb=mb,
        math=math, number=number, chain=chain, mjoin=join, dims=dims, shape=shape, terms=terms,
        relation=relation, axes=axes, texmath=texmath, msg=_msg(kind), esc=_ESCAPE[kind], code=_code(kind),
        brk=_breakable if kind == "latex" else _ESCAPE[kind],
        escall=lambda d: {k: _ESCAPE[kind](v) for k, v in d.items()}, tex_escape=tex_escape,
        md_escape=md_escape, columns=columns, width=width, wpad=pad,
        rel=lambda r: _REL["text" if kind in ("text", "html") else "latex"].get(r, r or ""),
        sym=lambda s: _fmt.text(s) if kind == "text" else _fmt.latex(s))


def laid_out(shape, layout: str = "nchw") -> tuple:
    """A shape in a layout: as given (nchw), or per sample with the channels last (hwc: the batch axis
    dropped, then N×C×H×W → H×W×C, N×F → F)."""
    shape = tuple(shape)
    if layout != "hwc" or len(shape) < 2:
        return shape
    rest = shape[1:]
    return (*rest[1:], rest[0]) if len(rest) >= 2 else rest


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


def columns(rows: list, align: str, loose: int = 0) -> list[str]:
    """Rows of cells as aligned text lines ('l'/'r' per column); wide CJK characters count double; a
    row ``"-"`` is a rule of dashes under each column. The last ``loose`` rows do not widen a column
    beyond max(its widest other cell, 24): a long symbolic total then runs past its column instead of
    widening every row of the table."""
    rules = {i for i, r in enumerate(rows) if r == "-"}
    rows = [[""] * len(align) if r == "-" else [str(c) for c in r] for r in rows]
    tight = rows[:len(rows) - loose] if loose else rows
    widths = []
    for i in range(len(align)):
        widest = max((width(r[i]) for r in tight), default=0)
        extra = [width(r[i]) for r in rows[len(tight):] if width(r[i]) <= max(widest, 24)]
        widths.append(max([widest, *extra]))
    out = []
    for i, r in enumerate(rows):
        cells = ["-" * w for w in widths] if i in rules else [pad(c, w, right=a == "r") for c, w, a in zip(r, widths, align)]
        out.append("  ".join(cells).rstrip())
    return out


__all__ = ["columns", "install", "laid_out", "md_escape", "pad", "tex_escape", "width"]
