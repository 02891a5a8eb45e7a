"""The closed forms issue 3 requires, built from the rules themselves (symcnn.make) on symbolic H×W.

Each case checks the exact printed string (str), the value by substitution, and that the symbolic
form evaluates to what the same rules give on concrete sizes (the numeric path is a separate code
path: FloorDiv of integers, no composition).
"""

from __future__ import annotations

import pytest
from sympy import Integer

import symcnn
from symcnn.core.intarith import FloorDiv
from symcnn.core.symbols import H, W


def run(layers, shape):
    """Apply (key, args, kwargs) layers in order; return the final shape."""
    for key, args, kwargs in layers:
        shape = symcnn.make(key, *args, **kwargs)(shape).shape
    return shape


def conv(cin, cout, k, **kw):
    return ("nn.Conv2d", (cin, cout, k), kw)


def maxpool(k, **kw):
    return ("nn.MaxPool2d", (k,), kw)


MNIST = [conv(1, 10, 5), maxpool(2), conv(10, 20, 5), maxpool(2)]
ALEXNET = [conv(3, 96, 11, stride=4), maxpool(3, stride=2), conv(96, 256, 5, padding=2),
           maxpool(3, stride=2), conv(256, 384, 3, padding=1), conv(384, 384, 3, padding=1),
           conv(384, 256, 3, padding=1), maxpool(3, stride=2)]


def vgg16():
    layers, c = [], 3
    for block in ([64] * 2, [128] * 2, [256] * 3, [512] * 3, [512] * 3):
        for out in block:
            layers.append(conv(c, out, 3, padding=1))
            c = out
        layers.append(maxpool(2, stride=2))
    return layers


def check(layers, expected: str, at: dict[int, int], channels: int = 1):
    shape = run(layers, (1, channels, H, W))
    h, w = shape[2], shape[3]
    assert str(h) == expected
    assert str(w) == expected.replace("H", "W")
    for size, want in at.items():
        assert h.xreplace({H: size}) == want
        numeric = run(layers, (1, channels, size, size))
        assert numeric[2] == want and isinstance(numeric[2], Integer), numeric
    return shape


def test_mnist_seed_004():
    shape = check(MNIST, "floor((H - 12)/4)", {28: 4, 32: 5, 16: 1})
    assert shape[:2] == (1, 20)
    assert shape[2] == FloorDiv(H - 12, 4)


def test_mnist_every_valid_height():
    h = run(MNIST, (1, 1, H, W))[2]
    for size in range(16, 200):
        assert h.xreplace({H: size}) == run(MNIST, (1, 1, size, size))[2]


def test_alexnet_seed_003():
    shape = check(ALEXNET, "floor((H - 35)/32)", {227: 6, 224: 5, 67: 1}, channels=3)
    assert shape[1] == 256
    assert shape[2].xreplace({H: 227}) * shape[3].xreplace({W: 227}) * 256 == 9216


def test_vgg16():
    check(vgg16(), "floor(H/32)", {224: 7, 32: 1, 255: 7, 256: 8}, channels=3)


def bottleneck(cin, mid, stride, downsample):
    """torchvision v1.5 Bottleneck: the stride sits on the 3×3 conv; the shortcut is a 1×1 conv."""
    main = [conv(cin, mid, 1, bias=False), conv(mid, mid, 3, stride=stride, padding=1, bias=False),
            conv(mid, mid * 4, 1, bias=False)]
    short = [conv(cin, mid * 4, 1, stride=stride, bias=False)] if downsample else []
    return main, short


STEM = [conv(3, 64, 7, stride=2, padding=3, bias=False), maxpool(3, stride=2, padding=1)]


def resnet50_body(shape):
    cin = 64
    for mid, blocks, stride in ((64, 3, 1), (128, 4, 2), (256, 6, 2), (512, 3, 2)):
        for i in range(blocks):
            main, short = bottleneck(cin, mid, stride if i == 0 else 1, i == 0)
            out = run(main, shape)
            if short:
                assert run(short, shape) == out  # the downsample path equals the main path, symbolically
            else:
                assert out == shape
            shape, cin = out, mid * 4
    return shape


def test_resnet50_stem_and_stages():
    shape = resnet50_body(run(STEM, (1, 3, H, W)))
    assert shape[:2] == (1, 2048)
    assert str(shape[2]) == "ceiling(H/32)" and str(shape[3]) == "ceiling(W/32)"
    assert shape[2] == FloorDiv(H + 31, 32)
    for size, want in {224: 7, 225: 8, 256: 8, 1: 1, 33: 2}.items():
        assert shape[2].xreplace({H: size}) == want
    numeric = resnet50_body(run(STEM, (1, 3, 224, 224)))
    assert numeric == (1, 2048, 7, 7)


@pytest.mark.parametrize("size", [1, 2, 31, 32, 33, 100, 224, 1000])
def test_resnet50_numeric_matches_symbolic(size):
    symbolic = resnet50_body(run(STEM, (1, 3, H, W)))[2]
    assert resnet50_body(run(STEM, (1, 3, size, size)))[2] == symbolic.xreplace({H: size})


def test_rules_record_the_validity_condition():
    r = symcnn.make("nn.Conv2d", 1, 10, 5)((1, 1, H, W))
    assert any(str(c.holds) in ("H - 4 >= 1", "H >= 5") for c in r.conditions), r.conditions
