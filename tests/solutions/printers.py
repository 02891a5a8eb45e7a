"""Small parsers that read symcnn's printed maths back (tests/solutions/test_printing.py): Unicode text,
LaTeX and MathML are first rewritten into the text syntax, which one recursive-descent parser reads
into SymPy. A shape (a×b×c) is only a shape when × is the outermost operator: H + 2·P − 8 × 2·P + W − 8
reads as a sum with a × inside it, which no printed formula may be.

parse(s) -> Node: ("chain", [terms], [ops]) for a = b = c, ("dims", [terms]) for a×b×c, or a SymPy
expression; a term may be None (an empty left-hand side: "= 55" on a step's line)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from sympy import Integer, Max, Min, Mod, Symbol, ceiling, floor

# --- LaTeX and MathML to the text syntax --------------------------------------------------------
_TEX_WORDS = [(r"\displaystyle", ""), (r"\left\lfloor", "⌊"), (r"\right\rfloor", "⌋"), (r"\left\lceil", "⌈"),
              (r"\right\rceil", "⌉"), (r"\bigl\lfloor", "⌊"), (r"\bigr\rfloor", "⌋"), (r"\bigl\lceil", "⌈"),
              (r"\bigr\rceil", "⌉"), (r"\lfloor", "⌊"), (r"\rfloor", "⌋"), (r"\lceil", "⌈"), (r"\rceil", "⌉"),
              (r"\left(", "("), (r"\right)", ")"), (r"\bigl(", "("), (r"\bigr)", ")"), (r"\cdot", "·"),
              (r"\times", "×"), (r"\geq", "≥"), (r"\leq", "≤"), (r"\neq", "≠"), (r"\to", "→"),
              (r"\bmod", " mod "), (r"\max", "Max"), (r"\min", "Min"), ("{,}", ","), (r"\,", ""), (r"\ ", " ")]


def _group(s: str, i: int) -> tuple[str, int]:
    """The {…} group starting at s[i] (or the single character there): its content and the index after."""
    if s[i] != "{":
        return s[i], i + 1
    depth = 0
    for j in range(i, len(s)):
        depth += {"{": 1, "}": -1}.get(s[j], 0)
        if depth == 0:
            return s[i + 1:j], j + 1
    raise ValueError(f"unbalanced braces in {s!r}")


def latex_to_text(s: str) -> str:
    s = s.strip()
    if s.startswith("$") and s.endswith("$"):
        s = s.strip("$")
    out, i = [], 0
    while i < len(s):
        if s.startswith(r"\frac", i):
            num, i = _group(s, i + 5)
            den, i = _group(s, i)
            out.append(f"({latex_to_text(num)})/({latex_to_text(den)})")
        elif s.startswith(r"\phantom", i):
            _, i = _group(s, i + 8)
        elif s.startswith(r"\text", i):
            word, i = _group(s, i + 5)
            out.append(word)
        elif s[i] in "^_":
            body, j = _group(s, i + 1)
            out.append(f"^({latex_to_text(body)})" if s[i] == "^" else "_" + body)
            i = j
        else:
            for tex, text in _TEX_WORDS:
                if s.startswith(tex, i):
                    out.append(text)
                    i += len(tex)
                    break
            else:
                if s[i] == "\\":
                    raise ValueError(f"unknown LaTeX command at {s[i:i + 20]!r}")
                out.append("" if s[i] in "{}" else s[i])
                i += 1
    return "".join(out).replace(" - ", " − ").replace("-", "−")


def _ml(el) -> str:
    tag = el.tag.split("}")[-1]
    kids = list(el)
    if tag in ("mi", "mn", "mo", "mtext"):
        return (el.text or "").strip()
    if tag == "msub":
        return _ml(kids[0]) + "_" + _ml(kids[1])
    if tag == "msup":
        return f"({_ml(kids[0])})^({_ml(kids[1])})"
    if tag == "mfrac":
        return f"({_ml(kids[0])})/({_ml(kids[1])})"
    if tag in ("math", "mrow"):
        parts = [_ml(k) for k in kids]
        return " ".join(p for p in parts if p)
    raise ValueError(f"unexpected MathML element <{tag}>")


def mathml_to_text(s: str) -> str:
    """Every <math> element of an HTML piece as text; the words and operators around them as they are."""
    def one(m):
        return _ml(ET.fromstring(m.group(0).replace("&nbsp;", " ")))
    return re.sub(r"<math[^>]*>.*?</math>", one, s, flags=re.DOTALL).replace("&amp;", "&")


# --- the text syntax ------------------------------------------------------------------------------
_TOKEN = re.compile(r"\s*(\d{1,3}(?:,\d{3})+(?!\d)|\d+|[^\W\d]\w*|[=≥≤≠<>→+−\-·×/^()⌊⌋⌈⌉,*])")
_RELS = {"=", "≥", "≤", "≠", "<", ">", "→"}
_FUNCS = {"max": Max, "min": Min, "floor": floor, "ceiling": ceiling}


class _Parser:
    def __init__(self, s: str):
        self.toks, pos = [], 0
        s = s.strip()
        while pos < len(s):
            m = _TOKEN.match(s, pos)
            if not m or m.end() == pos:
                raise ValueError(f"cannot read {s[pos:pos + 20]!r} in {s!r}")
            self.toks.append(m.group(1))
            pos = m.end()
            while pos < len(s) and s[pos].isspace():
                pos += 1
        self.i, self.src = 0, s

    def peek(self):
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self, want=None):
        t = self.peek()
        if t is None or (want is not None and t != want):
            raise ValueError(f"expected {want!r}, got {t!r} in {self.src!r}")
        self.i += 1
        return t

    def chain(self):
        terms = [None if self.peek() in _RELS else self.sum()]
        ops = []
        while self.peek() in _RELS:
            ops.append(self.take())
            terms.append(self.sum())
        if self.peek() is not None:
            raise ValueError(f"unexpected {self.peek()!r} in {self.src!r}")
        return ("chain", terms, ops) if ops else terms[0]

    def sum(self):
        """Terms joined by + and −; × binds tighter, as in print: a shape alone, never inside a sum."""
        neg = self.peek() in ("−", "-")
        if neg:
            self.take()
        terms = [self.dims()]
        signs = [-1 if neg else 1]
        while self.peek() in ("+", "−", "-"):
            signs.append(1 if self.take() == "+" else -1)
            terms.append(self.dims())
        if len(terms) == 1 and signs[0] == 1:
            return terms[0]
        if any(isinstance(t, tuple) for t in terms):
            raise ValueError(f"× inside a sum in {self.src!r}: parentheses are missing")
        return sum((sg * t for sg, t in zip(signs, terms)), Integer(0))

    def dims(self):
        items = [self.product()]
        while self.peek() == "×":
            self.take()
            items.append(self.product())
        return ("dims", items) if len(items) > 1 else items[0]

    def product(self):
        e = self.power()
        while self.peek() in ("·", "/", "*", "mod"):
            op = self.take()
            t = self.power()
            e = e * t if op in ("·", "*") else (e / t if op == "/" else Mod(e, t))
        return e

    def _scalar(self, e):
        if isinstance(e, tuple):
            raise ValueError(f"a shape inside a formula in {self.src!r}")  # noqa: TRY004 -- a parse error
        return e

    def power(self):
        e = self.atom()
        if self.peek() == "^":
            self.take()
            e = e ** self.atom()
        return e

    def atom(self):
        t = self.take()
        if t in ("−", "-"):
            return -self.power()
        if t == "(":
            e = self._scalar(self.sum())
            self.take(")")
            return e
        if t in ("⌊", "⌈"):
            e = self._scalar(self.sum())
            self.take("⌋" if t == "⌊" else "⌉")
            return floor(e) if t == "⌊" else ceiling(e)
        if t[0].isdigit():
            return Integer(int(t.replace(",", "")))
        if t.lower() in _FUNCS and self.peek() == "(":
            self.take("(")
            args = [self.sum()]
            while self.peek() == ",":
                self.take()
                args.append(self.sum())
            self.take(")")
            return _FUNCS[t.lower()](*args)
        return Symbol(t)


def parse(text: str):
    """The text syntax read into a chain, a shape, or a SymPy expression. A × inside a sum (the
    dropped parentheses of '(H − 4)×(W − 4)' printed as 'H − 4 × W − 4') is refused."""
    return _Parser(text).chain()
