"""Worked solutions of the sequence layers: the defining equations, every learnable tensor with its
shape in symbols and numbers (grouped as they repeat: layer 0 and the layers above, per direction; one
group per Transformer sub-layer), each matmul of the MACs step by step and attention's per-head sizes,
in text, Markdown, LaTeX and HTML, English and Chinese; the LaTeX (numeric and symbolic) compiles; the
HTML of every sequence test net is valid HTML5 with the Markdown's content, its equations as MathML."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from symcnn.core.symbols import L, N
from symcnn.core.userinput import InputSpec
from symcnn.solutions.derivation import derive, render_derivation
from symcnn.tracing.tracer import trace

NETS = Path(__file__).resolve().parents[1] / "flops" / "nets"


def _d(name, shape=None):
    """The worked solution of a net, at another (symbolic) input shape of the same dtype if given."""
    if shape is not None:
        shape = InputSpec(shape, trace(NETS / f"{name}.py").input_dtypes[0])
    return derive(trace(NETS / f"{name}.py", input_shape=shape))


def _layer(d, name):
    return next(lay for lay in d.layers if lay.name == name)


def test_lstm_tensors_terms_and_text():
    d = _d("seq_lstm_classifier")
    q = _layer(d, "lstm").sequence
    assert q.kind == "lstm"
    first, above = q.groups
    assert [(r.name, tuple(map(int, r.values))) for r in first.tensors] == [
        ("weight_ih_l0", (192, 32)), ("weight_hh_l0", (192, 48)), ("bias_ih_l0", (192,)), ("bias_hh_l0", (192,))]
    assert (first.each, first.count.value, first.total) == (15744, 2, 31488)
    assert above.tensors[0].values == (192, 96) and above.total == 56064      # layer 1 reads both directions
    assert first.total + above.total == 87552                                    # = torch's parameter count
    terms = dict(q.terms)
    assert terms["input"].value + terms["hidden"].value == 1720320 == _layer(d, "lstm").macs_value
    text = render_derivation(d, "text", "en")
    for s in ("c_t = f_t ⊙ c_(t−1) + i_t ⊙ g_t", "weight_ih_l0  4·h×F_in  = 192×32  6,144",
              "15,744 × 2 = 31,488", "input matmuls W_ih·x_t", "MACs = 8·N·L·n_l·h^2"):
        assert s in text, s
    zh = render_derivation(d, "text", "zh")
    assert "可学习的张量" in zh and "隐状态矩阵乘" in zh


def test_lstm_projection_group():
    import symcnn
    from symcnn.core.symbols import F_in, Hid
    r = symcnn.make("nn.LSTM", F_in, Hid, 2, proj_size=3)
    names = [n for n, _ in r.param_groups()[0][1]]
    assert names[-1] == "weight_hr_l0" and r.param_groups()[1][1][0][1] == (4 * Hid, 3)


def test_attention_heads_and_matmuls():
    d = _d("seq_conv_attention")
    q = _layer(d, "attn").sequence
    assert q.kind == "mha" and q.head.heads == 4 and q.head.head_dim.value == 8
    assert q.head.q == (64, 8) and q.head.scores == (64, 64)
    terms = dict(q.terms)
    assert set(terms) == {"q_proj", "k_proj", "v_proj", "scores", "weighted_sum", "out_proj"}
    assert terms["scores"].value == 64 * 64 * 32 and sum(c.value for c in terms.values()) == _layer(d, "attn").macs_value
    md = render_derivation(d, "markdown", "en")
    assert "d_h = \\frac{E}{n_{h}} = 8" in md and "scores $Q K^{\\top}$ (all heads)" in md


def test_transformer_groups_and_parts():
    d = _d("seq_transformer_s2s")
    q = _layer(d, "transformer").sequence
    labels = [g.label for g in q.groups]
    assert labels[:2] == ["encoder.layers.self_attn", "encoder.layers.linear1"] and "decoder.norm" in labels
    assert sum(g.total for g in q.groups) == _layer(d, "transformer").params
    assert [(p.name, p.type) for p in q.parts] == [("encoder", "TransformerEncoder"), ("decoder", "TransformerDecoder")]
    assert sum(p.macs for p in q.parts) == _layer(d, "transformer").macs_value


def test_self_attention_is_quadratic_in_the_length():
    d = _d("seq_lstm_classifier", (N, L))
    assert d.macs.as_poly(L).degree() == 1
    t = trace(NETS / "seq_vit.py")
    enc = next(s for s in t.steps if s.key == "nn.TransformerEncoder")
    sym = enc.rule((N, L, 48))
    assert sym.macs.as_poly(L).degree() == 2


def _compile(engine, tex, tmp_path):
    (tmp_path / "doc.tex").write_text(tex, encoding="utf-8")
    r = subprocess.run([engine, "-interaction=nonstopmode", "-halt-on-error", "doc.tex"], cwd=tmp_path, check=False,
                       capture_output=True, text=True, timeout=180)
    assert r.returncode == 0, r.stdout[-3000:]
    if not shutil.which("pdftotext"):
        pytest.fail("pdftotext is needed to check the page text")
    return subprocess.run(["pdftotext", "doc.pdf", "-"], cwd=tmp_path, capture_output=True, text=True,
                          check=True).stdout


@pytest.mark.parametrize(("net", "shape"), [("seq_lstm_classifier", None), ("seq_lstm_classifier", (N, L)),
                                            ("seq_gru_encoder", (L, N)), ("seq_conv_attention", None),
                                            ("seq_transformer_s2s", None), ("seq_cells", None)])
def test_latex_compiles_en_and_zh(pdflatex, xelatex, tmp_path, net, shape):
    d = _d(net, shape)
    (tmp_path / "en").mkdir()
    (tmp_path / "zh").mkdir()
    text = _compile(pdflatex, render_derivation(d, "latex", "en"), tmp_path / "en")
    assert "Equations" in text and "Learnable tensors" in text
    text = _compile(xelatex, render_derivation(d, "latex", "zh"), tmp_path / "zh")
    assert "公式" in text and "可学习的张量" in text


# --- HTML: the same content as LaTeX and Markdown, maths as MathML ---------------------------------------
SEQUENCE_NETS = sorted(NETS.glob("seq_*.py")) + [NETS.parents[1] / "grading" / "answers" / "nets" / "seq_student.py"]


def _numbers(text: str) -> set[str]:
    """Every number of a document (grouped as printed; LaTeX's 34{,}848 read as 34,848)."""
    import re

    return set(re.findall(r"\d+(?:,\d{3})*", text.replace("{,}", ",")))


@pytest.mark.parametrize("path", SEQUENCE_NETS, ids=lambda p: p.stem)
def test_html_of_every_sequence_net_is_valid_with_the_markdown_content(path):
    """Every sequence test net, en and zh: valid HTML5, each sequence layer's equations as MathML (as
    many as equations.toml has), its parameter count and each group and matmul value shown, and every
    number of the Markdown solution on the page."""
    from htmlcheck import check_page, text_of

    from symcnn.core.render import environment

    d = derive(trace(path))
    seq = [lay for lay in d.layers if lay.sequence is not None]
    assert seq, path.name
    equations = environment("html", "en").globals["equations"]["latex"]
    for lang, words in (("en", ("Equations", "Learnable tensors")), ("zh", ("公式", "可学习的张量"))):
        page = render_derivation(d, "html", lang)
        tree = check_page(f"{path.stem} ({lang})", page)
        seen = text_of(tree, spaces=False)
        assert page.count('<math display="block">') == sum(len(equations[lay.sequence.kind]) for lay in seq)
        assert "<mtable>" in page or not any(lay.sequence.kind.startswith(("lstm", "gru")) for lay in seq)
        for lay in seq:
            q = lay.sequence
            assert f"{int(lay.params):,}" in seen and (not q.groups or words[1].replace(" ", "") in seen), lay.name
            for g in q.groups:
                each, count, total = (f"{int(v):,}" for v in (g.each, g.count.value, g.total))
                assert f"{each}×{count}={total}" in seen, (lay.name, g.label)
            for key, c in q.terms:
                assert f"={int(c.value):,}" in seen, (lay.name, key)
        assert words[0] in seen and "MACs" in seen
        missing = _numbers(render_derivation(d, "markdown", lang)) - _numbers(text_of(tree))
        assert not missing, (path.stem, lang, sorted(missing)[:20])


def test_html_lstm_numbers_symbolic_and_compact():
    """The LSTM classifier: its 87,552 parameters as torch counts them, the per-group sums, and the
    symbolic MACs in L; the compact style keeps every value."""
    from htmlcheck import check_page, text_of

    d = _d("seq_lstm_classifier")
    for style in ("full", "compact"):
        seen = text_of(check_page(style, d.render("html", "en", style=style)), spaces=False)
        for s in ("87,552", "15,744×2=31,488", "28,032×2=56,064", "=983,040", "=737,280", "weight_ih_l0",
                  "192×32", "c t=f t⊙c t−1+i t⊙g t".replace(" ", "")):
            assert s in seen, (style, s)
    sym = _d("seq_lstm_classifier", (N, L))
    page = sym.render("html", "zh")
    seen = text_of(check_page("symbolic", page), spaces=False)
    assert "MACs=8·N·L·nl·h2" in seen and "可学习的张量" in seen     # the hidden matmuls: 8·N·L·n_l·h²
    assert "<msub><mi>n</mi><mi>l</mi></msub><mo>&#183;</mo><msup><mi>h</mi><mn>2</mn></msup>" in page
