"""Printing maths correctly, everywhere: every size, parameter and MACs expression that the documents of
every bundled example print (derive, summary, rf, inputs; numeric and symbolic), in text, Markdown, LaTeX
and HTML, is read back by the parsers of tests/solutions/printers.py and must equal the expression it
was printed from, at 100%. A shape must read as a shape: × outermost, its sizes in order.

The maths filters of the four environments are wrapped to record (expression, printed form) while the
documents render; nothing else changes."""

from __future__ import annotations

import functools
import random

import pytest
from printers import latex_to_text, mathml_to_text, parse
from sympy import Basic, Integer, Symbol, sympify
from typeset import EXAMPLES, example_docs

from symcnn.core.render import environment, laid_out
from symcnn.solutions.steps import evaluate

FORMATS = ("text", "markdown", "latex", "html")
FILTERS = ("math", "number", "dims", "shape", "chain", "terms", "relation", "axes")


def _to_text(fmt: str, s: str, name: str = "") -> str:
    """The printed form in the text syntax (Markdown's math filter gives LaTeX without the $)."""
    s = str(s)
    if fmt == "latex" or (fmt == "markdown" and (s.startswith("$") or name == "math")):
        return latex_to_text(s.replace("$", ""))
    if fmt == "html":
        return mathml_to_text(s)
    return s


@functools.lru_cache(maxsize=None)
def _evaluated(e):
    return evaluate(e)


def _value(e):
    """The SymPy value of what was printed (display trees evaluated), with its symbols by name."""
    if isinstance(e, str) or e is None:
        return None
    e = _evaluated(e) if isinstance(e, Basic) else sympify(e)
    return e.xreplace({s: Symbol(s.name) for s in e.free_symbols})


_POINTS: dict = {}


def _equal(got, want) -> bool:
    """Exactly equal at several integer points (every symbol a positive size; floors exercised)."""
    if want is None:
        return True
    got, want = sympify(got), sympify(want)
    names = sorted({s.name for s in got.free_symbols | want.free_symbols})
    if not names:
        return got == want
    for seed in range(2):
        rng = _POINTS.setdefault((tuple(names), seed), random.Random(f"{names}{seed}"))
        at = {n: Integer(rng.randint(40, 400)) for n in names}
        g = got.xreplace({s: at[s.name] for s in got.free_symbols})
        w = want.xreplace({s: at[s.name] for s in want.free_symbols})
        if sympify(g - w) != 0:
            return False
    return True


def _expected(name: str, args: tuple, ctx):
    """What a filter call printed, as (kind, items): ("one", e), ("dims", [..]), ("chain", [..], sep)."""
    if name in ("math", "number"):
        return ("one", args[0])
    if name == "shape":
        return ("dims", list(laid_out(args[0], ctx.get("layout", "nchw"))))
    if name == "dims":
        return ("dims", list(args[0]))
    if name == "axes":
        vals = list(args[0])
        return ("one", vals[0]) if len({str(v) for v in vals}) == 1 else ("dims", vals)
    if name == "chain":
        return ("chain", list(args[0]), args[1] if len(args) > 1 else "=")
    if name == "terms":
        values, total = list(args[0]), args[1]
        return ("terms", values, total)
    r = args[0]
    return ("chain", [r.lhs, r.rhs], r.rel) if r.rel else ("one", r.lhs)


def _check(fmt: str, name: str, want, printed: str) -> str | None:
    """None when the printed form reads back as ``want``; else what is wrong."""
    try:
        node = parse(_to_text(fmt, printed, name))
    except ValueError as e:
        return f"unreadable: {e}"
    kind = want[0]
    if kind == "one":
        if isinstance(want[1], str):
            return None
        if isinstance(node, tuple) and node[0] == "chain":   # a relation printed whole: its sides are checked
            return None                                       # where they are printed (relation, chain)
        ok = not isinstance(node, tuple) and _equal(node, _value(want[1]))
        return None if ok else f"reads {node}"
    if kind == "dims":
        items = want[1]
        if len(items) == 1:
            return None if not isinstance(node, tuple) and _equal(node, _value(items[0])) else f"reads {node}"
        if not (isinstance(node, tuple) and node[0] == "dims" and len(node[1]) == len(items)):
            return f"is not a shape of {len(items)} sizes: {node}"
        bad = [i for i, (g, w) in enumerate(zip(node[1], items)) if not _equal(g, _value(w))]
        return f"size {bad} differs: {node}" if bad else None
    if kind == "chain":
        items = want[1]
        if len(items) == 1:
            return None
        if want[2] in ("+", "·"):    # a sum or a product written out
            if any(isinstance(w, str) for w in items):
                return None
            vals = [_value(w) for w in items]
            total = sum(vals, Integer(0)) if want[2] == "+" else functools.reduce(lambda a, b: a * b, vals)
            return None if not isinstance(node, tuple) and _equal(node, total) else f"reads {node}"
        if not (isinstance(node, tuple) and node[0] == "chain" and len(node[1]) == len(items)):
            return f"is not a chain of {len(items)}: {node}"
        bad = [i for i, (g, w) in enumerate(zip(node[1], items)) if not isinstance(w, str) and g is not None
               and not isinstance(g, tuple) and not _equal(g, _value(w))]
        return f"term {bad} differs: {node}" if bad else None
    values, total = want[1], want[2]
    if isinstance(node, tuple) and node[0] == "chain":
        got_sum, got_total = node[1]
        ok = _equal(got_sum, sum((_value(v) for v in values), Integer(0))) and _equal(got_total, _value(total))
        return None if ok else f"reads {node}"
    return None if _equal(node, _value(total)) else f"reads {node}"


@pytest.fixture
def recorded():
    """Wrap the maths filters of every format to record (filter, args, printed) while documents render."""
    calls: dict = {f: {} for f in FORMATS}
    saved = []
    for fmt in FORMATS:
        for lang in ("en",):
            env = environment(fmt, lang, None)   # the environment render() uses
            for name in FILTERS:
                orig = env.filters[name]
                saved.append((env, name, orig))

                def rec(*args, _orig=orig, _name=name, _fmt=fmt, **kw):
                    out = _orig(*args, **kw)
                    ctx = args[0] if _name == "shape" else {}
                    key = (_name, str(out))
                    if key not in calls[_fmt]:
                        calls[_fmt][key] = _expected(_name, args[1:] if _name == "shape" else args, ctx)
                    return out

                env.filters[name] = functools.update_wrapper(rec, orig)
            env.cache.clear()   # loaded templates hold the filters they were compiled with
    yield calls
    for env, name, orig in saved:
        env.filters[name] = orig
        env.cache.clear()


def test_every_printed_expression_reads_back_as_itself(recorded):
    """derive (full), summary, rf and inputs of every example, numeric and symbolic, in the four formats."""
    keep = {"numeric/derive-full", "symbolic/derive-full", "numeric/summary", "symbolic/summary",
            "numeric/rf", "symbolic/rf", "inputs"}
    for fmt in FORMATS:
        for path in EXAMPLES:
            for _ in example_docs(path, ("en",), fmt=fmt, standalone=True,
                                  want=lambda name, lang: name.split("/", 1)[1] in keep):
                pass
    failures, counts = [], {}
    for fmt, calls in recorded.items():
        counts[fmt] = len(calls)
        for (name, printed), want in calls.items():
            why = _check(fmt, name, want, printed)
            if why:
                failures.append(f"{fmt} {name}: {printed[:160]!r} {why[:200]}")
    assert all(n > 1000 for n in counts.values()), counts
    assert not failures, f"{len(failures)} of {sum(counts.values())} read back wrong:\n" + "\n".join(failures[:40])


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_issue_cases_read_back(fmt):
    """The two misprints of issue 18, printed by today's filters: shapes of sums, and inputs --solve."""
    from symcnn.core.render import environment
    from symcnn.core.symbols import H, W

    P = Symbol("P", integer=True)
    f = environment(fmt, "en").filters
    for seq in [(H - 4, W - 4, 10), (H + 2 * P - 8, 2 * P + W - 8)]:
        printed = f["dims"](seq)
        node = parse(_to_text(fmt, printed))
        assert node[0] == "dims" and len(node[1]) == len(seq), printed
    with pytest.raises(ValueError, match="parentheses"):
        parse("H + 2·P − 8 × 2·P + W − 8")


def test_a_misprint_is_caught():
    """The check is not vacuous: a shape without its parentheses, a wrong value, a lost size."""
    from symcnn.core.symbols import H, W

    assert _check("text", "dims", ("dims", [H - 4, W - 4, 10]), "H − 4×W − 4×10")
    assert _check("latex", "dims", ("dims", [H - 4, W - 4, 10]), r"$H - 4 \times W - 4 \times 10$")
    assert _check("text", "math", ("one", H - 4), "H − 5")
    assert _check("html", "dims", ("dims", [H, W, 3]), "<math><mi>H</mi><mo>×</mo><mi>W</mi></math>")
    assert _check("text", "dims", ("dims", [H - 4, W - 4, 10]), "(H − 4)×(W − 4)×10") is None
