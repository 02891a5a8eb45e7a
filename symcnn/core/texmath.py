"""The LaTeX of the equations symcnn ships (templates/equations.toml: the gate equations of the recurrent
layers, attention, the Transformer layers) as presentation MathML, so that an HTML page shows the same
equations as the LaTeX and Markdown documents from one source.

It reads a small subset of LaTeX: letters, numbers, operators, ``_``/``^``, ``{…}``, ``\\frac``,
``\\sqrt``, ``\\left``/``\\right``, ``\\operatorname``/``\\mathrm``/``\\text``, ``bmatrix``/``pmatrix``
environments, spacing and the symbols in ``SYMBOLS``. Anything else is a ValueError naming the command:
an equation added to the catalogue with a new command fails its test instead of printing wrong maths.

Owns: mathml(tex) (the content of a <math> element). Never: print SymPy expressions (fmt.py does),
read templates, or guess at a command it does not know.
"""

from __future__ import annotations

import html
import re

GREEK = {"alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "eta": "η", "theta": "θ",
         "lambda": "λ", "mu": "μ", "pi": "π", "rho": "ρ", "sigma": "σ", "tau": "τ", "phi": "φ", "omega": "ω",
         "Sigma": "Σ", "Delta": "Δ", "Omega": "Ω"}
FUNCTIONS = ("tanh", "sin", "cos", "exp", "log", "max", "min", "det")
SYMBOLS = {"odot": "⊙", "top": "⊤", "cdot": "·", "times": "×", "dots": "…", "ldots": "…", "cdots": "⋯",
           "leftarrow": "←", "rightarrow": "→", "to": "→", "lfloor": "⌊", "rfloor": "⌋", "lceil": "⌈",
           "rceil": "⌉", "geq": "≥", "leq": "≤", "neq": "≠", "in": "∈", "approx": "≈", "equiv": "≡",
           "sum": "∑", "prod": "∏", "infty": "∞", "lbrace": "{", "rbrace": "}"}
SPACES = {"quad": "1em", "qquad": "2em", ",": "0.1667em", ";": "0.2778em", " ": "0.25em", "!": "0em"}
FENCES = {"bmatrix": ("[", "]"), "pmatrix": ("(", ")"), "matrix": ("", "")}
_TOKEN = re.compile(r"\\([A-Za-z]+|[,;! \\{}])|(\d+(?:\.\d+)?)|([A-Za-z])|(\s+)|(.)")
_OPS = {"-": "−", "*": "∗"}


def mathml(tex: str) -> str:
    """Presentation MathML of a LaTeX formula of the subset above (no <math> wrapper)."""
    p = _Parser(tex)
    return p.row(stop=())


class _Parser:
    def __init__(self, tex: str):
        self.tex = tex
        self.tokens = []
        for m in _TOKEN.finditer(tex):
            cmd, num, letter, space, other = m.groups()
            if space is None:
                self.tokens.append(("cmd", cmd) if cmd is not None else ("num", num) if num is not None
                                   else ("letter", letter) if letter is not None else ("op", other))
        self.i = 0

    def peek(self):
        return self.tokens[self.i] if self.i < len(self.tokens) else (None, None)

    def take(self):
        tok = self.peek()
        if tok[0] is None:
            raise ValueError(f"unexpected end of {self.tex!r}")
        self.i += 1
        return tok

    def row(self, stop) -> str:
        """Atoms until a token in ``stop`` (not consumed), as one <mrow> when there are several."""
        parts = []
        while self.peek()[0] is not None and self.peek() not in stop:
            parts.append(self.scripted())
        return parts[0] if len(parts) == 1 else "<mrow>" + "".join(parts) + "</mrow>"

    def group(self) -> str:
        """{…} or a single atom (the argument of a command or a script)."""
        if self.peek() == ("op", "{"):
            self.take()
            out = self.row(stop=(("op", "}"),))
            self.take()
            return out or "<mrow></mrow>"
        return self.atom()

    def raw(self) -> str:
        """The text of a {…} argument (\\operatorname, \\mathrm, \\text, \\begin)."""
        if self.take() != ("op", "{"):
            raise ValueError(f"expected {{ in {self.tex!r}")
        words = []
        while self.peek() != ("op", "}"):
            kind, v = self.take()
            words.append("\\" + v if kind == "cmd" else v)
        self.take()
        return "".join(words)

    def scripted(self) -> str:
        base = self.atom()
        sub = sup = None
        while self.peek() in (("op", "_"), ("op", "^")):
            mark = self.take()[1]
            if mark == "_":
                sub = self.group()
            else:
                sup = self.group()
        if sub is not None and sup is not None:
            return f"<msubsup>{base}{sub}{sup}</msubsup>"
        if sub is not None:
            return f"<msub>{base}{sub}</msub>"
        if sup is not None:
            return f"<msup>{base}{sup}</msup>"
        return base

    def atom(self) -> str:
        kind, v = self.take()
        if kind == "letter":
            return f"<mi>{v}</mi>"
        if kind == "num":
            return f"<mn>{v}</mn>"
        if kind == "op":
            if v == "{":
                self.i -= 1
                return self.group()
            if v in "}&":
                raise ValueError(f"unbalanced {v!r} in {self.tex!r}")
            return f"<mo>{html.escape(_OPS.get(v, v))}</mo>"
        return self.command(v)

    def command(self, name: str) -> str:
        if name in GREEK:
            return f"<mi>{GREEK[name]}</mi>"
        if name in FUNCTIONS:
            return f"<mi>{name}</mi>"
        if name in SYMBOLS:
            return f"<mo>{html.escape(SYMBOLS[name])}</mo>"
        if name in SPACES:
            return f'<mspace width="{SPACES[name]}"></mspace>'
        if name in ("{", "}"):
            return f"<mo>{name}</mo>"
        if name in ("operatorname", "mathrm"):
            word = self.raw()
            return f"<mi>{word}</mi>" if len(word) > 1 else f'<mi mathvariant="normal">{word}</mi>'
        if name == "text":
            return f"<mtext>{html.escape(self.raw())}</mtext>"
        if name == "frac":
            return f"<mfrac>{self.group()}{self.group()}</mfrac>"
        if name == "sqrt":
            return f"<msqrt>{self.group()}</msqrt>"
        if name in ("left", "right"):
            kind, v = self.take()
            v = SYMBOLS.get(v, v) if kind == "cmd" else v
            return "" if v == "." else f"<mo>{html.escape(v)}</mo>"
        if name == "begin":
            return self.matrix(self.raw())
        raise ValueError(f"the LaTeX command \\{name} in {self.tex!r} has no MathML form "
                         f"(add it to symcnn/core/texmath.py)")

    def matrix(self, env: str) -> str:
        if env not in FENCES:
            raise ValueError(f"the environment {env!r} in {self.tex!r} has no MathML form")
        rows, cells = [], []
        end = (("cmd", "end"), ("op", "&"), ("cmd", "\\"))
        while True:
            cells.append(f"<mtd>{self.row(stop=end)}</mtd>")
            tok = self.take()
            if tok == ("op", "&"):
                continue
            rows.append("<mtr>" + "".join(cells) + "</mtr>")
            cells = []
            if tok == ("cmd", "end"):
                if self.raw() != env:
                    raise ValueError(f"\\begin{{{env}}} closed by another \\end in {self.tex!r}")
                break
        left, right = FENCES[env]
        fence = (lambda f: f"<mo>{f}</mo>" if f else "")
        return f"<mrow>{fence(left)}<mtable>{''.join(rows)}</mtable>{fence(right)}</mrow>"


__all__ = ["mathml"]
