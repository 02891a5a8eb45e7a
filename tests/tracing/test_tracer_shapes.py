"""Shape arithmetic of tensor ops on symbolic sizes, against brute force on numbers: slicing with
user-computed offsets (UNet center crop), view with -1, chunk/split, broadcasting."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from sympy import Integer

from symcnn.core.errors import RuleError
from symcnn.core.symbols import H
from symcnn.rules.base import collecting
from symcnn.tracing.indexing import broadcast, chunk_sizes, index_shape, split_sizes, view_shape


@given(st.data())
def test_center_crop_slice_matches_python(data):
    """skip[:, dy:dy+th] with dy = (h - th)//2 computed by the user on symbolic sizes."""
    k = data.draw(st.integers(1, 6), label="shrink")
    h = H + 2 * k + data.draw(st.integers(0, 3), label="odd")      # skip length (a symbolic size)
    th = H                                                           # target length
    dy = (h - th) // 2
    with collecting() as conds:
        (n,) = index_shape((h,), (slice(dy, dy + th),))
    assert n == H, n
    for value in range(1, 12):
        length = len(range(int(h.subs(H, value)))[int(dy.subs(H, value)):int((dy + th).subs(H, value))])
        assert n.subs(H, value) == length
        assert all(bool(c.holds.subs(H, value)) for c in conds)


@given(st.lists(st.integers(1, 6), min_size=1, max_size=4), st.data())
def test_view_minus_one_numeric(shape, data):
    total = 1
    for v in shape:
        total *= v
    known = data.draw(st.sampled_from([d for d in range(1, total + 1) if total % d == 0]), label="known")
    target = data.draw(st.sampled_from([(-1, known), (known, -1)]), label="target")
    out = view_shape(tuple(map(Integer, shape)), target, "view")
    assert int(out[0]) * int(out[1]) == total and known in out


def test_view_minus_one_symbolic_batch_and_constraint():
    from symcnn.core.symbols import N, W

    with collecting() as conds:
        out = view_shape((N, Integer(20), H, W), (-1, 320), "view")
    assert out == (N, 320)
    assert [str(c.holds) for c in conds] == ["Eq(20*H*W, 320)"]
    with collecting() as conds:
        out = view_shape((N, Integer(20), H, W), (N, -1), "view")
    assert out == (N, 20 * H * W) and not conds


def test_view_impossible_numbers_raise():
    try:
        view_shape((Integer(1), Integer(20), Integer(5), Integer(5)), (-1, 320), "view(-1, 320)")
    except RuleError as e:
        assert str(e) == ("view(-1, 320): shape [-1, 320] is invalid for input of size 500. "
                          "Fix: make the product of the sizes divide the number of elements")
    else:
        raise AssertionError("no error")


@given(st.integers(1, 30), st.integers(1, 7))
def test_chunk_and_split_like_torch(n, k):
    # torch.chunk: pieces of ceil(n/k); torch.split: pieces of k, the last one shorter
    each = -(-n // k)
    assert chunk_sizes(Integer(n), k) == [len(range(n)[i:i + each]) for i in range(0, n, each)]
    assert split_sizes(Integer(n), k) == [len(range(n)[i:i + k]) for i in range(0, n, k)]


def test_broadcast():
    one = Integer(1)
    assert broadcast((Integer(3), one, Integer(5)), (Integer(4), one), "add") == (3, 4, 5)
    with collecting() as conds:
        assert broadcast((H,), (Integer(8),), "add") == (H,)
    assert [str(c.holds) for c in conds] == ["Eq(H, 8)"]
