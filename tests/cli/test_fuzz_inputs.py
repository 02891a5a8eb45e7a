"""Fuzzing the command-line values: ``--input`` and ``--set`` strings, through the real CLI and
through the parsers directly (symcnn.core.userinput).

Property for every string: exit 0 with a result, or exit 2 with exactly one ``symcnn: error: ...``
line and no traceback. Strings: random unicode and bytes, huge / negative / zero sizes, floats,
symbols that clash with layer symbols (K, S, P, D, G), SymPy and Python names, separators only.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from fuzz_support import clean_outcome, count, invoke, outcome, scaled
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from symcnn.core.errors import InputError
from symcnn.core.userinput import MAX_DIMS, MAX_SIZE, parse_sets, parse_shape

RUNNER = CliRunner()
NET = (
    "import torch.nn as nn\n"
    "net = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(1))\n"
)
SETTINGS = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow, HealthCheck.filter_too_much]}

SIZES = st.one_of(
    st.integers(-3, 40), st.sampled_from([2**63 - 1, 2**63, 10**25, 10**400]), st.integers(-(10**30), 10**30)
).map(str)
NAMES = st.sampled_from(
    [
        "H",
        "W",
        "N",
        "C",
        "L",
        "T",
        "K",
        "S",
        "P",
        "D",
        "G",
        "R",
        "C_in",
        "H_out",
        "F_in",
        "pi",
        "E",
        "I",
        "oo",
        "x",
        "X",
        "Hx",
        "lambda",
        "for",
        "None",
        "sin",
        "Symbol",
        "_h",
        "h1",
        "H_" + "a" * 40,
        "é",
        "Ĥ",
        "１",
        "2.5",
        "1e3",
        "-0",
        "+3",
        "0x10",
        "3j",
        "nan",
        "inf",
        "H W",
        "H-1",
        "H+1",
        "2*H",
        "(H)",
        "H/2",
        "__import__('os')",
        "",
    ]
)
SEPS = st.sampled_from(["x", "X", "×", "*", ",", " x ", ", ", "", ",,", "xx", ";", "\t", "\n", "\x00"])
PIECES = st.lists(st.tuples(st.one_of(SIZES, NAMES), SEPS), max_size=10).map(
    lambda ps: "".join(a + b for a, b in ps)
)
WRAPPED = st.tuples(
    st.sampled_from(["", "(", "[", "((", " "]), PIECES, st.sampled_from(["", ")", "]", " "])
).map("".join)
RAW = st.one_of(
    st.text(max_size=40),
    st.binary(max_size=30).map(lambda b: b.decode("latin-1")),
    st.text(alphabet="xX×*,() []", max_size=12),
    st.just("1x3x8x8" * 80),
)
SHAPES = st.one_of(WRAPPED, RAW, PIECES)
# shapes close to valid for the test net (1..3 x 3 x h x w), so many reach the tracer and succeed
_OK = st.integers(1, 40)
NEAR = st.builds(
    lambda n, c, h, w, sep: sep.join(map(str, (n, c, h, w))),
    st.one_of(st.integers(1, 3), st.integers(1, 3), st.sampled_from(["N", "B"]), NAMES),
    st.sampled_from(["3", "3", "3", "3", "4", "C", "K"]),
    st.one_of(_OK, _OK, _OK, st.sampled_from(["H", "W", "H0"]), st.integers(0, 40), NAMES),
    st.one_of(_OK, _OK, _OK, st.sampled_from(["H", "W", "W_1"]), st.integers(0, 40), NAMES),
    st.sampled_from(["x", "x", ",", "×", " x ", "X"]),
)
GOOD_SET = st.builds(lambda name, v: f"{name}={v}", st.sampled_from(["H", "W", "N"]), st.integers(1, 64))


@pytest.fixture(scope="module")
def net_path(tmp_path_factory):
    p = tmp_path_factory.mktemp("fuzz_inputs") / "net.py"
    p.write_text(NET, encoding="utf-8")
    return str(p)


def _check_shape(text, shape):
    assert 1 <= len(shape) <= MAX_DIMS, (text, shape)
    for v in shape:
        assert (v.is_Integer and 1 <= v <= MAX_SIZE) or (v.is_Symbol and v.is_positive and v.is_integer), (
            text,
            v,
        )


@settings(max_examples=scaled(2500), **SETTINGS)
@given(text=st.one_of(SHAPES, NEAR))
def test_input_parser(text):
    count("--input (parser)")
    try:
        shape = parse_shape(text)
    except InputError as e:
        msg = str(e)
        assert "\n" not in msg and msg.startswith("--input") and ". Fix: " in msg, msg
        return
    _check_shape(text, shape)


@settings(max_examples=scaled(1500), **SETTINGS)
@given(
    items=st.lists(
        st.one_of(
            st.builds(
                lambda a, op, b: f"{a}{op}{b}",
                NAMES,
                st.sampled_from(["=", "==", " = ", ":", "", "=="]),
                st.one_of(SIZES, NAMES),
            ),
            st.text(max_size=20),
        ),
        max_size=4,
    )
)
def test_set_parser(items):
    count("--set (parser)")
    try:
        subs = parse_sets(items)
    except InputError as e:
        msg = str(e)
        assert "\n" not in msg and msg.startswith("--set") and ". Fix: " in msg, msg
        return
    assert len(subs) <= len(items)
    for k, v in subs.items():
        assert k.is_Symbol and k.is_positive and v.is_Integer and 1 <= v <= MAX_SIZE


@settings(max_examples=scaled(800), **SETTINGS)
@given(
    text=st.integers(0, 3).flatmap(lambda i: SHAPES if i == 0 else NEAR),
    command=st.sampled_from(["summary", "summary", "summary", "rf", "derive", "inputs", "compare"]),
)
def test_input_through_the_cli(net_path, text, command):
    r = invoke(RUNNER, command, net_path, "--input", text)
    out = clean_outcome(r)
    outcome("--input (CLI)", out)
    if out == "ok" and command == "summary":
        shape = parse_shape(text)
        assert r.stdout.startswith("Summary:"), r.stdout[:200]
        if all(v.is_Integer for v in shape) and shape[1] == 3:
            n, h, w = int(shape[0]), int(shape[2]), int(shape[3])
            assert f"output: {n}×{4 * (h // 2) * (w // 2)}" in r.stdout


@settings(max_examples=scaled(600), **SETTINGS)
@given(
    shape=st.sampled_from(["1x3xHxW", "Nx3xHxW", "1x3xH0xW", "2x3xHxH", "1x3x8x8", "1x3xAxB"]),
    sets=st.lists(
        st.integers(0, 3).flatmap(
            lambda i: (
                GOOD_SET
                if i
                else st.one_of(
                    st.builds(lambda a, b: f"{a}={b}", NAMES, st.one_of(SIZES, NAMES)),
                    st.text(max_size=15).filter(lambda t: t != "--debug"),
                )
            )
        ),
        max_size=3,
    ),
)
def test_set_through_the_cli(net_path, shape, sets):
    args = ["summary", net_path, "--input", shape]
    for s in sets:
        args += ["--set", s]
    r = invoke(RUNNER, *args)
    out = clean_outcome(r)
    outcome("--set (CLI)", out)
    if out == "ok" and sets and shape == "1x3xHxW":
        subs = {k.name: int(v) for k, v in parse_sets(sets).items()}
        if set(subs) == {"H", "W"}:
            assert f"×{4 * (subs['H'] // 2) * (subs['W'] // 2)}" in r.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["--input", ""],
        ["--input", "x"],
        ["--input", ",,,"],
        ["--input", "1x3x0x8"],
        ["--input", "1x3x-8x8"],
        ["--input", "1x3xKxS"],
        ["--input", "1x3x8.5x8"],
        ["--input", "1x3x" + "9" * 30 + "x8"],
        ["--input", "1x3x8x8x8x8x8x8x8x8"],
        ["--input", "1x3xpix8"],
        ["--input", "1\x003x8x8"],
        ["--set", "H=0"],
        ["--set", "K=3"],
        ["--set", "H"],
        ["--set", "=3"],
        ["--set", "H=2.5"],
        ["--set", "Z=8"],
        ["--set", "H=8", "--set", "H=9"],
        ["--timeout", "0"],
        ["--timeout", "-1"],
        ["--timeout", "nan"],
    ],
)
def test_known_bad_values_are_one_line(net_path, args):
    count("--input/--set (table)")
    if args[0] == "--set":
        args = ["--input", "1x3xHxW", *args]
    r = invoke(RUNNER, "summary", net_path, *args)
    assert clean_outcome(r) != "ok", r.stdout
