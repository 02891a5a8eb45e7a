"""Receptive fields (symcnn/analysis/rf.py) against brute force, torch gradients and published values."""

from __future__ import annotations

import random

import pytest
from sympy import Rational, sympify

import symcnn
from symcnn.analysis.rf import receptive_fields
from symcnn.tracing.tracedata import Step

# ---------------------------------------------------------------- helpers: hand-built nets


class Net:
    """A tiny DAG builder: each op makes a Step as the tracer would (rule, inputs, output, parents)."""

    def __init__(self, shape):
        self.input_shape = tuple(shape)
        self.steps: list[Step] = []

    def op(self, name, key, *args, parents=None, **kwargs):
        parents = parents if parents is not None else ((len(self.steps) - 1),)
        ins = tuple(self.input_shape if p == -1 else self.steps[p].output for p in parents)
        if key not in symcnn.RULES:   # add, cat, F.relu: shape-preserving ops without a rule
            rule, out = None, ins[0]
        else:
            rule = symcnn.make(key, *args, **kwargs)
            out = rule(ins[0]).shape
        self.steps.append(Step(len(self.steps), name, key, "module", None, ins, out, rule, None,
                               tuple(parents)))
        return len(self.steps) - 1

    def fields(self):
        return receptive_fields(self.steps, self.input_shape)


def brute_1d(layers):
    """Field of output units 0 and 1 by walking the index maps i = o·s − p + t·d backwards."""
    def back(units):
        for k, s, p, d in reversed(layers):
            units = {o * s - p + t * d for o in units for t in range(k)}
        return units

    u0, u1 = back({0}), back({1})
    return max(u0) - min(u0) + 1, min(u1) - min(u0), min(u0)


def random_stack(rng):
    layers, net = [], Net((1, 1, 4000))
    for i in range(rng.randint(1, 6)):
        if rng.random() < 0.6:
            k, s, p, d = rng.randint(1, 7), rng.randint(1, 3), rng.randint(0, 3), rng.randint(1, 3)
            net.op(f"conv{i}", "nn.Conv1d", 1, 1, k, stride=s, padding=p, dilation=d)
        else:
            k, s, d = rng.randint(1, 5), rng.randint(1, 3), rng.randint(1, 2)
            p = rng.randint(0, k // 2)
            if rng.random() < 0.5:
                net.op(f"pool{i}", "nn.MaxPool1d", k, stride=s, padding=p, dilation=d)
            else:
                d = 1
                net.op(f"pool{i}", "nn.AvgPool1d", k, stride=s, padding=p)
        layers.append((k, s, p, d))
    return layers, net


def test_random_stacks_equal_brute_force():
    rng = random.Random(11)
    for _ in range(250):
        layers, net = random_stack(rng)
        last = net.fields().layers[-1].axes[0]
        rf, jump, left = brute_1d(layers)
        assert (last.rf, last.jump, last.left) == (rf, jump, left), layers


def test_random_stacks_equal_torch_gradient_support(torch):
    """The support of d out[i] / d input for a middle unit i (ones weights, average pools)."""
    rng = random.Random(5)
    nn = torch.nn
    for _ in range(40):
        layers, mods, net = [], [], Net((1, 1, 600))
        for i in range(rng.randint(1, 4)):
            k, s, d = rng.randint(1, 5), rng.randint(1, 2), rng.randint(1, 3)
            if rng.random() < 0.7:
                p = rng.randint(0, 2)
                m = nn.Conv1d(1, 1, k, stride=s, padding=p, dilation=d, bias=False)
                m.weight.data.fill_(1.0)
                net.op(f"c{i}", "nn.Conv1d", 1, 1, k, stride=s, padding=p, dilation=d, bias=False)
            else:
                d, p = 1, rng.randint(0, k // 2)
                m = nn.AvgPool1d(k, stride=s, padding=p)
                net.op(f"p{i}", "nn.AvgPool1d", k, stride=s, padding=p)
            layers.append((k, s, p, d))
            mods.append(m)
        f = net.fields().layers[-1].axes[0]
        x = torch.ones(1, 1, 600, requires_grad=True)
        y = nn.Sequential(*mods)(x)
        unit = y.shape[-1] // 2
        y[0, 0, unit].backward()
        support = torch.nonzero(x.grad[0, 0]).flatten().tolist()
        left = f.left + unit * f.jump
        assert (min(support), max(support)) == (left, left + f.rf - 1), layers


def test_seed_001_two_convs():
    """Seed 001: two convs k=3, p=1, s=2 on 5×5: fields 3 then 7; equivalent conv k=7, s=4, p=3."""
    net = Net((1, 1, 5, 5))
    net.op("conv1", "nn.Conv2d", 1, 1, 3, stride=2, padding=1)
    net.op("conv2", "nn.Conv2d", 1, 1, 3, stride=2, padding=1)
    rep = net.fields()
    assert [lf.axes[0].rf for lf in rep.layers] == [3, 7]
    assert [lf.axes[0].jump for lf in rep.layers] == [2, 4]
    eq = rep.equivalent()
    assert (eq.kernel, eq.stride, eq.padding) == ((7, 7), (4, 4), (3, 3))
    # the equivalent conv maps 5 -> 2 like the pair does
    one = symcnn.make("nn.Conv2d", 1, 1, 7, stride=4, padding=3)
    assert one((1, 1, 5, 5)).shape == net.steps[-1].output == (1, 1, 2, 2)


def test_seed_shortcut_differs_when_layers_differ():
    """k=3,s=1 then k=3,s=2: seed 001's r = r·S + (K − S) gives 7, the field is 5."""
    net = Net((1, 1, 9))
    net.op("a", "nn.Conv1d", 1, 1, 3)
    net.op("b", "nn.Conv1d", 1, 1, 3, stride=2)
    assert net.fields().layers[-1].axes[0].rf == 5 == brute_1d([(3, 1, 0, 1), (3, 2, 0, 1)])[0]


def test_dilated_single_layer_is_effective_kernel():
    net = Net((1, 1, 20, 20))
    net.op("d", "nn.Conv2d", 1, 1, 3, dilation=3)
    assert net.fields().layers[0].axes[0].rf == 7   # not seed 001's (k+1)(d−1)+k = 11


def test_padding_same_and_passthrough():
    net = Net((1, 2, 16, 16))
    net.op("c", "nn.Conv2d", 2, 2, 4, padding="same")
    net.op("r", "F.relu")
    lf = net.fields().layers
    assert lf[0].axes[0].rf == 4 and lf[0].axes[0].left == -1     # torch pads 1 left, 2 right
    assert lf[1].axes == lf[0].axes


def test_global_layers_are_whole_input_not_a_number():
    net = Net((1, 1, 8, 8))
    net.op("c", "nn.Conv2d", 1, 1, 3)
    net.op("gap", "nn.AdaptiveAvgPool2d", 1)
    net.op("flat", "nn.Flatten")
    rep = net.fields()
    assert rep.layers[1].axes is None and "whole input" in rep.layers[1].note
    assert rep.layers[2].axes is None
    assert rep.last().name == "c" and rep.equivalent().kernel == (3, 3)


def test_transposed_conv_is_fractional_and_marked():
    net = Net((1, 1, 8))
    net.op("up", "nn.ConvTranspose1d", 1, 1, 3, stride=2, padding=1)
    lf = net.fields().layers[0]
    assert lf.axes[0].jump == Rational(1, 2) and lf.axes[0].rf == 2 and not lf.exact
    assert net.fields().equivalent() is None


# ------------------------------------------------- published values (Araujo, Norris & Sim 2019)
# "Computing Receptive Fields of Convolutional Neural Networks", Distill 2019, and the table of its
# library (github.com/google-research/receptive_field, README): receptive field / effective stride /
# effective padding: alexnet_v2 195/32/64, vgg_16 212/32/90, resnet_v1_50 483/32/239.


def vgg16_net():
    net = Net((1, 3, 224, 224))
    c = 3
    for block, (n, width) in enumerate([(2, 64), (2, 128), (3, 256), (3, 512), (3, 512)], 1):
        for i in range(n):
            net.op(f"conv{block}_{i + 1}", "nn.Conv2d", c, width, 3, padding=1)
            net.op(f"relu{block}_{i + 1}", "F.relu")
            c = width
        net.op(f"pool{block}", "nn.MaxPool2d", 2, 2)
    return net


def test_vgg16_pool5_is_212():
    rep = vgg16_net().fields()
    eq = rep.equivalent(rep.by_name("pool5"))
    assert (eq.kernel[0], eq.stride[0], eq.padding[0]) == (212, 32, 90)


def test_alexnet_v2_is_195():
    """TF-slim alexnet_v2 = seed 003's AlexNet layout (11/4 valid, pool 3/2, 5×5 same, 3×3 same)."""
    net = Net((1, 3, 227, 227))
    net.op("conv1", "nn.Conv2d", 3, 96, 11, stride=4)
    net.op("pool1", "nn.MaxPool2d", 3, 2)
    net.op("conv2", "nn.Conv2d", 96, 256, 5, padding=2)
    net.op("pool2", "nn.MaxPool2d", 3, 2)
    net.op("conv3", "nn.Conv2d", 256, 384, 3, padding=1)
    net.op("conv4", "nn.Conv2d", 384, 384, 3, padding=1)
    net.op("conv5", "nn.Conv2d", 384, 256, 3, padding=1)
    net.op("pool5", "nn.MaxPool2d", 3, 2)
    eq = net.fields().equivalent()
    assert (eq.kernel[0], eq.stride[0], eq.padding[0]) == (195, 32, 64)


def resnet50(stride_in_last_unit: bool):
    """Bottleneck ResNet-50. TF-slim resnet_v1_50 strides the 3×3 conv of the LAST unit of blocks
    1–3; torchvision (v1.5) strides the 3×3 conv of the FIRST unit of layers 2–4."""
    net = Net((1, 3, 224, 224))
    net.op("conv1", "nn.Conv2d", 3, 64, 7, stride=2, padding=3)
    x = net.op("pool1", "nn.MaxPool2d", 3, 2, padding=1 if not stride_in_last_unit else 0)
    c = 64
    plan = [(3, 64, 2 if stride_in_last_unit else 1), (4, 128, 2), (6, 256, 2), (3, 512, 1 if stride_in_last_unit else 2)]
    for b, (units, width, stride) in enumerate(plan, 1):
        for u in range(units):
            s = stride if (u == units - 1 if stride_in_last_unit else u == 0) else 1
            a = net.op(f"b{b}u{u}.conv1", "nn.Conv2d", c, width, 1, parents=(x,))
            a = net.op(f"b{b}u{u}.conv2", "nn.Conv2d", width, width, 3, stride=s, padding=1, parents=(a,))
            a = net.op(f"b{b}u{u}.conv3", "nn.Conv2d", width, 4 * width, 1, parents=(a,))
            if s != 1 or c != 4 * width:
                x = net.op(f"b{b}u{u}.short", "nn.Conv2d", c, 4 * width, 1, stride=s, parents=(x,))
            x = net.op(f"b{b}u{u}.add", "add", parents=(a, x))
            c = 4 * width
    return net


def test_resnet_v1_50_is_483():
    rep = resnet50(stride_in_last_unit=True).fields()
    eq = rep.equivalent()
    assert (eq.kernel[0], eq.stride[0], eq.padding[0]) == (483, 32, 239)
    # the path attaining the maximum goes through every 3×3 conv, never through a shortcut
    path = [rep.layers[i].name for i in rep.layers[-1].path]
    assert not any(n.endswith("short") for n in path) and sum(n.endswith("conv2") for n in path) == 16


def test_resnet50_torchvision_variant_is_427():
    """torchvision strides the first unit: the field is smaller (427 = 7 + 4 + 3·2·4 + ...)."""
    rep = resnet50(stride_in_last_unit=False).fields()
    assert rep.layers[-1].axes[0].rf == 427 and rep.layers[-1].axes[0].jump == 32


@pytest.mark.parametrize("seed", range(3))
def test_dag_union_equals_brute_force(seed):
    """Two branches joined by add: the field is the union of the branches' index sets."""
    rng = random.Random(seed)
    net = Net((1, 1, 500))
    br = []
    for _ in range(2):
        parent, layers = -1, []
        for i in range(rng.randint(1, 3)):
            k, p, d = rng.randint(1, 5), rng.randint(0, 2), rng.randint(1, 2)
            parent = net.op(f"b{len(br)}_{i}", "nn.Conv1d", 1, 1, k, padding=p, dilation=d, parents=(parent,))
            layers.append((k, 1, p, d))
        br.append((parent, layers))
    net.op("add", "add", parents=(br[0][0], br[1][0]))
    f = net.fields().layers[-1].axes[0]
    sets = []
    for _, layers in br:
        units = {0}
        for k, s, p, d in reversed(layers):
            units = {o * s - p + t * d for o in units for t in range(k)}
        sets.append(units)
    union = sets[0] | sets[1]
    assert (f.rf, f.left) == (max(union) - min(union) + 1, min(union))


# ------------------------------------------------------------------------------ the CLI
def _run(runner, *args):
    from symcnn.cli.main import cli as main

    return runner.invoke(main, list(args), prog_name="symcnn")


def test_cli_rf_seed_dilated_json(runner):
    import json

    r = _run(runner, "rf", "examples/dilated.py", "--json")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.output)
    assert [(d["name"], d["rf"], d["jump"], d["start"]) for d in doc["layers"]] == [
        ("conv1", 3, 1, 0), ("conv2", 9, 1, 2), ("conv3", 10, "1/2", 2)]
    assert doc["layers"][2]["exact"] is False and doc["equivalent"] is None   # fractional: no conv


def test_cli_rf_alexnet_text_and_markdown(runner):
    r = _run(runner, "rf", "examples/alexnet.py")
    assert r.exit_code == 0, r.output
    assert "equivalent single conv (at pool3): kernel 195, stride 32, padding 64" in r.output
    assert "fc1" in r.output and "whole input" in r.output
    r = _run(runner, "rf", "examples/alexnet.py", "--markdown")
    assert r"- conv1: $r = 1 + (11 - 1) \cdot 1 = 11$" in r.output
    assert r"- pool3: $RF = (1 - 1) \cdot 2 + 3 = 3$" in r.output
    assert "pool1: the course notes' shortcut r = r_prev·S + (K − S) gives 23, the field is 19" in r.output
    assert "seed" not in r.output


def test_cli_rf_latex_compiles(runner, pdflatex, tmp_path):
    import subprocess

    out = tmp_path / "rf.tex"
    r = _run(runner, "rf", "examples/dilated.py", "-o", str(out))
    assert r.exit_code == 0, r.output
    p = subprocess.run([pdflatex, "-interaction=nonstopmode", "-halt-on-error", out.name], check=False, cwd=tmp_path,
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stdout[-2000:]
    assert r"(k + 1)(d - 1) + k = $11$" in out.read_text()


def test_zero_pad_shifts_start_and_nearest_upsample_divides_jump():
    net = Net((1, 1, 10, 10))
    net.op("pad", "nn.ZeroPad2d", (1, 2, 3, 4))          # left 1 (W), top 3 (H)
    net.op("c", "nn.Conv2d", 1, 1, 3, stride=2)
    net.op("up", "nn.Upsample", scale_factor=2, mode="nearest")
    rep = net.fields()
    h, w = rep.by_name("c").axes
    assert (h.left, w.left, h.rf, h.jump) == (-3, -1, 3, 2)
    up = rep.by_name("up")
    assert up.axes[0].jump == 1 and up.axes[0].rf == 3 and not up.exact
    net.op("bil", "nn.Upsample", scale_factor=2, mode="bilinear")
    assert net.fields().layers[-1].axes is None and "bilinear" in net.fields().layers[-1].note


def test_cli_rf_chinese_text_and_markdown(runner):
    r = _run(runner, "rf", "examples/dilated.py", "--lang", "zh")
    assert r.exit_code == 0 and r.output.splitlines()[0].split() == ["层", "类型", "感受野", "跳距", "起点"]
    assert "注：conv2：课程笔记的空洞卷积感受野 (k + 1)(d − 1) + k = 11；等效卷积核是 k + (k − 1)(d − 1) = 7" in r.output
    r = _run(runner, "rf", "examples/alexnet.py", "--lang", "zh", "--markdown")
    assert r.exit_code == 0, r.output
    assert r.output.startswith("## 感受野\n") and "| 层 | 类型 | 感受野 | 跳距 | 起点 | 注 |" in r.output
    assert "### 正向递推（沿最大感受野的路径，第一个轴）" in r.output and r"- conv1：$r = 1 + (11 - 1) \cdot 1 = 11$" in r.output
    assert "pool1：课程笔记的简便公式 r = r_prev·S + (K − S) 得到 23，实际感受野是 19" in r.output
    assert "卷积核 = 感受野 = 195，步长 = 跳距 = 32，填充 = (感受野 − 1)/2 − 起点 = 64。" in r.output


def _pdf_text(engine, tex: str, tmp_path) -> str:
    import subprocess

    (tmp_path / "doc.tex").write_text(tex, encoding="utf-8")
    p = subprocess.run([engine, "-interaction=nonstopmode", "-halt-on-error", "doc.tex"], check=False, cwd=tmp_path,
                       capture_output=True, text=True, timeout=240)
    assert p.returncode == 0, p.stdout[-2000:]
    out = subprocess.run(["pdftotext", "-layout", "doc.pdf", "-"], check=False, cwd=tmp_path, capture_output=True, text=True)
    return out.stdout


def test_cli_rf_chinese_latex_compiles_with_xelatex(runner, xelatex, tmp_path):
    r = _run(runner, "rf", "examples/alexnet.py", "--lang", "zh", "--latex")
    assert r.exit_code == 0, r.output
    assert r"\documentclass[a4paper]{ctexart}" in r.output and "% !TEX program = xelatex" in r.output
    text = _pdf_text(xelatex, r.output, tmp_path)
    assert "感受野" in text and "正向递推" in text and "反向递推" in text and "等效单层卷积" in text
    assert "整个输入" in text and "pool1：课程笔记的简便公式 r = r_prev·S + (K - S) 得到 23，实际感受野是 19" in text
    r = _run(runner, "rf", "examples/unet.py", "--lang", "zh", "--latex")
    text = _pdf_text(xelatex, r.output, tmp_path)
    assert "up4.conv.conv1" in text and "不适用" not in text     # every crop has a field now


def test_cli_rf_unet_text_follows_crops(runner):
    """The four center crops of examples/unet.py have a field (s4 cropped by 4 at jump 8: u = 32)."""
    r = _run(runner, "rf", "examples/unet.py", "--json")
    doc = __import__("json").loads(r.output)
    crops = [d for d in doc["layers"] if d["type"] == "__getitem__"]
    assert [(d["rf"], d["jump"], d["start"]) for d in crops] == [
        (68, 8, "131/2"), (32, 4, "159/2"), (14, 2, "173/2"), (5, 1, 90)]
    assert doc["layers"][-1]["rf"] == 215 and doc["layers"][-1]["exact"] is False


@pytest.mark.parametrize("example, kernel, stride, padding", [
    ("alexnet", 195, 32, 64),   # seed 003's AlexNet = slim alexnet_v2's layout (table above)
    ("vgg16", 212, 32, 90),     # vgg_16 (table above), at pool5
    # torchvision ResNet-18 strides the first block of layers 2–4: 7, 11 (maxpool), 43 (layer1),
    # 51 + 3·16 = 99, 115 + 3·32 = 211, 243 + 3·64 = 435, jump 32 (hand derivation)
    ("resnet18", 435, 32, None),
])
def test_traced_examples(example, kernel, stride, padding):
    from symcnn.tracing import tracer
    t = tracer.trace(f"examples/{example}.py")
    rep = receptive_fields(t.steps, t.input_shape)
    eq = rep.equivalent()
    assert (eq.kernel, eq.stride) == ((kernel, kernel), (stride, stride))
    if padding is not None:
        assert eq.padding == (padding, padding)
    assert rep.layers[-1].axes is None and "whole input" in rep.layers[-1].note   # the classifier


# ------------------------------------------------------------- crops by slicing (UNet skips)
def test_random_stacks_with_crops_equal_brute_force():
    """x[:, :, a::t] maps output unit o to input unit a + o·t: a window with k=1, s=t, p=−a."""
    rng = random.Random(3)
    for _ in range(200):
        layers, net = random_stack(rng)
        for _ in range(rng.randint(1, 2)):
            a, t = rng.randint(0, 6), rng.randint(1, 2)
            net.op("crop", "Tensor.__getitem__")
            net.steps[-1].slices = ((0, 1), (0, 1), (sympify(a), sympify(t)))
            layers.append((1, t, -a, 1))
            k, s, p = rng.randint(1, 5), rng.randint(1, 2), rng.randint(0, 2)
            net.op("after", "nn.Conv1d", 1, 1, k, stride=s, padding=p)
            layers.append((k, s, p, 1))
        last = net.fields().layers[-1]
        assert last.exact and (last.axes[0].rf, last.axes[0].jump, last.axes[0].left) == brute_1d(layers), layers


def test_traced_slices_record_start_and_step():
    from symcnn.tracing.indexing import index_shape, slice_starts

    shape = (sympify(1), sympify(8), sympify(30), sympify(20))
    assert slice_starts(shape, (slice(None), slice(None), slice(4, 26), slice(-5, None, 2))) == (
        (0, 1), (0, 1), (4, 1), (15, 2))
    assert slice_starts(shape, (Ellipsis, slice(3, None))) == ((0, 1), (0, 1), (0, 1), (3, 1))
    assert slice_starts(shape, (0, Ellipsis)) == (None, (0, 1), (0, 1), (0, 1))
    assert len(index_shape(shape, (0, Ellipsis))) == 3


def _slim_unet(torch):
    """examples/unet.py with channels divided by 64 (fields do not depend on channels), positive
    weights and average pools (same index maps as the max pools, but every input gets a gradient)."""
    import importlib.util

    nn = torch.nn
    spec = importlib.util.spec_from_file_location("unet_example", "examples/unet.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    net = mod.UNet()
    for parent in list(net.modules()):
        for cname, child in list(parent.named_children()):
            if isinstance(child, (nn.Conv2d, nn.ConvTranspose2d)):
                c_in, c_out = (c if c < 64 else c // 64 for c in (child.in_channels, child.out_channels))
                new = type(child)(c_in, c_out, child.kernel_size, stride=child.stride).double()
                with torch.no_grad():
                    new.weight.fill_(1.0 / new.weight[0].numel())
                    new.bias.zero_()
                setattr(parent, cname, new)
            elif isinstance(child, nn.MaxPool2d):
                setattr(parent, cname, nn.AvgPool2d(child.kernel_size, child.stride))
    return net


def test_unet_crops_follow_torch_gradients(torch):
    """examples/unet.py at its 572×572 input: each center crop's field equals the support of the real
    gradient (exact); after a transposed conv the fractional numbers bound every unit's support."""
    from symcnn.tracing import tracer

    t = tracer.trace("examples/unet.py")
    rep = receptive_fields(t.steps, t.input_shape)
    crops = [lf for lf in rep.layers if lf.type == "__getitem__"]
    cats = [lf for lf in rep.layers if lf.type == "cat"]
    assert len(crops) == 4 and all(lf.exact and lf.axes is not None for lf in crops)
    # hand check: s4 has rf 68, jump 8, u 0; the crop starts at (64 − 56)//2 = 4, so u = 4·8 = 32
    assert (crops[0].axes[0].rf, crops[0].axes[0].jump, crops[0].axes[0].left) == (68, 8, 32)
    assert rep.layers[-1].axes[0].rf == 215 and not rep.layers[-1].exact

    net = _slim_unet(torch)
    seen = {}
    for name in ("up4", "up3", "up2", "up1"):
        getattr(net, name).conv.register_forward_hook(lambda m, i, o, name=name: seen.__setitem__(name, i[0]))
    x = torch.ones(1, 1, 572, 572, dtype=torch.float64, requires_grad=True)
    y = net(x)

    def rows(value):
        (g,) = torch.autograd.grad(value, x, retain_graph=True)
        nz = torch.nonzero(g[0, 0].abs().sum(1)).flatten()
        return nz.min().item(), nz.max().item()

    def span(f, unit):
        return f.left + unit * f.jump, f.left + unit * f.jump + f.rf - 1

    for name, crop, cat in zip(("up4", "up3", "up2", "up1"), crops, cats):
        half = seen[name].shape[1] // 2
        for unit in (0, 3):
            assert rows(seen[name][0, 0, unit, 1]) == span(crop.axes[0], unit), (name, unit)  # skip half
            lo, hi = rows(seen[name][0, half, unit, 1])                                     # upsampled half
            c_lo, c_hi = span(cat.axes[0], unit)
            assert c_lo <= lo and hi <= c_hi, (name, unit)
    for unit in (100, 101):
        lo, hi = rows(y[0, 0, unit, 5])
        h_lo, h_hi = span(rep.layers[-1].axes[0], unit)
        assert h_lo <= lo and hi <= h_hi, unit


def test_unet_symbolic_fields_match_numeric_traces():
    """With a symbolic input (H, W) the crop offsets are floors of H; substituted at valid sizes they
    give the fields of the numeric traces (the merged floors make the first crop's start constant)."""
    from symcnn.core.symbols import size_symbol
    from symcnn.tracing import tracer

    H = size_symbol("H")
    t = tracer.trace("examples/unet.py", input_shape=(1, 1, H, size_symbol("W")))
    sym = receptive_fields(t.steps, t.input_shape)
    crops = [lf for lf in sym.layers if lf.type == "__getitem__"]
    assert crops[0].axes[0].start == Rational(131, 2)                  # no floor of H left
    for h in (188, 572):
        tr = tracer.trace("examples/unet.py", input_shape=(1, 1, h, h))
        num = receptive_fields(tr.steps, tr.input_shape)
        for a, b in zip(sym.layers, num.layers):
            got = [(f.rf.subs(H, h), f.jump, f.left.subs(H, h)) for f in a.axes[:1]]
            assert got == [(f.rf, f.jump, f.left) for f in b.axes[:1]], (a.name, h)


def test_notes_have_catalogue_entries_in_every_language():
    """Each rf.Note key has a message in en and zh ([rf.why]); the English message is the note itself."""
    import re
    from pathlib import Path

    from symcnn.core.render import catalogue
    from symcnn.tracing import tracer

    keys = set(re.findall(r'_note\(\s*"(\w+)"', Path("symcnn/analysis/rf.py").read_text()))
    assert len(keys) == 17
    assert keys == set(catalogue("en")["rf"]["why"]) == set(catalogue("zh")["rf"]["why"])
    net = Net((1, 1, 10, 10))
    net.op("pad", "nn.ReflectionPad2d", 1)
    net.op("c", "nn.Conv2d", 1, 1, 3, padding="same")
    net.op("up", "nn.Upsample", scale_factor=2)
    net.op("bil", "nn.Upsample", scale_factor=2, mode="bilinear")
    reports = [net.fields()]
    for name in ("alexnet", "dilated", "googlenet"):
        t = tracer.trace(f"examples/{name}.py")
        reports.append(receptive_fields(t.steps, t.input_shape))
    seen = set()
    for rep in reports:
        for lf in rep.layers:
            if lf.note:
                assert catalogue("en")["rf"]["why"][lf.note.key].format(**lf.note.args) == lf.note
                seen.add(lf.note.key)
    assert {"pad", "same", "nearest", "mixing", "whole", "whole_after", "transposed"} <= seen, seen


def test_tensor_methods_and_elementwise_functions_keep_the_field(tmp_path):
    """x.relu(), torch.sigmoid, x.clamp(), x.exp(), x.relu_() act per position: the field passes through."""
    f = tmp_path / "net.py"
    f.write_text("import torch, torch.nn as nn\nclass Net(nn.Module):\n    def __init__(self):\n"
                 "        super().__init__()\n        self.a = nn.Conv2d(1, 2, 3)\n"
                 "        self.b = nn.Conv2d(2, 2, 3, 2)\n"
                 "    def forward(self, x):\n        x = torch.sigmoid(self.a(x).relu()).clamp(0, 1).exp()\n"
                 "        x.relu_()\n        return self.b(x.sqrt().abs().log())\n")
    t = symcnn.trace(f, input_shape=(1, 1, 16, 16))
    rep = receptive_fields(t.steps, t.input_shape)
    assert [lf.type for lf in rep.layers] == ["Conv2d", "relu", "sigmoid", "clamp", "exp", "relu_", "sqrt",
                                              "abs", "log", "Conv2d"]
    assert [lf.axes[0].rf for lf in rep.layers] == [3] * 9 + [5]
    assert rep.layers[-1].axes[0].jump == 2 and rep.layers[-1].exact
