"""Numbers as students write them, the tolerance, blank answers, repeated layer names, TOML errors
with their line and column: what an answers file may say, and the plain sentence when it cannot be read.
"""

from __future__ import annotations

import json
from fractions import Fraction

import pytest
from test_check import ALEX, BN, MNIST, grade, grader, one

from symcnn.grading.answers import AnswersError, loads
from symcnn.grading.numbers import Approx, NumberError, read_number, rounded_to

# AlexNet conv1: params 34,944; total MACs 1,135,256,096; total params 62,378,344
EXACT = ['"34,944"', '"34 944"', '"34_944"', "34_944", '"34944.0"', "34944.0", '"34,944.00"', '"３４９４４"',
         '"34\u202f944"', '"34944 params"']
APPROXIMATE = [("macs", '"1.135e9"'), ("macs", "1.135e9"), ("macs", '"1.14 G"'), ("macs", '"1.14G"'),
               ("macs", '"1135.3M"'), ("macs", '"≈ 1.1 × 10^9"'), ("macs", '"1.1×10⁹"'), ("macs", '"~1.1e9"'),
               ("macs", '"11.35 亿"'), ("params", '"62.4M"'), ("params", '"62.38 M params"'),
               ("params", '"≈ 62,400,000"'), ("params", '"6237.8万"')]


@pytest.mark.parametrize("value", EXACT)
def test_exact_number_forms(value):
    it = one(ALEX, f"[layers.conv1]\nparams = {value}\n")
    assert it.correct, (it.given, it.note)


@pytest.mark.parametrize("value", EXACT[:5])
def test_exact_number_forms_are_exact(value):
    # 34,943 is wrong even with a tolerance of 1%: a number written in full is taken at its word
    wrong = value[::-1].replace("4", "3", 1)[::-1]
    it = one(ALEX, f'[options]\ntolerance = "1%"\n[layers.conv1]\nparams = {wrong}\n')
    assert not it.correct


@pytest.mark.parametrize(("field", "value"), APPROXIMATE)
def test_approximate_forms_within_the_tolerance(field, value):
    # every form is within 4% of the total (1.1 G is 3.1% below 1,135,256,096): right with tolerance 4%,
    # "rounded" with tolerance 0
    it = one(ALEX, f'[options]\ntolerance = 0.04\n[total]\n{field} = {value}\n')
    assert it.correct, (it.given, it.note, it.diagnosis)
    it = one(ALEX, f"[total]\n{field} = {value}\n")
    assert not it.correct and [d.id for d in it.diagnosis] == ["rounded"], it.diagnosis


def test_tolerance_is_relative_and_spelled_either_way():
    # 1.13 G is 0.46% below 1,135,256,096: within 0.5%, not within 0.4%
    assert one(ALEX, '[options]\ntolerance = "0.5%"\n[total]\nmacs = "1.13 G"\n').correct
    assert one(ALEX, '[options]\ntolerance = 0.005\n[total]\nmacs = "1.13 G"\n').correct
    it = one(ALEX, '[options]\ntolerance = "0.4 %"\n[total]\nmacs = "1.13 G"\n')
    assert not it.correct and [d.id for d in it.diagnosis] == ["rounded"]
    # a whole number that is the exact value rounded counts as approximate under a tolerance
    assert one(ALEX, '[options]\ntolerance = 0.01\n[total]\nparams = "62,400,000"\n').correct
    # a whole number that is not a rounding of it (62,379,000 rounds nothing: 62,378,344 is 62,378,000) is wrong
    assert not one(ALEX, '[options]\ntolerance = 0.01\n[total]\nparams = 62379000\n').correct


def test_an_exact_value_in_approximate_form_is_right_without_tolerance():
    # 3.4944e4 and 34.944 K are exactly 34,944
    assert one(ALEX, '[layers.conv1]\nparams = "3.4944e4"\n').correct
    assert one(ALEX, '[layers.conv1]\nparams = "34.944 K"\n').correct


def test_every_written_digit_counts():
    # "≈ 100 KiB" claims ± 0.5 KiB, not ± 50 KiB: MNIST's 65,120 activation bytes (63.6 KiB) are not it
    it = one(MNIST, '[total]\nactivation_bytes = "≈ 100 KiB"\n')
    assert it.diagnosis == [] and it.note == "off by +37,280 (1.572 × the expected value)"
    # a rounded figure of a known mistake is that mistake: 2·MACs ≈ 2,270,000,000 (within 1%)
    assert [d.id for d in one(ALEX, '[total]\nmacs = "≈ 2,270,000,000"\n').diagnosis] == ["macs_vs_flops"]


def test_far_approximate_answers_are_not_rounded():
    # 1.2 G is 5.7% above the total MACs: not a rounding, no known mistake
    it = one(ALEX, '[total]\nmacs = "1.2 G"\n')
    assert it.diagnosis == [] and it.note == "off by +64,743,904 (+5.7%)"


@pytest.mark.parametrize(("text", "value", "half"), [
    ("1.14 G", 1_140_000_000, 5_000_000), ("62.4M", 62_400_000, 50_000), ("1.135e9", 1_135_000_000, 500_000),
    ("≈ 1,140,000,000", 1_140_000_000, Fraction(1, 2)), ("3 KiB", 3072, 512), ("0.5", Fraction(1, 2), Fraction(1, 20)),
    ("37.75 万", 377_500, 50), ("1.1 亿", 110_000_000, 5_000_000), ("about 35k", 35_000, 500),
])
def test_approximate_value_and_its_rounding(text, value, half):
    n = read_number(text, bytes_=True)
    assert isinstance(n, Approx) and (n.value, n.half_unit) == (value, half)


@pytest.mark.parametrize(("text", "message"), [
    ("34,94", "'34,94' is not a number. Fix: group thousands in threes (34,944 or 34 944)"),
    ("1,10,24,24", "is not a number. Fix: group thousands in threes"),
    ("34,944,1", "is not a number"),
    ("1.2.3", "'1.2.3' has more than one decimal point"),
    ("3 4 5", "'3 4 5' is not a number"),
    ("4.5 MB", "'4.5 MB' is a size in bytes. Fix: this field is a count"),
])
def test_almost_numbers_are_one_plain_sentence(text, message):
    with pytest.raises(NumberError) as e:
        read_number(text)
    assert message in str(e.value)


@pytest.mark.parametrize(("value", "message"), [
    ('"34,94"', "a.toml:2: layers.conv1.params: '34,94' is not a number. Fix: group thousands in threes"),
    ('"34944 apples"', "formula '34944 apples' does not parse: it is neither a number nor arithmetic. Fix: write "
                       'a whole number (34944 or "34,944"), a rounded figure ("1.14 G")'),
    ('"3H"', "does not parse: it has a number written against a name (write 3*H, not 3H)"),
    ('"(34944"', "does not parse: it has a ( that is never closed"),
    ('"[1, 2]"', "contains brackets [ ], which is not allowed in a formula"),
    ('"0.5 * H"', "contains the decimal number 0.5"),
])
def test_parse_failures_are_plain_sentences(value, message):
    r = grader(ALEX).grade(loads(f"[layers.conv1]\nparams = {value}\n", "a.toml"))
    assert message in r.error, r.error
    for jargon in ("Tuple", "List expression", "literal", "invalid syntax", "Constant"):
        assert jargon not in r.error


def test_a_shape_size_must_be_exact():
    r = grader(ALEX).grade(loads('[layers.conv1]\noutput_shape = ["96", "5.5e1", "55"]\n', "a.toml"))
    assert r.error == ("a.toml:2: layers.conv1.output_shape: '5.5e1' is approximate, but a shape's sizes are exact "
                       "whole numbers. Fix: write every size in full: \"1x96x55x55\"")
    assert one(ALEX, '[layers.conv1]\noutput_shape = [1, 96, 55.0, "55"]\n').correct


def test_bytes_units_for_memory_answers():
    # AlexNet conv1's output: 290,400 float32 elements = 1,161,600 bytes ≈ 1.16 MB ≈ 1.108 MiB
    assert one(ALEX, '[layers.conv1]\nactivation_bytes = "1,161,600 bytes"\n').correct
    assert one(ALEX, '[options]\ntolerance = 0.01\n[layers.conv1]\nactivation_bytes = "1.16 MB"\n').correct
    assert one(ALEX, '[options]\ntolerance = 0.01\n[layers.conv1]\nactivation_bytes = "1.108 MiB"\n').correct


def test_rounded_to():
    assert rounded_to(62_378_344, 62_400_000) and rounded_to(62_378_344, 60_000_000)
    assert rounded_to(62_378_344, 62_378_000) and not rounded_to(62_378_344, 62_379_000)
    assert not rounded_to(614_656, 614_000)
    assert rounded_to(614_656, 615_000) and not rounded_to(34_944, 34_944)


# --- blank answers, repeated layers, TOML errors ------------------------------------------------------

def test_blank_answers_are_no_answer():
    r = grade(ALEX, '[layers.conv1]\nparams = ""\noutput_shape = " "\n[total]\nmacs = ""\n')
    assert [(i.correct, i.note, i.points) for i in r.items] == [(False, "no answer", 0.0)] * 3
    assert r.items[0].how == "96·3·11·11 + 96 = 34,944"
    assert "no known mistake" not in str(r.items)
    from symcnn.cli.check import report_dict, report_text

    assert report_text(r).splitlines()[0] == ("✗ layers.conv1.params        expected 34,944  — no answer; "
                                              "Correct: 96·3·11·11 + 96 = 34,944")
    assert report_dict(r)["items"][0]["given"] is None


def test_a_bare_name_of_a_repeated_layer_lists_its_calls():
    r = grader(MNIST).grade(loads('\n[layers."F.max_pool2d"]\noutput_shape = [1, 10, 12, 12]\n', "a.toml"))
    assert r.error == ("a.toml:3: layer 'F.max_pool2d' is called 2 times, so its output_shape has 2 values. "
                       "Fix: name one call: F.max_pool2d#1 (line 20), F.max_pool2d#2 (line 22); "
                       'e.g. [layers."F.max_pool2d#1"]')
    # the dotted table [layers.F.max_pool2d] is the same name
    r = grader(MNIST).grade(loads("[layers.F.max_pool2d]\nmacs = 0\n", "a.toml"))
    assert r.error.startswith("a.toml:2: layer 'F.max_pool2d' is called 2 times, so its macs has 2 values")
    # a module's parameters are the same at every call: a bare name is enough (bn_net's shared ReLU, MaxPool)
    assert [i.correct for i in grade(BN, "[layers.pool]\nparams = 0\n[layers.relu]\nweights = 0\n").items] == [True] * 2
    r = grade(MNIST, '[layers."F.max_pool2d#2"]\noutput_shape = [1, 20, 4, 4]\n')
    assert r.items[0].correct


@pytest.mark.parametrize(("text", "message"), [
    ("[input]\nshape = [1, 3\n[layers.conv1]\nparams = 3\n",
     "a.toml:2:9: invalid TOML: a list [ is not closed. Fix: close the list with ]"),
    ("[layers.conv1]\nparams = 3\noutput_shape = [1,\n 96,\n", "a.toml:3:16: invalid TOML: a list [ is not closed"),
    ("[layers.conv1]\noutput_shape = [1, [96, 55]\n", "a.toml:2:16: invalid TOML: a list [ is not closed"),
    ('[layers.conv1]\nparams = "34944\n', "a.toml:2:16: invalid TOML: a string has no closing quote"),
    ("[layers.conv1\nparams = 1\n", "a.toml:1:14: invalid TOML: a [table] header has no closing ]"),
    ("[layers.conv1]\nparams = 34,944\n", "a.toml:2:12: invalid TOML: a value is followed by more text on its line. "
                                        'Fix: one key = value per line; put numbers written with commas or spaces in '
                                        'quotes: "34,944"'),
    ("[layers.conv1]\nparams = 1.14 G\n", "a.toml:2:"),
    ("[layers.conv1]\nparams = 1\nparams = 2\n", "a.toml:3:"),
    ("[total]\nparams = 1\n\n[total]\n", "a.toml:4:"),
    ("[layers.conv1]\nparams = {a = 1\n", "a.toml:2:"),
    ("[layers.conv1]\nparams = abc\n", "a.toml:2:10: invalid TOML: a value is not a number"),
])
def test_every_toml_error_has_its_line_and_column(text, message):
    with pytest.raises(AnswersError) as e:
        loads(text, "a.toml")
    assert str(e.value).startswith(message), str(e.value)
    assert "\n" not in str(e.value)


def test_options_errors():
    for text, message in [('tolerance = "lots"', "a.toml:2: tolerance must be a relative error from 0 to below 1"),
                          ("tolerance = 1.5", "tolerance must be a relative error from 0 to below 1, not '1.5'"),
                          ('layout = "whc"', "a.toml:2: unknown layout 'whc'"),
                          ('dtype = "int4"', "unknown dtype 'int4'. Fix: use one of: float32, float16, bfloat16"),
                          ('tolerence = 0.1', "unknown option 'tolerence'. Fix: did you mean 'tolerance'?")]:
        with pytest.raises(AnswersError) as e:
            loads(f"[options]\n{text}\n", "a.toml")
        assert str(e.value).startswith(message) or message in str(e.value), str(e.value)


def test_layout_hwc_sheet():
    # the course notes write 55×55×96 (H×W×C); with layout = "hwc" that is right, and shown that way
    r = grade(ALEX, '[options]\nlayout = "hwc"\n[layers.conv1]\noutput_shape = "55x55x96"\n'
                    '[layers.pool1]\noutput_shape = [1, 27, 27, 96]\n[layers.fc1]\noutput_shape = [1, 4096]\n')
    assert [i.correct for i in r.items] == [True, True, True]
    from symcnn.cli.check import report_text

    assert "expected 1×55×55×96" in report_text(r)
    # a wrong one is diagnosed in that layout, and the correct step ends in it
    it = one(ALEX, '[options]\nlayout = "hwc"\n[layers.conv1]\noutput_shape = "54x54x96"\n')
    assert [d.id for d in it.diagnosis] == ["forgot_plus_one"] and it.how.endswith("→ 1×55×55×96")
    assert json.dumps(str(it.expected))


def test_hints_and_counterexamples_sample_batch_1_at_valid_sizes():
    # [input] with a symbolic batch: the hint is at N = 1 and at the first valid H, W (MNIST's view needs
    # 20·⌊(H − 12)/4⌋·⌊(W − 12)/4⌋ = 320: H, W in 28..31), never a batch of 28
    it = one(MNIST, '[input]\nshape = ["N", 1, "H", "W"]\n[layers.conv1]\noutput_shape = [1, 10, 24, 24]\n')
    assert it.note == "the answer depends on the input size, write a formula: at H=29, N=1, W=29 it is 25"
    it = one(MNIST, '[input]\nshape = ["N", 1, "H", "W"]\n[layers.conv1]\nmacs = "N*10*25*(H-4)*(W-5)"\n')
    assert it.note == "at H=28, N=1, W=28: expected 144,000, your formula gives 138,000"
    # a batch answered wrong is found at N = 2, after every valid size at N = 1
    it = one(MNIST, '[input]\nshape = ["N", 1, "H", "W"]\n[layers.conv1]\noutput_shape = [1, 10, "H-4", "W-4"]\n')
    assert it.note == "at H=28, N=2, W=28: expected 2, your formula gives 1"
