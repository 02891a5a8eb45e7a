"""A restricted parser for formula strings in answers files: ``"floor((H - 12)/4)"`` to SymPy.

Answers files are data. A formula is parsed with Python's ``ast`` (never ``eval``, never
``sympify`` on user text) and the SymPy expression is built node by node from a short allow-list:
integer literals, the input symbols, ``+ - * / // % **`` (small constant exponents), unary minus,
and calls of ``floor``, ``ceil``/``ceiling``, ``min``/``Min``, ``max``/``Max``. Everything else
(attributes, subscripts, other calls, keywords, lambdas, strings, floats, ...) is rejected with
one clear line. The text and the tree are bounded in size, so parsing is always fast.

The printers' Unicode (⌊ ⌋ ⌈ ⌉ · × −) and ``^`` for powers are accepted, so a student can paste
what ``symcnn`` prints.

``evaluate`` computes such an expression (or a size from the rules) exactly at integer inputs,
much faster than ``xreplace`` when a formula is checked at hundreds of input sizes.

``split_shape`` splits a shape string ("1x96x55x55", entries may be formulas) into its entries.

Owns: parse_formula, evaluate, split_shape, FormulaError, FUNCTIONS.
Never: evaluate user text, import anything from the user, or call sympify on a string.
"""

from __future__ import annotations

import ast
import difflib
import math
from collections.abc import Mapping
from fractions import Fraction

from sympy import Add, And, Expr, Integer, Max, Min, Mod, Mul, Not, Or, Pow, Rational, Symbol, ceiling, floor
from sympy.core.relational import Relational
from sympy.logic.boolalg import BooleanFalse, BooleanTrue

from .errors import InputError
from .intarith import FloorDiv

MAX_CHARS = 400
MAX_NODES = 200
MAX_INT = 10**30
MAX_POWER = 8
MAX_EVAL_POWER = 64   # evaluate(): the largest exponent computed exactly (fasteval.MAX_DEGREE is this)

FUNCTIONS = {"floor": (floor, 1), "ceil": (ceiling, 1), "ceiling": (ceiling, 1),
             "min": (Min, None), "Min": (Min, None), "max": (Max, None), "Max": (Max, None)}

_UNICODE = {"−": "-", "·": "*", "×": "*", "⋅": "*", "⌊": "floor(", "⌋": ")", "⌈": "ceiling(",
            "⌉": ")", "^": "**", "（": "(", "）": ")"}

_BINOPS = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod, ast.Pow)


class FormulaError(InputError):
    """A formula string in an answers file that is not an allowed arithmetic expression."""


ARITHMETIC = "write a number or arithmetic over the input symbols, e.g. floor((H - 12)/4)"
# what a syntax node that is not arithmetic is, in words a student knows (never a parser term)
_NODE_WORDS = {ast.Attribute: "attribute access", ast.Subscript: "indexing", ast.Lambda: "a lambda",
               ast.Compare: "a comparison", ast.BoolOp: "a boolean operator (and, or)",
               ast.IfExp: "a conditional expression (if ... else)", ast.Tuple: "commas",
               ast.List: "brackets [ ]", ast.Set: "braces { }", ast.Dict: "braces { }",
               ast.ListComp: "a loop (for ... in)", ast.SetComp: "a loop (for ... in)",
               ast.DictComp: "a loop (for ... in)", ast.GeneratorExp: "a loop (for ... in)",
               ast.JoinedStr: "an f-string", ast.NamedExpr: "an assignment (:=)", ast.Yield: "yield",
               ast.YieldFrom: "yield", ast.Await: "await", ast.Starred: "a starred *value",
               ast.Slice: "a slice"}
_SYNTAX_WORDS = {"'(' was never closed": "has a ( that is never closed",
                 "unmatched ')'": "has a ) without its (",
                 "invalid decimal literal": "has a number written against a name (write 3*H, not 3H)"}


def _fail(text: str, why: str, fix: str = ARITHMETIC):
    raise FormulaError(f"formula {text!r} {why}", fix=fix)


def parse_formula(text: str, symbols: Mapping[str, Symbol]) -> Expr:
    """Parse an answer formula into an exact SymPy expression over ``symbols`` (name -> Symbol).

    Raises FormulaError (an InputError) for anything that is not plain arithmetic.

    >>> from symcnn.core.symbols import H
    >>> parse_formula("floor((H - 12)/4)", {"H": H})
    floor(H/4 - 3)
    """
    if not isinstance(text, str):
        raise FormulaError(f"formula {text!r} is not a string", fix="write the formula in quotes")
    shown = text if len(text) <= 60 else text[:57] + "..."
    if not text.strip():
        _fail(shown, "is empty", "write a number or a formula, or remove the line")
    if len(text) > MAX_CHARS:
        _fail(shown, f"is longer than {MAX_CHARS} characters", "simplify the formula")
    src = text.strip()
    for a, b in _UNICODE.items():
        src = src.replace(a, b)
    try:
        tree = ast.parse(src, mode="eval")
    except SyntaxError as e:
        if e.msg in _SYNTAX_WORDS:
            _fail(shown, f"does not parse: it {_SYNTAX_WORDS[e.msg]}", "check the parentheses and operators")
        _fail(shown, "does not parse: it is neither a number nor arithmetic",
              'write a whole number (34944 or "34,944"), a rounded figure ("1.14 G") or arithmetic over the '
              "input symbols, e.g. floor((H - 12)/4)")
    except (ValueError, RecursionError, MemoryError):
        _fail(shown, "does not parse: it is neither a number nor arithmetic",
              "check the parentheses and operators")
    nodes = sum(1 for _ in ast.walk(tree))
    if nodes > MAX_NODES:
        _fail(shown, f"is too large ({nodes} syntax nodes, at most {MAX_NODES})", "simplify the formula")
    return _Builder(shown, symbols).build(tree.body)


class _Builder:
    def __init__(self, text: str, symbols: Mapping[str, Symbol]):
        self.text = text
        self.symbols = symbols
        self.degree = 1   # product of the exponents around the node being built (bounds expansion)

    def build(self, node: ast.AST) -> Expr:
        if isinstance(node, ast.Constant):
            v = node.value
            if isinstance(v, bool) or not isinstance(v, int):
                if isinstance(v, float):
                    _fail(self.text, f"contains the decimal number {v!r}",
                          "use exact integers or fractions (1/2 instead of 0.5)")
                what = {str: "the text", bytes: "the bytes", complex: "the complex number"}.get(type(v),
                                                                                               "the value")
                _fail(self.text, f"contains {what} {v!r}; a formula has only whole numbers and the input "
                      "symbols", "write numbers and symbols without quotes, e.g. floor((H - 12)/4)")
            if abs(v) > MAX_INT:
                _fail(self.text, "contains an integer that is too large", "use numbers below 10^30")
            return Integer(v)
        if isinstance(node, ast.Name):
            if node.id in self.symbols:
                return self.symbols[node.id]
            if node.id in FUNCTIONS:
                _fail(self.text, f"uses {node.id} without calling it", f"write {node.id}(...)")
            known = sorted(self.symbols)
            close = difflib.get_close_matches(node.id, known, n=1)
            hint = f"did you mean {close[0]}? " if close else ""
            names = ", ".join(known) if known else "none (the input is numeric)"
            _fail(self.text, f"uses the unknown symbol {node.id!r}",
                  f"{hint}the input symbols are: {names}")
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            v = self.build(node.operand)
            return -v if isinstance(node.op, ast.USub) else v
        if isinstance(node, ast.BinOp) and isinstance(node.op, _BINOPS):
            return self._binop(node)
        if isinstance(node, ast.Call):
            return self._call(node)
        what = _NODE_WORDS.get(type(node), "Python code that is not arithmetic")
        fix = ('a count is one number: write "34,944" in quotes, or 34944; a shape goes in output_shape'
               if isinstance(node, ast.Tuple) else ARITHMETIC)
        _fail(self.text, f"contains {what}, which is not allowed in a formula", fix)

    def _binop(self, node: ast.BinOp) -> Expr:
        op = node.op
        if isinstance(op, ast.Pow):
            return self._pow(node)
        a, b = self.build(node.left), self.build(node.right)
        if isinstance(op, ast.Add):
            return a + b
        if isinstance(op, ast.Sub):
            return a - b
        if isinstance(op, ast.Mult):
            return a * b
        if b.is_zero:
            _fail(self.text, "divides by zero")
        if isinstance(op, ast.Div):
            return a / b if not (a.is_Integer and b.is_Integer) else Rational(a, b)
        if isinstance(op, ast.FloorDiv):
            return floor(a / b)
        return Mod(a, b)

    def _pow(self, node: ast.BinOp) -> Expr:
        saved, self.degree = self.degree, 1
        b = self.build(node.right)
        self.degree = saved
        if not (b.is_Integer and 0 <= int(b) <= MAX_POWER):
            _fail(self.text, f"raises to the power {b}; only constant exponents 0..{MAX_POWER} are allowed")
        self.degree *= max(int(b), 1)
        if self.degree > MAX_POWER:
            _fail(self.text, f"nests powers up to degree {self.degree}; at most {MAX_POWER} is allowed")
        a = self.build(node.left)
        self.degree = saved
        return a**b

    def _call(self, node: ast.Call) -> Expr:
        func = node.func
        if not isinstance(func, ast.Name):
            _fail(self.text, "calls something that is not a plain function name, which is not allowed",
                  f"only {', '.join(sorted(FUNCTIONS))} may be called")
        if func.id not in FUNCTIONS:
            _fail(self.text, f"calls {func.id}(), which is not allowed",
                  f"only {', '.join(sorted(FUNCTIONS))} may be called")
        if node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
            _fail(self.text, f"passes keyword or starred arguments to {func.id}()")
        fn, arity = FUNCTIONS[func.id]
        args = [self.build(a) for a in node.args]
        if (arity is not None and len(args) != arity) or not args:
            need = f"exactly {arity}" if arity else "at least one"
            _fail(self.text, f"calls {func.id}() with {len(args)} arguments; it takes {need}")
        return fn(*args)


_REL = {">=": lambda a, b: a >= b, ">": lambda a, b: a > b, "<=": lambda a, b: a <= b,
        "<": lambda a, b: a < b, "==": lambda a, b: a == b, "!=": lambda a, b: a != b}


def evaluate(e, env: Mapping[Symbol, int]):
    """Exact value (int, Fraction or bool) of ``e`` with ``env`` giving every free symbol.

    Raises ZeroDivisionError / KeyError for an undefined value or a missing symbol.
    """
    if isinstance(e, (int, Fraction)):
        return e
    if e.is_Integer:
        return int(e)
    if e.is_Rational:
        return Fraction(int(e.p), int(e.q))
    if e.is_Symbol:
        return env[e]
    if isinstance(e, Add):
        return sum(evaluate(a, env) for a in e.args)
    if isinstance(e, Mul):
        return math.prod(evaluate(a, env) for a in e.args)
    if isinstance(e, Pow):
        b, x = evaluate(e.args[0], env), evaluate(e.args[1], env)
        if not isinstance(x, int) or abs(x) > MAX_EVAL_POWER:
            raise ValueError(f"cannot evaluate the power {e}")
        return Fraction(b) ** x if x < 0 else b**x
    if isinstance(e, FloorDiv):
        return math.floor(Fraction(evaluate(e.args[0], env)) / evaluate(e.args[1], env))
    if isinstance(e, floor):
        return math.floor(evaluate(e.args[0], env))
    if isinstance(e, ceiling):
        return math.ceil(evaluate(e.args[0], env))
    if isinstance(e, Min):
        return min(evaluate(a, env) for a in e.args)
    if isinstance(e, Max):
        return max(evaluate(a, env) for a in e.args)
    if isinstance(e, Mod):
        return evaluate(e.args[0], env) % evaluate(e.args[1], env)
    if isinstance(e, Relational):
        return _REL[e.rel_op](evaluate(e.lhs, env), evaluate(e.rhs, env))
    if isinstance(e, And):
        return all(evaluate(a, env) for a in e.args)
    if isinstance(e, Or):
        return any(evaluate(a, env) for a in e.args)
    if isinstance(e, Not):
        return not evaluate(e.args[0], env)
    if isinstance(e, (BooleanTrue, BooleanFalse)):
        return bool(e)
    v = e.xreplace({s: Integer(env[s]) for s in e.free_symbols})
    if v.is_Integer:
        return int(v)
    if v.is_Rational:
        return Fraction(int(v.p), int(v.q))
    if isinstance(v, (BooleanTrue, BooleanFalse)):
        return bool(v)
    raise ValueError(f"cannot evaluate {e}")


def split_shape(text: str) -> list[int | str]:
    """"1x96x55x55", "96×55×55", "1, 96, 55, 55" or with formulas "1x96xfloor((H-11)/4)+1x..." to entries."""
    body = text.strip()
    if len(body) >= 2 and (body[0], body[-1]) in (("(", ")"), ("[", "]")):
        body = body[1:-1]
    parts, depth, cur = [], 0, []
    i = 0
    funcs = ("floor", "ceiling", "ceil", "min", "max", "Min", "Max")
    while i < len(body):
        ch = body[i]
        if ch in "(⌊⌈":
            depth += 1
        elif ch in ")⌋⌉":
            depth -= 1
        if depth == 0 and (ch in ",×" or (ch in "xX" and not _in_function(body, i, funcs))):
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
        i += 1
    parts.append("".join(cur))
    return [int(p.strip()) if p.strip().isdigit() else p.strip() for p in parts]


def _in_function(body: str, i: int, funcs) -> bool:
    """Is the x at body[i] part of a function name such as max?"""
    return any(body[max(0, i - j):].startswith(f) for f in funcs for j in range(len(f)) if f[j] == body[i])


__all__ = ["FUNCTIONS", "FormulaError", "evaluate", "parse_formula", "split_shape"]
