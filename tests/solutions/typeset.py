"""The documents of the typesetting test (tests/solutions/test_typesetting.py): every bundled example,
numeric and symbolic, in English and Chinese, as LaTeX bodies; batched into one document per language
and style, compiled once, and every Overfull \\hbox traced back to the document it is in.

Run it on its own to look at the pages:  python tests/solutions/typeset.py OUT_DIR  (writes the .tex,
the .pdf and the list of documents with their pages)."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples").glob("*.py"))
LANGS = {"en": "pdflatex", "zh": "xelatex"}
WIDEST = ("line", "input_size", "output_size", "kernel_size", "num_params", "params_percent", "trainable", "macs",
          "flops", "activation_bytes")
OVERFULL = re.compile(r"Overfull \\hbox \(([\d.]+)pt too wide\) (?:in paragraph|in alignment|detected) at lines? (\d+)")


@dataclass(slots=True)
class Doc:
    name: str       # e.g. "alexnet/symbolic/derive-full"
    lang: str
    style: str      # the preamble it needs: full or compact
    body: str


def traces(path: Path):
    """(numeric, symbolic) traces of an example: its own input, and H, W (L, or T, H, W) as symbols."""
    from symcnn.core.symbols import SPATIAL
    from symcnn.tracing.tracer import trace

    num = trace(path)
    num.source = f"examples/{path.name}"
    shape = tuple(num.input_shape)
    sym = trace(path, input_shape=(*shape[:2], *SPATIAL[len(shape) - 2]))
    sym.source = num.source
    return num, sym


def example_docs(path: Path, langs=tuple(LANGS), fmt: str = "latex", standalone: bool = False,
                 want=lambda name, lang: True) -> Iterator[Doc]:
    """derive (full and compact), summary (also at --depth 2 with every column), rf of the numeric and the
    symbolic trace; inputs; and the feedback ``symcnn check --solution`` gives on a sheet with wrong answers
    (``graded``); LaTeX bodies to batch, or (``standalone``) whole documents of any format; only those
    ``want(name, lang)`` keeps."""
    from symcnn.analysis.inputsdoc import inputs_context
    from symcnn.analysis.rf import receptive_fields
    from symcnn.analysis.rfdoc import rf_context
    from symcnn.analysis.validity import valid_inputs
    from symcnn.core.render import render
    from symcnn.grading.feedback import render_report
    from symcnn.solutions.derivation import derive
    from symcnn.solutions.jsonout import render_summary

    num, sym = traces(path)
    for kind, tr in (("numeric", num), ("symbolic", sym)):
        d = derive(tr)
        rf = rf_context(receptive_fields(tr.steps, tr.input_shape))
        for lang in langs:
            at = f"{path.stem}/{kind}"
            for style in ("full", "compact"):
                if want(f"{at}/derive-{style}", lang):
                    yield Doc(f"{at}/derive-{style}", lang, style, d.render(fmt, lang, standalone, style=style))
            if want(f"{at}/summary", lang):
                yield Doc(f"{at}/summary", lang, "full", render_summary(tr, fmt=fmt, lang=lang, standalone=standalone,
                                                                         convention="flop"))
            if want(f"{at}/summary-depth2", lang):   # module rows and every column: the widest table
                yield Doc(f"{at}/summary-depth2", lang, "full", render_summary(
                    tr, fmt=fmt, lang=lang, standalone=standalone, convention="flop", depth=2, columns=WIDEST))
            if want(f"{at}/rf", lang):
                yield Doc(f"{at}/rf", lang, "full", render("rf/rf", fmt, lang, standalone=standalone, **rf))
            if kind == "numeric" and want(f"{at}/check-solution", lang):
                yield Doc(f"{at}/check-solution", lang, "full",
                          render_report(graded(tr, lang), fmt, lang, solution=True, standalone=standalone))
    ctx = inputs_context(valid_inputs(sym), range(1, 257))
    for lang in langs:
        if want(f"{path.stem}/inputs", lang):
            yield Doc(f"{path.stem}/inputs", lang, "full", render("inputs/inputs", fmt, lang, standalone=standalone,
                                                                  mode="conditions", **ctx))


def graded(tr, lang: str):
    """A graded sheet of a numeric trace with every kind of feedback: the first three layers with
    parameters and MACs, each with its params off by one (no known mistake), its MACs doubled (macs_vs_flops)
    and its output shape left blank ("no answer"), and the total MACs doubled."""
    from symcnn.grading.answers import loads
    from symcnn.grading.check import Grader

    g = Grader(trace=tr, lang=lang)
    truth = g.truth(tr, "mac")
    names = [n for n in (truth.display[s.index] for s in tr.steps if s.rule is not None and s.rule.params != 0)
             if truth.expected(n, "macs") != 0][:3]
    toml = "".join(f'[layers."{n}"]\nparams = {int(truth.expected(n, "params")) + 1}\n'
                   f'macs = {2 * int(truth.expected(n, "macs"))}\noutput_shape = ""\n' for n in names)
    report = g.grade(loads(toml + f"[total]\nmacs = {2 * int(tr.total_macs)}\n", "answers.toml"))
    assert report.error is None and not any(i.correct for i in report.items), report.error
    return report


def formula_docs(langs=tuple(LANGS), fmt: str = "latex", standalone: bool = False) -> Iterator[Doc]:
    """``symcnn formula`` of every layer type."""
    from symcnn.rules.base import RULES
    from symcnn.solutions.formula import formula

    for key, cls in RULES.items():
        if cls is None:
            continue
        f = formula(key)
        for lang in langs:
            yield Doc(f"formula/{key}", lang, "full", f.render(fmt, lang, standalone=standalone))


def document(docs: list[Doc], lang: str, style: str) -> tuple[str, list[tuple[int, str]]]:
    """One LaTeX document of the bodies of ``docs`` (the preamble of a standalone document), and the
    first line of each body."""
    from symcnn.core.render import render

    text = render("_preamble", "latex", lang, style=style)
    starts = []
    for doc in docs:
        text += f"\n\\clearpage\n% ---- {doc.name}\n"
        starts.append((text.count("\n") + 1, doc.name))
        text += doc.body
    return text + "\n\\end{document}\n", starts


def compile_one(tex: str, folder: Path, engine: str, timeout: float = 900) -> str:
    """Compile doc.tex in ``folder`` once; the log."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "doc.tex").write_text(tex, encoding="utf-8")
    subprocess.run([engine, "-interaction=nonstopmode", "-halt-on-error", "doc.tex"], check=False, cwd=folder,
                   capture_output=True, timeout=timeout)
    return (folder / "doc.log").read_text(encoding="utf-8", errors="replace")


def problems(log: str, starts: list[tuple[int, str]], limit_pt: float = 1.0) -> list[str]:
    """Errors, Rerun warnings and Overfull \\hbox over ``limit_pt``, each with the document it is in."""
    out = []
    if "Rerun" in log:
        out += [ln for ln in log.splitlines() if "Rerun" in ln]
    out += [ln for ln in log.splitlines() if ln.startswith("! ")]
    for m in OVERFULL.finditer(log):
        if float(m.group(1)) > limit_pt:
            line = int(m.group(2))
            name = max((s for s in starts if s[0] <= line), default=(0, "preamble"))[1]
            out.append(f"{name}: Overfull \\hbox {m.group(1)}pt at line {line}")
    return out


if __name__ == "__main__":
    import sys
    from concurrent.futures import ThreadPoolExecutor

    out = Path(sys.argv[1] if len(sys.argv) > 1 else "typeset")
    docs = [d for p in EXAMPLES for d in example_docs(p)] + list(formula_docs())
    groups = {}
    for d in docs:
        groups.setdefault((d.lang, d.style), []).append(d)

    def run(key):
        tex, starts = document(groups[key], *key)
        log = compile_one(tex, out / f"{key[0]}-{key[1]}", LANGS[key[0]])
        return key, problems(log, starts)

    with ThreadPoolExecutor(2) as pool:
        for key, found in pool.map(run, groups):
            print(key, len(groups[key]), "documents", *found[:50], sep="\n  ")
