"""The mistakes of issue 19 planted in answers for several nets, worked out by hand in the comments
(never by calling the mistake code): bias additions counted as MACs, activations given as params,
the kernel area alone, the stride ignored, rounded figures, another FLOPs convention, bytes versus
elements, a shape written channels-first on an H×W×C sheet. Also the wording per layer type.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_check import ALEX, BN, GROUPED, MNIST, check_planted, one, planted_id

ROOT = Path(__file__).resolve().parents[2]
LENET = str(ROOT / "examples" / "lenet.py")

# (net, [options] lines, layer or None for total, field, planted value, mistake id, origin)
PLANTED = [
    # --- bias_in_macs: + |out| per conv/linear layer with a bias
    # AlexNet conv1: 105,415,200 + 96·55·55 = 105,705,600
    (ALEX, "", "conv1", "macs", 105_705_600, "bias_in_macs", None),
    # MNIST fc1: 50·320 + 50 = 16,050
    (MNIST, "", "fc1", "macs", 16_050, "bias_in_macs", None),
    # LeNet conv "3" (6 -> 16, 5x5 on 14): 16·10·10·6·25 + 16·10·10 = 241,600
    (LENET, "", "3", "macs", 241_600, "bias_in_macs", None),
    # grouped_ceil fc (128 -> 10): 1,280 + 10
    (GROUPED, "", "fc", "macs", 1_290, "bias_in_macs", None),
    # AlexNet total: 1,135,256,096 + 290,400 + 186,624 + 2·64,896 + 43,264 + 4,096 + 4,096 + 1,000
    (ALEX, "", None, "macs", 1_135_915_368, "bias_in_macs", "all"),
    # --- activations_vs_params: output elements given as parameters, or the reverse
    # AlexNet conv1's output 1·96·55·55 = 290,400 given as its params
    (ALEX, "", "conv1", "params", 290_400, "activations_vs_params", None),
    # MNIST fc1's params 320·50 + 50 = 16,050 given as its activations (50 outputs)
    (MNIST, "", "fc1", "activations", 16_050, "activations_vs_params", None),
    # LeNet conv "0": output 1·6·28·28 = 4,704 given as params (true 6·25 + 6 = 156)
    (LENET, "", "0", "params", 4_704, "activations_vs_params", None),
    # bn_net: the total params 25,626 given as the total activations
    (BN, "", None, "activations", 25_626, "activations_vs_params", None),
    # --- kernel_area_only: K = ∏ kernel_size without the channels
    # AlexNet conv1 11x11: 121 weights + 1 bias
    (ALEX, "", "conv1", "params", 122, "kernel_area_only", None),
    # MNIST conv2 5x5: 25 weights
    (MNIST, "", "conv2", "weights", 25, "kernel_area_only", None),
    # LeNet conv "3" 5x5: 25 + 1
    (LENET, "", "3", "params", 26, "kernel_area_only", None),
    # grouped_ceil conv1 7x7 on a 112x112 output grid, no channels: 112·112·49 = 614,656
    (GROUPED, "", "conv1", "macs", 614_656, "kernel_area_only", None),
    # --- stride_ignored
    # AlexNet conv1 11x11 stride 4 on 227 read as stride 1: 227 − 11 + 1 = 217
    (ALEX, "", "conv1", "output_shape", [1, 96, 217, 217], "stride_ignored", None),
    # MNIST max_pool2d(2, 2) on 24 with stride 1: 24 − 2 + 1 = 23
    (MNIST, "", "F.max_pool2d#1", "output_shape", [1, 10, 23, 23], "stride_ignored", None),
    # grouped_ceil MaxPool2d(3, 2, ceil_mode=True) on 112 with stride 1: 112 − 3 + 1 = 110
    (GROUPED, "", "pool1", "output_shape", [1, 64, 110, 110], "stride_ignored", None),
    # LeNet AvgPool2d(2, stride=2) on 28: 27
    (LENET, "", "2", "output_shape", "6x27x27", "stride_ignored", None),
    # --- rounded (tolerance 0): an approximate figure within 1%, or the exact value rounded in full
    # AlexNet total MACs 1,135,256,096 as 1.14 G (+0.42%)
    (ALEX, "", None, "macs", "1.14 G", "rounded", None),
    # MNIST total params 21,840 rounded to 21,800
    (MNIST, "", None, "params", 21_800, "rounded", None),
    # AlexNet conv1 params 34,944 as 3.5e4 (+0.16%)
    (ALEX, "", "conv1", "params", "3.5e4", "rounded", None),
    # bn_net conv2 MACs 1,179,648 as 1.18M
    (BN, "", "conv2", "macs", "1.18M", "rounded", None),
    # --- flops_convention: FLOPs of another convention than the sheet's
    # AlexNet conv1 FLOPs as 2·MACs = 210,830,400 on the default (mac) sheet
    (ALEX, "", "conv1", "flops", 210_830_400, "flops_convention", None),
    # MNIST total FLOPs 2·480,500 = 961,000 on the default sheet
    (MNIST, "", None, "flops", 961_000, "flops_convention", None),
    # LeNet total MACs 416,520 on a sheet that asks for 2·MACs
    (LENET, 'flops = "flop"', None, "flops", 416_520, "flops_convention", None),
    # --- bytes_per_element
    # AlexNet conv1 activation bytes (float32): 290,400 elements given instead of 1,161,600 bytes
    (ALEX, "", "conv1", "activation_bytes", 290_400, "bytes_per_element", None),
    # MNIST conv1 activations 10·24·24 = 5,760 given in bytes: 23,040
    (MNIST, "", "conv1", "activations", 23_040, "bytes_per_element", None),
    # bn_net fc output (10 elements) in float16 is 20 bytes; 40 is float32
    (BN, 'dtype = "float16"', "fc", "activation_bytes", 40, "bytes_per_element", None),
    # --- channels_first: N×C×H×W on a sheet that asks for H×W×C
    (ALEX, 'layout = "hwc"', "conv1", "output_shape", [1, 96, 55, 55], "channels_first", None),
    (MNIST, 'layout = "hwc"', "conv2", "output_shape", "20x8x8", "channels_first", None),
    (GROUPED, 'layout = "hwc"', "pool1", "output_shape", "64x56x56", "channels_first", None),
]


@pytest.mark.parametrize(("net", "options", "layer", "field", "value", "mid", "origin"), PLANTED,
                         ids=[planted_id(p) for p in PLANTED])
def test_planted_mistake_is_named(net, options, layer, field, value, mid, origin):
    check_planted(net, None, layer, field, value, mid, origin, options)


def test_each_new_mistake_is_planted_in_three_nets():
    nets: dict[str, set] = {}
    for net, *_, mid, _origin in PLANTED:
        nets.setdefault(mid, set()).add(net)
    assert all(len(v) >= 3 for v in nets.values()), {k: len(v) for k, v in nets.items()}


@pytest.mark.parametrize(("net", "toml", "words"), [
    (ALEX, "[layers.conv1]\nparams = 34848\n", "params = weights + one bias per output channel"),
    (MNIST, "[layers.fc1]\nparams = 16000\n", "params = weights + one bias per output feature"),
    (ALEX, "[layers.conv1]\nmacs = 105705600\n", "a conv's MACs are |out|·(C_in/groups)·K"),
    (MNIST, "[layers.fc1]\nmacs = 16050\n", "a Linear's MACs are |out|·in_features"),
    (MNIST, '[layers."F.max_pool2d#1"]\noutput_shape = [1, 10, 23, 23]\n', "a pool's stride defaults to its kernel size"),
    (ALEX, "[layers.conv1]\noutput_shape = [1, 96, 217, 217]\n", "the window moves S positions at a time"),
])
def test_messages_are_worded_per_layer_type(net, toml, words):
    it = one(net, toml)
    assert words in it.diagnosis[0].message, it.diagnosis


def test_messages_per_layer_type_in_chinese():
    assert "每个输出特征一个偏置" in one(MNIST, "[layers.fc1]\nparams = 16000\n", "zh").diagnosis[0].message
    assert "池化层的步长默认等于核大小" in one(
        MNIST, '[layers."F.max_pool2d#1"]\noutput_shape = "10x23x23"\n', "zh").diagnosis[0].message


def test_flops_convention_says_what_the_answer_is_and_what_is_asked():
    it = one(ALEX, "[layers.conv1]\nflops = 210830400\n")
    # 2·MACs: symcnn's flop convention (torchscan's FLOPs of a conv too: symcnn's own names come first)
    assert it.diagnosis[0].message == ("counted with another FLOPs convention (flop); this sheet asks for mac "
                                       "(multiply-accumulates: conv and linear MACs, bias additions not included)")
    # MACs + one add per output: torchinfo's and ptflops' count of a conv with a bias
    it = one(ALEX, "[layers.conv1]\nflops = 105705600\n")
    assert [d.id for d in it.diagnosis] == ["flops_convention", "bias_in_macs"]
    assert "(torchinfo, ptflops, ptflops-aten)" in it.diagnosis[0].message
    zh = one(ALEX, "[layers.conv1]\nflops = 210830400\n", "zh").diagnosis[0].message
    assert zh.startswith("用了另一种 FLOPs 约定（flop）计数；本题要求的是 mac（")


def test_rounded_message_names_the_offset_and_what_the_sheet_asks():
    it = one(ALEX, '[total]\nmacs = "1.14 G"\n')
    assert it.diagnosis[0].message == "rounded (+0.42% from the exact value); this sheet asks for the exact number"
    it = one(ALEX, '[options]\ntolerance = 0.001\n[total]\nmacs = "1.14 G"\n')
    assert it.diagnosis[0].message == ("rounded (+0.42% from the exact value); this sheet accepts answers within "
                                       "0.1% of the exact value")


def test_an_exact_number_off_by_a_little_is_not_called_rounded():
    # 614,000 is 614,656 cut, not rounded (that is 615,000): no mistake, how far off
    it = one(ALEX, "[layers.conv2]\nparams = 614000\n")
    assert it.diagnosis == [] and it.note == "off by -656 (-0.11%)"


def test_approximate_answers_of_a_known_mistake_are_named():
    # total MACs given as FLOPs, rounded: 2,270,512,192 ≈ 2.27 G
    it = one(ALEX, '[total]\nmacs = "2.27 G"\n')
    assert [d.id for d in it.diagnosis] == ["macs_vs_flops"]
    # conv1 with the stride ignored, rounded: 96·217·217·363 = 1,640,899,872 ≈ 1.64 G
    it = one(ALEX, '[layers.conv1]\nmacs = "1.64 G"\n')
    assert [d.id for d in it.diagnosis] == ["stride_ignored"]
