"""symcnn check: planted mistakes are named exactly, formulas are decided, broken files are one line.

The planted values are what a student who made that mistake writes, worked out by hand in the
comments (never by calling the mistake code).
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from symcnn.core.symbols import H
from symcnn.grading.answers import AnswersError, loads
from symcnn.grading.check import Grader
from symcnn.grading.mistakes import MISTAKES

ROOT = Path(__file__).resolve().parents[2]
EX = ROOT / "examples"
NETS = Path(__file__).resolve().parent / "answers" / "nets"
ALEX, MNIST, DILATED, BN, GROUPED = (str(EX / "alexnet.py"), str(EX / "mnist.py"), str(EX / "dilated.py"),
                                     str(EX / "bn_net.py"), str(NETS / "grouped_ceil.py"))
DILATED2 = str(NETS / "dilated2.py")
SEQ = str(NETS / "seq_student.py")
_GRADERS: dict = {}


def grader(net: str, lang: str = "en") -> Grader:
    if (net, lang) not in _GRADERS:
        _GRADERS[net, lang] = Grader(net, lang=lang)
    return _GRADERS[net, lang]


def grade(net: str, toml: str, lang: str = "en"):
    r = grader(net, lang).grade(loads(toml, "answers.toml"))
    assert r.error is None, r.error
    return r


def one(net, toml, lang="en"):
    r = grade(net, toml, lang)
    assert len(r.items) == 1
    return r.items[0]


# (net, [input] shape or None, layer or None for total, field, planted value, mistake id, origin)
PLANTED = [
    # AlexNet conv1 11x11/4 on 227: ⌊(227 − 11)/4⌋ = 54 without the + 1
    (ALEX, None, "conv1", "output_shape", [1, 96, 54, 54], "forgot_plus_one", None),
    # conv2 5x5 p2 on 27: 27 + 2 − 5 + 1 = 25 with the padding on one side only
    (ALEX, None, "conv2", "output_shape", [1, 256, 25, 25], "padding_one_side", None),
    # conv1 7x7/2 p3 on 224: (224 + 6 − 7)/2 = 111.5, rounded up 112, + 1 = 113 (true 112)
    (GROUPED, None, "conv1", "output_shape", [1, 64, 113, 113], "ceil_instead_of_floor", None),
    # pool1 3/2 ceil_mode on 112: ⌈109/2⌉ + 1 = 56 true, ⌊109/2⌋ + 1 = 55 rounded down
    (GROUPED, None, "pool1", "output_shape", [1, 64, 55, 55], "floor_instead_of_ceil", None),
    # conv1 weights 96·3·11·11 = 34848, bias left out
    (ALEX, None, "conv1", "params", 34848, "forgot_bias", None),
    # bn_net conv1 has bias=False: 16·3·3·3 = 432, plus 16 biases that do not exist
    (BN, None, "conv1", "params", 448, "counted_bias_when_none", None),
    # conv1 96·11·11 + 96 = 11712 without the 3 input channels
    (ALEX, None, "conv1", "params", 11712, "forgot_input_channels", None),
    # conv2 groups=4: 128·64·9 + 128 = 73856 instead of 128·16·9 + 128
    (GROUPED, None, "conv2", "params", 73856, "groups_ignored", None),
    # dilated conv2 k3 d3 p1 on 7: with K = 3 instead of 7: 7 + 2 − 3 + 1 = 7
    (DILATED, None, "conv2", "output_shape", [1, 8, 7, 7], "dilation_ignored", None),
    # Conv2d(3, 8, 3, padding=3, dilation=2) on 32: kernel (3 + 1)(2 − 1) + 3 = 7: 32 + 6 − 7 + 1 = 32 (true 34)
    (DILATED2, None, "conv", "output_shape", [1, 8, 32, 32], "dilation_rf_formula", None),
    # the same conv with seed 001's sign error: 32 − 6 − 5 + 1 = 22
    (DILATED2, None, "conv", "output_shape", [1, 8, 22, 22], "padding_subtracted", None),
    # AlexNet conv2 5x5 p2 on 27 without padding: 27 − 5 + 1 = 23
    (ALEX, None, "conv2", "output_shape", [1, 256, 23, 23], "padding_ignored", None),
    # ConvTranspose2d k3 s2 p1 on 3 with the conv formula: ⌊(3 + 2 − 2 − 1)/2⌋ + 1 = 2 (true 5)
    (DILATED, None, "conv3", "output_shape", [1, 16, 2, 2], "transposed_as_conv", None),
    # conv1 FLOPs 2·105,415,200 given as MACs
    (ALEX, None, "conv1", "macs", 210830400, "macs_vs_flops", None),
    # conv1 MACs over the 227x227 input grid: 227·227·96·3·11·11
    (ALEX, None, "conv1", "macs", 227 * 227 * 96 * 3 * 11 * 11, "flops_with_input_size", None),
    # bn1 (16 channels): 4·16 = 64 with running_mean and running_var
    (BN, None, "bn1", "params", 64, "bn_running_stats", None),
    # a 3x3 max pool has no parameters
    (ALEX, None, "pool1", "params", 9, "pool_has_params", None),
    # fc1 with the 256·13·13 = 43264 features before pool3: 43264·4096 + 4096
    (ALEX, None, "fc1", "params", 177213440, "flatten_before_pool", None),
    # batch of 4: conv1 MACs of a single image
    (ALEX, [4, 3, 227, 227], "conv1", "macs", 105415200, "off_by_batch", None),
    # MNIST fc1 with the 20·8·8 = 1280 features before the second pool: 1280·50 + 50
    (MNIST, None, "fc1", "params", 64050, "flatten_before_pool", None),
    # MNIST: the flattened size 1280 instead of 320
    (MNIST, None, "view", "output_shape", [1, 1280], "flatten_before_pool", None),
    # an extra batch dimension
    (MNIST, None, "conv1", "output_shape", [1, 1, 10, 24, 24], "off_by_batch", None),
    # the seed 003 table writes 55×55×96 (channels last)
    (ALEX, None, "conv1", "output_shape", "55x55x96", "channels_last", None),
    # follows from an earlier mistake: conv2 without dilation gives 7x7, the transposed conv on 7:
    # (7 − 1)·2 − 2 + 2 + 0 + 1 = 13
    (DILATED, None, "conv3", "output_shape", [1, 16, 13, 13], "dilation_ignored", "conv2"),
    # totals: AlexNet without any bias: 62,378,344 − (96 + 256 + 384 + 384 + 256 + 4096 + 4096 + 1000)
    (ALEX, None, None, "params", 62378344 - 10568, "forgot_bias", "all"),
    # BN net with 4C for both BatchNorms: 25,626 + 2·16 + 2·32
    (BN, None, None, "params", 25626 + 96, "bn_running_stats", "all"),
    # total FLOPs 2 × MACs given for the MACs
    (MNIST, None, None, "macs", 2 * 480500, "macs_vs_flops", None),
    # seq_student.py: LSTM(10, 20, num_layers=2, bidirectional=True) has 2·[4·(20·10 + 20·20 + 2·20)
    # + 4·(20·40 + 20·20 + 2·20)] = 2·(2560 + 4960) = 15,040 parameters. One bias per gate (Keras):
    # 2·[4·(20·(20 + 10) + 20) + 4·(20·(20 + 40) + 20)] = 2·(2480 + 4880)
    (SEQ, None, "lstm", "params", 14720, "one_bias_per_gate", None),
    # no ×4: 2·[(200 + 400 + 40) + (800 + 400 + 40)]
    (SEQ, None, "lstm", "params", 3760, "forgot_gates", None),
    # one direction: 2560 + 4960
    (SEQ, None, "lstm", "params", 7520, "bidirectional_once", None),
    # layer 1 with input_size 10 instead of 2·20: 2·[2560 + 4·(20·10 + 20·20 + 2·20)]
    (SEQ, None, "lstm", "params", 10240, "stacked_input_size", None),
    # GRU(40, 16) without ×3: 16·40 + 16·16 + 2·16 (true 3·928 = 2784)
    (SEQ, None, "gru", "params", 928, "forgot_gates", None),
    # MultiheadAttention(16, 4): in_proj 3·16·16 + 48, out_proj 16·16 + 16 = 1088; without out_proj: 816
    (SEQ, None, "attn", "params", 816, "mha_forgot_out_proj", None),
    # divided by the 4 heads: 1088/4
    (SEQ, None, "attn", "params", 272, "mha_split_heads_params", None),
    # attention MACs (N = 2, L = L_s = 5, E = 16): projections 4·2·5·16·16 = 10,240, QKᵀ and AV 2·5·5·16 = 800
    # each; without QKᵀ and AV: 10,240
    (SEQ, None, "attn", "macs", 10240, "attention_forgot_scores", None),
    # TransformerEncoderLayer(16, 4, 32): 1088 + (16·32 + 32) + (32·16 + 16) + 2·2·16 = 2224; the self-attention
    # without out_proj: 2224 − 272
    (SEQ, None, "block", "params", 1952, "mha_forgot_out_proj", None),
    # its MACs 11,840 + 2·(2·5·16·32) = 22,080 without the 1,600 of QKᵀ and AV
    (SEQ, None, "block", "macs", 20480, "attention_forgot_scores", None),
]


def _toml(shape, layer, field, value, options: str = "") -> str:
    head = f"[input]\nshape = {json.dumps(shape)}\n" if shape else ""
    head += f"[options]\n{options}\n" if options else ""
    table = f'[layers."{layer}"]' if layer else "[total]"
    return f"{head}{table}\n{field} = {json.dumps(value)}\n"


def check_planted(net, shape, layer, field, value, mid, origin, options: str = ""):
    """The planted value is wrong, named as mistake ``mid`` made at ``origin``, with the correct step."""
    it = one(net, _toml(shape, layer, field, value, options))
    assert not it.correct
    assert [d.id for d in it.diagnosis] == [mid], (it.expected, it.diagnosis)
    assert it.diagnosis[0].origin == origin
    assert it.how  # the correct step is shown


def planted_id(p) -> str:
    return f"{p[5]}-{Path(p[0]).stem}-{p[2] or 'total'}.{p[3]}"


@pytest.mark.parametrize(("net", "shape", "layer", "field", "value", "mid", "origin"), PLANTED,
                         ids=[planted_id(p) for p in PLANTED])
def test_planted_mistake_is_named(net, shape, layer, field, value, mid, origin):
    check_planted(net, shape, layer, field, value, mid, origin)


def test_every_mistake_id_is_planted():
    from test_mistakes import PLANTED as MORE

    assert {p[5] for p in PLANTED + MORE} | {"carried_forward"} == set(MISTAKES)


@pytest.mark.parametrize("shape", ["55x55x96", [1, 55, 55, 96]])
def test_channels_last_shape_is_named(shape):
    it = one(ALEX, _toml(None, "conv1", "output_shape", shape))
    assert not it.correct and [d.id for d in it.diagnosis] == ["channels_last"]


def test_wrong_shape_carried_forward_from_the_students_own_answer():
    # conv1 20x20 is no known mistake (true 24); the pool then gives 10, and conv2 on 10x10 gives 6x6
    r = grade(MNIST, '[layers.conv1]\noutput_shape = [1, 10, 20, 20]\n[layers."F.max_pool2d#1"]\n'
                     'output_shape = "10x10x10"\n[layers.conv2]\noutput_shape = "20x6x6"\n')
    conv1, pool, conv2 = r.items
    assert conv1.diagnosis == [] and conv1.note == "wrong in dimension 2, 3 (counting from 0)"
    assert [(d.id, d.origin) for d in conv2.diagnosis] == [("carried_forward", "F.max_pool2d#1")]
    assert conv2.diagnosis[0].message == ("follows from your own answer for F.max_pool2d#1: given that answer "
                                          "this step is right; correct F.max_pool2d#1 first")
    assert not pool.correct and not conv2.correct


def test_flops_field_with_the_answers_convention():
    it = one(ALEX, '[options]\nflops = "flop"\n[layers.conv1]\nflops = 105415200\n')
    assert it.expected == 2 * 105415200
    # the MACs are the count of the mul and mac conventions: named, with the convention asked
    assert [d.id for d in it.diagnosis] == ["flops_convention"]
    assert it.diagnosis[0].message == ("counted with another FLOPs convention (mul, mac); this sheet asks for flop "
                                       "(2 × MACs: each multiply-accumulate is one multiplication and one addition)")
    it = one(ALEX, '[options]\nflops = "flop"\n[layers.conv1]\nflops = 210830400\n')
    assert it.correct


def test_transposed_macs_counted_on_the_output_grid():
    # ConvTranspose2d(8, 16, 3): |in|·(C_out/g)·K = 1·8·3·3·16·9 = 10,368; on the output grid 16·5·5·8·9 = 28,800
    it = one(DILATED, "[layers.conv3]\nmacs = 28800\n")
    assert it.expected == 10368
    assert [d.id for d in it.diagnosis] == ["transposed_as_conv"]


def test_every_mistake_has_en_and_zh_messages():
    for m in MISTAKES.values():
        assert m.en and m.zh and m.en != m.zh
        assert any("\u4e00" <= ch <= "\u9fff" for ch in m.zh)


def test_zh_message_and_origin():
    it = one(DILATED, _toml(None, "conv3", "output_shape", [1, 16, 13, 13]), lang="zh")
    assert it.diagnosis[0].message.startswith("由 conv2 的错误导致")
    assert "空洞" in it.diagnosis[0].message


def test_correct_answers_score_full_marks():
    r = grade(ALEX, """
[input]
shape = [1, 3, 227, 227]
[layers.conv1]
output_shape = [1, 96, 55, 55]
params = 34944
macs = 105415200
[layers.pool3]
output_shape = "256x6x6"
[layers.fc1]
params = 37752832
[total]
params = 62378344
macs = 1135256096
output_shape = [1, 1000]
""")
    assert [i.correct for i in r.items] == [True] * 8
    assert (r.score, r.max_score) == (8, 8)


def test_unknown_mistake_says_how_far_off_and_the_correct_step():
    it = one(ALEX, "[layers.conv2]\nparams = 614000\n")
    assert it.diagnosis == []
    assert it.note == "off by -656 (-0.11%)"
    assert it.how == "256·96·5·5 + 256 = 614,656"


def test_points_from_the_answers_file():
    r = grade(ALEX, """
[layers.conv1]
params = 34944
macs = 1
[points]
default = 2
macs = 3
""")
    assert (r.score, r.max_score) == (2, 5)


# --- formulas ---------------------------------------------------------------------------------------

MNIST_SYM = '[input]\nshape = [1, 1, "H", "W"]\n'


@pytest.mark.parametrize("formula", ["floor((H-12)/4)", "floor((H-4)/4) - 2", "⌊(H − 12)/4⌋",
                                     "floor((floor((H-4)/2) - 4)/2)", "(H - 12)//4", "ceil((H - 15)/4)"])
def test_equivalent_formulas_are_accepted(formula):
    it = one(MNIST, MNIST_SYM + f'[layers."F.max_pool2d#2"]\noutput_shape = [1, 20, "{formula}", "floor((W-12)/4)"]\n')
    assert it.correct, (it.expected, it.given, it.note)


def test_formula_against_numeric_input_uses_the_spatial_symbols():
    r = grade(ALEX, '[layers.conv1]\noutput_shape = [1, 96, "floor((H - 11)/4) + 1", "floor((W - 11)/4) + 1"]\n'
                   'macs = "96*363*(floor((H-11)/4)+1)*(floor((W-11)/4)+1)"\n')
    assert [i.correct for i in r.items] == [True, True]


def test_wrong_formula_gets_a_counterexample_and_a_diagnosis():
    it = one(ALEX, '[layers.conv1]\noutput_shape = [1, 96, "floor((H - 11)/4)", "floor((W - 11)/4)"]\n')
    assert not it.correct
    # the symbolic AlexNet is valid only where pool3 gives 6x6 (fc1 needs 9216 features): H, W in 227..230
    assert it.note == "at H=227, W=227: expected 55, your formula gives 54"
    assert [d.id for d in it.diagnosis] == ["forgot_plus_one"]


def test_wrong_formula_that_agrees_at_some_sizes():
    # floor(H/4) - 3 equals floor((H - 12)/4); floor((H - 13)/4) differs whenever 4 divides H - 12
    it = one(MNIST, MNIST_SYM + '[layers."F.max_pool2d#2"]\noutput_shape = [1, 20, "floor((H-13)/4)", "floor((W-12)/4)"]\n')
    assert not it.correct
    # valid inputs: 20·⌊(H − 12)/4⌋·⌊(W − 12)/4⌋ = 320 (the view); the first on the diagonal is 28
    assert it.note == "at H=28, W=28: expected 4, your formula gives 3"


# --- malformed answers files: one line with the TOML line number -----------------------------------

BAD = [
    ("[layers.conv1\nparams = 1\n", "answers.toml:1:14: invalid TOML: a [table] header has no closing ]"),
    ("[layers.conv1]\nparams = 1\n[layers.conv1]\n", "answers.toml:3:14: invalid TOML: the table [layers.conv1] is given twice"),
    ("[layers.conv1]\nparams = true\n", "answers.toml:2: layers.conv1.params is a boolean"),
    ("[layers.conv1]\nparams = 1\nmacs = 2\nparams = 3\n",
     "answers.toml:4:11: invalid TOML: a key is given twice (cannot overwrite a value)"),
    ("[layers.conv1]\nparams = [1, 2]\n", "answers.toml:2: layers.conv1.params is a list"),
    ("\n[layers.conv1]\nparam = 34944\n", "answers.toml:3: unknown field 'param' in [layers.conv1]. Fix: did you mean 'params'?"),
    ("[layer.conv1]\nparams = 1\n", "answers.toml:1: unknown table or key 'layer'. Fix: did you mean 'layers'?"),
    ("[layers.conv1]\nparams = nan\n", "answers.toml:2: layers.conv1.params is nan"),
    ("[layers.conv1]\nparams = inf\n", "answers.toml:2: layers.conv1.params is inf"),
    ("[layers.conv1]\nparams = 1" + "0" * 40 + "\n", "answers.toml:2: layers.conv1.params is too large"),
    ('[layers.conv1]\noutput_shape = [1, ""]\n', "answers.toml:2: layers.conv1.output_shape has an empty size"),
    ('[layers.conv1]\noutput_shape = {a = 1}\n', "answers.toml:2: layers.conv1.output_shape is a table"),
    ('[layers.conv1]\nparams = "floor((H-1)/2"\n',
     "answers.toml:2: layers.conv1.params: formula 'floor((H-1)/2' does not parse: it has a ( that is never closed"),
    ('[layers.conv1]\nparams = "Q + 1"\n', "answers.toml:2: layers.conv1.params: formula 'Q + 1' uses the unknown symbol 'Q'"),
    ('[layers.conv1]\nparams = "__import__(\'os\')"\n',
     "answers.toml:2: layers.conv1.params: formula \"__import__('os')\" calls __import__(), which is not allowed"),
    ('[layers.conv1]\nparams = "H.__class__"\n', "answers.toml:2: layers.conv1.params: formula 'H.__class__' contains attribute access"),
    ('[layers.conv1]\nparams = "[c for c in ()]"\n', "contains a loop (for ... in), which is not allowed"),
    ('\n\n[layers.conv6]\nparams = 1\n', "answers.toml:4: unknown layer 'conv6'. Fix: did you mean 'conv5'?"),
    ("[input]\nshape = [1, 3, 0, 227]\n", "answers.toml:2: input shape has the size 0"),
    ("[input]\nshape = [1, 3, 100, 100]\n[layers.conv1]\nparams = 1\n",
     "answers.toml:2: [input] shape 1×3×100×100 does not fit the net (alexnet.py:35: nn.Linear fc1: input's last dimension is 1024"),
    ('[points]\n"layers.conv1.params" = 2\n', "answers.toml:2: [points] names 'layers.conv1.params', which is not answered"),
    ('[options]\nflops = "flip"\n', "answers.toml:2: unknown FLOPs convention 'flip'"),
    ("[total]\nweights = 3\n", "answers.toml:2: unknown field 'weights' in [total]"),
    ("layers = 3\n", "answers.toml:1: 'layers' must be a table"),
]


@pytest.mark.parametrize(("toml", "start"), BAD, ids=[b[1][:40] for b in BAD])
def test_malformed_answers_give_one_line(toml, start):
    try:
        a = loads(toml, "answers.toml")
    except AnswersError as e:
        msg = str(e)
    else:
        r = grader(ALEX).grade(a)
        assert r.error is not None
        msg = r.error
    assert "\n" not in msg
    assert start in msg, msg


def test_formula_parser_rejects_code_without_running_it(tmp_path, monkeypatch):
    marker = tmp_path / "ran"
    evil = f"__import__('os').system('touch {marker}')"
    r = grader(ALEX).grade(loads(f'[layers.conv1]\nparams = "{evil}"\n', "a.toml"))
    assert r.error and "not allowed" in r.error
    assert not marker.exists()


# --- the command --------------------------------------------------------------------------------------

def _cli(runner, *args):
    from symcnn.cli.main import cli

    return runner.invoke(cli, list(args), catch_exceptions=False)


def test_cli_text_json_gradescope_and_exit_codes(runner, tmp_path):
    good = tmp_path / "good.toml"
    good.write_text("[layers.conv1]\nparams = 34944\n")
    bad = tmp_path / "bad.toml"
    bad.write_text("[layers.conv1]\nparams = 34848\n[points]\nparams = 2\n")
    r = _cli(runner, "check", ALEX, str(good))
    assert r.exit_code == 0, r.output
    assert r.output == "✓ layers.conv1.params  expected 34,944  given 34,944\nscore: 1/1\n"
    r = _cli(runner, "check", ALEX, str(bad))
    assert r.exit_code == 1
    assert r.output.startswith("✗ layers.conv1.params  expected 34,944  given 34,848  — forgot_bias: left out the bias")
    assert r.output.endswith("score: 0/2\n")
    r = _cli(runner, "check", ALEX, str(bad), "--format", "json")
    doc = json.loads(r.output)
    assert doc["score"] == 0 and doc["max_score"] == 2
    item = doc["items"][0]
    assert (item["key"], item["expected"], item["given"], item["correct"]) == ("layers.conv1.params", 34944, 34848, False)
    assert item["diagnosis"][0]["id"] == "forgot_bias"
    r = _cli(runner, "check", ALEX, str(bad), "--format", "gradescope", "--lang", "zh")
    gs = json.loads(r.output)
    assert gs["score"] == 0 and gs["tests"][0]["max_score"] == 2 and "漏了偏置" in gs["tests"][0]["output"]


def test_cli_broken_single_file_is_one_error_line(runner, tmp_path):
    f = tmp_path / "a.toml"
    f.write_text("[layers.conv1]\nparams = 'x'\n")
    r = _cli(runner, "check", ALEX, str(f))
    assert r.exit_code == 2
    assert r.stderr.count("\n") == 1
    assert r.stderr.startswith(f"symcnn: error: {f}:2: layers.conv1.params: formula 'x' uses the unknown symbol 'x'")


def test_cli_class_grading_with_a_broken_file_and_csv(runner, tmp_path):
    files = []
    for name, body in [("a.toml", "[layers.conv1]\nparams = 34944\n"), ("b.toml", "[layers.conv1]\nparams = 34848\n"),
                       ("c.toml", "[layers.conv1\n"), ("d.toml", "[total]\nparams = 62378344\n")]:
        (tmp_path / name).write_text(body)
        files.append(str(tmp_path / name))
    csv_path = tmp_path / "grades.csv"
    r = _cli(runner, "check", ALEX, *files, "--csv", str(csv_path))
    assert r.exit_code == 2
    lines = r.output.splitlines()
    assert lines[0] == f"{files[0]}  1/1"
    assert lines[1] == f"{files[1]}  0/1  wrong: layers.conv1.params (forgot_bias)"
    assert lines[2].startswith(f"{files[2]}  error: {files[2]}:1:14: invalid TOML")
    assert lines[3] == f"{files[3]}  1/1"
    rows = csv_path.read_text().splitlines()
    assert rows[0] == "file,score,max_score,status,wrong,diagnosis,error"
    assert rows[2] == f"{files[1]},0,1,wrong,layers.conv1.params,layers.conv1.params=forgot_bias,"
    assert rows[3].startswith(f"{files[2]},,,error,,,")


def test_cli_solution_shows_the_worked_derivation(runner, tmp_path):
    f = tmp_path / "a.toml"
    f.write_text("[layers.conv1]\noutput_shape = [1, 96, 54, 54]\n")
    r = _cli(runner, "check", ALEX, str(f), "--solution")
    assert r.exit_code == 1
    assert "⌊(227 + 2·0 − 1·(11 − 1) − 1)/4⌋ + 1 = 55" in r.output
    assert "conv1" in r.output.split("Worked solution of the wrong items:")[1]


def test_class_of_200_files_is_fast(tmp_path):
    g = Grader(ALEX)
    bodies = ["[layers.conv1]\nparams = 34848\noutput_shape = [1, 96, 54, 54]\n[layers.fc1]\nparams = 177213440\n"
              "[total]\nparams = 62378344\nmacs = 2270512192\n",
              "[layers.conv1]\nparams = 34944\nmacs = 105415200\n[layers.conv2]\noutput_shape = [1, 256, 25, 25]\n"
              "[total]\nmacs = 1135256096\n"]
    paths = []
    for i in range(200):
        p = tmp_path / f"s{i}.toml"
        p.write_text(bodies[i % 2] + f"[layers.relu{1 + i % 7}]\nmacs = {i}\n")
        paths.append(p)
    t0 = time.perf_counter()
    reports = [g.grade_file(p) for p in paths]
    dt = time.perf_counter() - t0
    assert all(r.error is None for r in reports)
    assert len(g._traces) == 1
    assert 200 / dt >= 20, f"{200 / dt:.1f} files/s"


# --- hardening: anything a student can put in the file is graded or one clear error ------------------

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

_VALUES = st.one_of(
    st.integers(-(10**40), 10**40), st.floats(allow_nan=True, allow_infinity=True), st.booleans(),
    st.text(max_size=30), st.sampled_from(["floor((H-11)/4)+1", "H*W", "__import__('os')", "1e5", "", "H/0",
                                           "max(H, W)", "(H**8)**8", "96x55x55", "ceil(W/3)"]),
    st.lists(st.one_of(st.integers(-5, 300), st.text(max_size=8)), max_size=6),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)


def _toml_value(v) -> str:
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, float):
        return {float("inf"): "inf", float("-inf"): "-inf"}.get(v, "nan" if v != v else repr(v))
    if isinstance(v, (int, str, list)):
        return json.dumps(v)
    return "{" + ", ".join(f"{json.dumps(k)} = {int(x)}" for k, x in v.items()) + "}"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(layer=st.sampled_from(["conv1", "pool1", "fc1", "conv7", "features.0"]),
       field=st.sampled_from(["params", "macs", "flops", "output_shape", "input_shape", "weights", "nope"]),
       value=_VALUES)
def test_fuzzed_answers_are_graded_or_one_clear_error(layer, field, value):
    text = f'[layers."{layer}"]\n{field} = {_toml_value(value)}\n'
    try:
        a = loads(text, "f.toml")
    except AnswersError as e:
        msg = str(e)
    else:
        r = grader(ALEX).grade(a)
        if r.error is None:
            assert len(r.items) == 1
            return
        msg = r.error
    assert "\n" not in msg and msg.startswith("f.toml")


@settings(max_examples=40, deadline=None)
@given(text=st.text(max_size=80))
def test_fuzzed_toml_text_never_crashes(text):
    try:
        a = loads(text, "f.toml")
    except AnswersError as e:
        assert "\n" not in str(e) and str(e).startswith("f.toml")
        return
    r = grader(ALEX).grade(a)
    assert r.error is None or "\n" not in r.error


def test_formula_that_would_be_slow_to_expand_is_decided_quickly():
    slow = "*".join(f"(H + {i})**8" for i in range(12))
    t0 = time.perf_counter()
    it = one(ALEX, f'[layers.conv1]\nmacs = "{slow}"\n')
    assert not it.correct
    assert time.perf_counter() - t0 < 5


# --- more of the command ------------------------------------------------------------------------------

def test_cli_input_option_and_answers_input_table(runner, tmp_path):
    f = tmp_path / "a.toml"
    # batch 2 from --input: conv1 MACs double
    f.write_text("[layers.conv1]\nmacs = 210830400\noutput_shape = [2, 96, 55, 55]\n")
    r = _cli(runner, "check", ALEX, str(f), "--input", "2x3x227x227")
    assert r.exit_code == 0, r.output
    # the answers file's [input] wins over the example input
    f.write_text("[input]\nshape = [1, 2, 15, 15]\n[layers.conv2]\noutput_shape = [1, 8, 11, 11]\n")
    r = _cli(runner, "check", DILATED, str(f))
    assert r.exit_code == 0, r.output


def test_cli_rejects_set_and_gradescope_for_a_class(runner, tmp_path):
    f = tmp_path / "a.toml"
    f.write_text("[layers.conv1]\nparams = 1\n")
    r = _cli(runner, "check", ALEX, str(f), "--set", "H=3")
    assert r.exit_code == 2 and r.stderr == ("symcnn: error: --set is not used by `symcnn check`. Fix: give the input "
                                             "in the answers file's [input] shape, or with --input\n")
    r = _cli(runner, "check", ALEX, str(f), str(f), "--format", "gradescope")
    assert r.exit_code == 2 and "reports on one submission, got 2 answers files" in r.stderr
    r = _cli(runner, "check", ALEX, str(tmp_path / "missing.toml"))
    assert r.exit_code == 2 and r.stderr.startswith(f"symcnn: error: {tmp_path / 'missing.toml'}: no such file")
    r = _cli(runner, "check", ALEX)
    assert r.exit_code == 2


def test_cli_gradescope_file_for_a_broken_submission(runner, tmp_path):
    f = tmp_path / "a.toml"
    f.write_text("[layers.conv1]\nparams = nan\n")
    out = tmp_path / "results.json"
    r = _cli(runner, "check", ALEX, str(f), "--format", "gradescope", "-o", str(out))
    assert r.exit_code == 2
    doc = json.loads(out.read_text())
    assert doc["score"] == 0 and doc["tests"] == [] and "layers.conv1.params is nan" in doc["output"]
    assert r.stderr == f"symcnn: error: {f}:2: layers.conv1.params is nan. Fix: give a whole number or a formula string\n"


def test_cli_json_keeps_formulas_as_written_and_class_json(runner, tmp_path):
    f = tmp_path / "a.toml"
    f.write_text('[layers.conv1]\noutput_shape = "1x96x(H-11)//4+1xfloor((W-11)/4)+1"\n')
    r = _cli(runner, "check", ALEX, str(f), "--json")
    item = json.loads(r.output)["items"][0]
    assert item["correct"] and item["given"] == [1, 96, "(H-11)//4+1", "floor((W-11)/4)+1"]
    assert item["expected"] == [1, 96, "floor((H - 7)/4)", "floor((W - 7)/4)"]   # canonical form
    r = _cli(runner, "check", ALEX, str(f), str(f), "--json")
    assert [d["score"] for d in json.loads(r.output)["files"]] == [1, 1]


def test_class_of_200_files_with_formulas_is_fast(tmp_path):
    g = Grader(ALEX)
    body = ('[layers.conv1]\noutput_shape = [1, 96, "floor((H-11)/4)+1", "floor((W - 11)/4)+1"]\n'
            'macs = "96*363*(floor((H-11)/4)+1)*(floor((W-11)/4)+1)"\n[layers.conv2]\nparams = 614400\n')
    paths = []
    for i in range(200):
        p = tmp_path / f"s{i}.toml"
        p.write_text(body + f"[total]\nparams = {62378344 + i % 3}\n")
        paths.append(p)
    t0 = time.perf_counter()
    reports = [g.grade_file(p) for p in paths]
    dt = time.perf_counter() - t0
    assert all(r.error is None for r in reports)
    assert [i.correct for i in reports[0].items] == [True, True, False, True]
    assert 200 / dt >= 20, f"{200 / dt:.1f} files/s"


def test_symbolic_input_in_the_answers_file():
    r = grade(MNIST, '[input]\nshape = [1, 1, "H", "W"]\n[layers.conv1]\nparams = 250\noutput_shape = [1, 10, 24, 24]\n'
                     'input_shape = "1x1xHxW"\n[total]\nparams = 21840\n[points]\n"total.params" = 3\n')
    params, shape, inp, total = r.items
    assert [d.id for d in params.diagnosis] == ["forgot_bias"]   # counts do not depend on H, W
    assert shape.note == "the answer depends on the input size, write a formula: at H=29, W=29 it is 25"
    assert inp.correct and total.correct and total.points == 3


def test_bom_is_accepted(tmp_path):
    f = tmp_path / "a.toml"
    f.write_bytes(b"\xef\xbb\xbf[layers.conv1]\nparams = 34944\n")
    r = grader(ALEX).grade_file(f)
    assert r.error is None and r.items[0].correct


def test_big_net_wrong_totals_are_diagnosed_quickly():
    g = Grader(str(EX / "resnet50.py"))
    g.trace(None)
    t0 = time.perf_counter()
    r = g.grade(loads("[total]\nmacs = 123\noutput_shape = [1, 2]\nparams = 25557032\n", "a.toml"))
    assert time.perf_counter() - t0 < 10
    assert [i.correct for i in r.items] == [False, False, True]
    assert r.items[0].note == "off by -4,089,184,133 (3.008e-08 × the expected value)"


def test_zh_text_report(runner, tmp_path):
    f = tmp_path / "a.toml"
    f.write_text("[total]\nparams = 62378343\n")
    r = _cli(runner, "check", ALEX, str(f), "--lang", "zh")
    assert r.exit_code == 1
    assert r.output == ("✗ total.params  应为 62,378,344  给出 62,378,343  — 不是已知的常见错误（差 -1（-1.6e-06%））；"
                        "正确做法：各层参数量之和 = 62,378,344\n得分：0/1\n")


def test_wrong_formula_on_a_symbolic_input_is_diagnosed_at_the_counterexample():
    r = grade(MNIST, '[input]\nshape = [1, 1, "H", "W"]\n[layers.conv1]\noutput_shape = [1, 10, "H-5", "W-5"]\n'
                     'macs = "10*25*(H-5)*(W-5)"\n')
    shape, macs = r.items
    assert shape.note == "at H=28, W=28: expected 24, your formula gives 23"
    assert [d.id for d in shape.diagnosis] == ["forgot_plus_one"]
    assert macs.note == "at H=28, W=28: expected 144,000, your formula gives 132,250"
    assert [d.id for d in macs.diagnosis] == ["forgot_plus_one"]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_golden_student_report(runner, lang, monkeypatch):
    """Regenerate with: cd tests/grading/answers && symcnn check ../../../examples/alexnet.py alexnet_student.toml
    [--lang zh] > alexnet_student[.zh].txt"""
    here = Path(__file__).resolve().parent / "answers"
    monkeypatch.chdir(here)
    r = _cli(runner, "check", "../../../examples/alexnet.py", "alexnet_student.toml", "--lang", lang)
    assert r.exit_code == 1
    golden = here / ("alexnet_student.txt" if lang == "en" else "alexnet_student.zh.txt")
    assert r.output == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize("net", [GROUPED, DILATED2])
def test_checker_nets_agree_with_torch(torch, net):
    """The nets written for these tests: every layer's output shape and params as real PyTorch gives them."""
    import runpy

    ns = runpy.run_path(net, run_name="__symcnn_test__")
    model, x = ns["Net"]().eval(), ns["x"]
    seen = {}

    def hook(name):
        def record(mod, inputs, out):
            seen.setdefault(name, (tuple(out.shape), sum(p.numel() for p in mod.parameters())))
        return record

    for name, m in model.named_modules():
        if name:
            m.register_forward_hook(hook(name))
    with torch.no_grad():
        model(x)
    truth = grader(net).truth(grader(net).trace(None), "mac")
    for name, (shape, params) in seen.items():
        assert truth.expected(name, "output_shape") == shape, name
        assert truth.expected(name, "params") == params, name


@pytest.mark.parametrize("shape", ['"1x1xHxW"', '[1, 1, "H", "W"]', '"1,1,H,W"'])
def test_input_shape_spellings(shape):
    it = one(MNIST, f'[input]\nshape = {shape}\n[layers.conv1]\noutput_shape = "10x(H-4)x(W-4)"\n')
    assert it.correct and it.expected[2] == H - 4


def test_macs_consistent_with_the_students_own_wrong_shape():
    # conv1 output 50x50 (no known mistake) and MACs 96·3·121·50·50 = 87,120,000 computed from it
    r = grade(ALEX, "[layers.conv1]\noutput_shape = [1, 96, 50, 50]\nmacs = 87120000\n")
    shape, macs = r.items
    assert shape.diagnosis == []
    assert [(d.id, d.origin) for d in macs.diagnosis] == [("carried_forward", "conv1.output_shape")]


# --- words: templates/check/*.j2 and the catalogues' [check] and [mistakes] tables --------------------

def test_every_catalogue_names_every_mistake_and_has_every_check_word():
    from symcnn.core.render import catalogue, languages
    from symcnn.grading.mistakes import IDS

    en = catalogue("en")
    assert set(en["mistakes"]) == set(IDS) == set(MISTAKES)
    for lang in languages():
        c = catalogue(lang)
        assert set(c["mistakes"]) == set(IDS), lang
        assert set(c["check"]) == set(en["check"]) and set(c["check"]["how"]) == set(en["check"]["how"]), lang
        for table in ("sheet", "md", "page", "fields"):
            assert set(c["check"][table]) == set(en["check"][table]), (lang, table)
        for family, words in c["mistakes_by_layer"].items():   # a wording per layer family: of a known id
            assert set(words) <= set(IDS) and set(words) == set(en["mistakes_by_layer"][family]), (lang, family)
    assert MISTAKES["forgot_bias"].zh == catalogue("zh")["mistakes"]["forgot_bias"] \
        == "漏了偏置：参数量 = 权重 + 偏置（卷积层每个输出通道一个，全连接层每个输出特征一个）"
    assert catalogue("zh")["mistakes_by_layer"]["linear"]["forgot_bias"] == "漏了偏置：参数量 = 权重 + 每个输出特征一个偏置"


def test_checker_code_has_no_words_of_any_language():
    """The messages live in the catalogues: no Chinese (nor an English message table) in the checker."""
    for name in ("grading/check.py", "grading/checkreport.py", "grading/diagnose.py", "cli/check.py",
                 "grading/feedback.py", "grading/checkdoc.py", "grading/mistakes.py", "grading/mistakes_shape.py", "grading/mistakes_count.py",
                 "grading/truth.py", "grading/howto.py", "grading/handout.py"):
        src = (ROOT / "symcnn" / name).read_text(encoding="utf-8")
        assert not [ch for ch in src if "\u4e00" <= ch <= "\u9fff"], name
        assert "forgot the + 1" not in src and "WORDS" not in src, name


ZH_NOTES = [   # (net, answers, what the zh note or diagnosis says)
    (ALEX, "[layers.conv2]\nparams = 614000\n", "差 -656（-0.11%）"),
    (ALEX, "[total]\nmacs = 123\n", "差 -1,135,255,973（是正确值的 1.083e-07 倍）"),
    (MNIST, "[layers.conv1]\noutput_shape = [1, 10, 20, 20]\n", "第 2, 3 维不对"),
    (ALEX, '[layers.conv1]\noutput_shape = [1, 96, "floor((H - 11)/4)", "floor((W - 11)/4)"]\n',
     "在 H=227, W=227 时应为 55，你的公式给出 54"),
    (MNIST, MNIST_SYM + "[layers.conv1]\noutput_shape = [1, 10, 24, 24]\n",
     "答案随输入尺寸变化，应写成公式：在 H=29, W=29 时是 25"),
    (ALEX, f"[total]\nparams = {62378344 - 10568}\n",
     "漏了偏置：参数量 = 权重 + 偏置（卷积层每个输出通道一个，全连接层每个输出特征一个）（每一层都犯了这个错误）"),
    (DILATED, _toml(None, "conv3", "output_shape", [1, 16, 13, 13]), "由 conv2 的错误导致：忽略了空洞"),
]


@pytest.mark.parametrize(("net", "toml", "words"), ZH_NOTES, ids=[w[:12] for *_, w in ZH_NOTES])
def test_zh_notes_and_diagnoses_are_chinese(net, toml, words):
    from symcnn.cli.check import report_gradescope, report_text

    it = one(net, toml, lang="zh")
    said = [it.note or ""] + [d.message for d in it.diagnosis]
    assert any(words in s for s in said), said
    r = grade(net, toml, "zh")
    text = report_text(r, "zh")
    assert words in text
    for english in ("expected", "given", "score", "Correct", "off by", "no known mistake", "follows from",
                    "in every layer", "wrong in dimension", "your formula", "sum of every"):
        assert english not in text, english
    assert words in report_gradescope(r, "zh")["tests"][0]["output"]


def test_a_new_language_is_a_catalogue_not_code(monkeypatch, tmp_path):
    """Copy the templates, add i18n/xx.toml (the English catalogue with other words): the report speaks xx."""
    import shutil

    from symcnn.cli.check import class_line, report_gradescope, report_text
    from symcnn.core import render

    root = tmp_path / "templates"
    shutil.copytree(render.template_root(), root)
    en = (root / "i18n" / "en.toml").read_text(encoding="utf-8")
    xx = (en.replace('expected = "expected"', 'expected = "EXP"').replace('score = "score: {score}/{max}"',
                                                                          'score = "PTS {score} OF {max}"')
          .replace('forgot_bias = "left out the bias', 'forgot_bias = "NO BIAS')
          .replace('wrong = "wrong"', 'wrong = "BAD"')
          .replace('correct = "Correct: {how}"', 'correct = "RIGHT WAY: {how}"'))
    (root / "i18n" / "xx.toml").write_text(xx, encoding="utf-8")
    for f in (render.catalogue, render.environment):
        f.cache_clear()
    monkeypatch.setattr(render, "template_root", lambda: root)
    try:
        r = Grader(ALEX, lang="xx").grade(loads("[layers.conv1]\nparams = 34848\n", "a.toml"))
        assert report_text(r, "xx") == ("✗ layers.conv1.params  EXP 34,944  given 34,848  — forgot_bias: "
                                        "NO BIAS: params = weights + one bias per output channel; "
                                        "RIGHT WAY: 96·3·11·11 + 96 = 34,944\nPTS 0 OF 1")
        assert class_line(r, "xx") == "a.toml  0/1  BAD: layers.conv1.params (forgot_bias)"
        assert report_gradescope(r, "xx")["output"] == "PTS 0 OF 1"
        assert "xx" in render.languages()
    finally:
        monkeypatch.undo()
        for f in (render.catalogue, render.environment):
            f.cache_clear()


def test_templates_render_errors_and_empty_lists():
    from symcnn.cli.check import class_line, report_gradescope, report_text
    from symcnn.grading.checkreport import Report

    bad = Report("a.toml", error="a.toml:1: invalid TOML")
    assert report_text(bad, "zh") == "a.toml: 错误: a.toml:1: invalid TOML"
    assert class_line(bad, "en") == "a.toml  error: a.toml:1: invalid TOML"
    assert report_gradescope(bad, "zh") == {"score": 0, "output": "错误: a.toml:1: invalid TOML", "tests": []}
    empty = Report("b.toml")
    assert report_text(empty, "en") == "score: 0/0"
    assert class_line(empty, "zh") == "b.toml  0/0"


def test_solution_header_in_chinese(runner, tmp_path):
    f = tmp_path / "a.toml"
    f.write_text("[layers.conv1]\noutput_shape = [1, 96, 54, 54]\n")
    r = _cli(runner, "check", ALEX, str(f), "--solution", "--lang", "zh")
    assert r.exit_code == 1
    head, rest = r.output.split("\n\n错题的详细解答：\nlayers.conv1.output_shape："
                                "⌊(227 + 2·0 − 1·(11 − 1) − 1)/4⌋ + 1 = 55 → 1×96×55×55\n\n", 1)
    assert head.endswith("得分：0/1") and "conv1" in rest


@pytest.mark.parametrize(("toml", "en", "zh"), [
    ("[layers.conv1]\nmacs = 1\n", "|out|·(C_in/groups)·K = 290,400·3·121 = 105,415,200",
     "|输出|·(C_in/groups)·K = 290,400·3·121 = 105,415,200"),
    ("[layers.fc1]\nmacs = 1\n", "|out|·in_features = 4,096·9216 = 37,748,736", "|输出|·in_features = 4,096·9216 = 37,748,736"),
    ("[layers.relu1]\nmacs = 1\n", "macs = 0", "MACs = 0"),
    ("[layers.conv1]\ninput_shape = [1, 3, 220, 227]\n", "input_shape = 1×3×227×227", "输入形状 = 1×3×227×227"),
    ("[layers.pool1]\nparams = 1\n", "params = 0", "参数量 = 0"),
])
def test_correct_step_words_in_each_language(toml, en, zh):
    assert one(ALEX, toml).how == en
    assert one(ALEX, toml, lang="zh").how == zh


def test_transposed_macs_correct_step_in_chinese():
    # ConvTranspose2d(8, 16, 3) on 1×8×3×3: |in|·(C_out/groups)·K = 72·16·9
    assert one(DILATED, "[layers.conv3]\nmacs = 1\n", lang="zh").how == "|输入|·(C_out/groups)·K = 72·16·9 = 10,368"


def test_grader_in_a_language_without_a_catalogue_is_one_clear_error():
    from symcnn.core.errors import InputError

    with pytest.raises(InputError, match=r"^no message catalogue for language 'fr'. Fix: use one of: "):
        Grader(ALEX, lang="fr")
