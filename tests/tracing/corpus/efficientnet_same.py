"""EfficientNet-B0-like (narrow) with TF 'SAME' padding: a Conv2d subclass that pads by the input size and
calls F.conv2d with its own weight, swish, squeeze-excitation and drop-connect (training only)."""
import math
from collections import namedtuple

import torch
from torch import nn
from torch.nn import functional as F

BlockArgs = namedtuple('BlockArgs', ['num_repeat', 'kernel_size', 'stride', 'expand_ratio', 'input_filters',
                                     'output_filters', 'se_ratio'])

blocks_args = [
    BlockArgs(1, 3, 1, 1, 32, 16, 0.25),
    BlockArgs(2, 3, 2, 6, 16, 24, 0.25),
    BlockArgs(2, 5, 2, 6, 24, 40, 0.25),
    BlockArgs(1, 3, 2, 6, 40, 80, 0.25),
]


class Swish(nn.Module):
    def forward(self, x):
        return x * torch.sigmoid(x)


class Conv2dStaticSamePadding(nn.Conv2d):
    """2D convolution like TensorFlow's 'SAME' mode, padding computed from the input size."""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, dilation=1, groups=1, bias=True):
        super().__init__(in_channels, out_channels, kernel_size, stride, 0, dilation, groups, bias)
        self.stride = self.stride if len(self.stride) == 2 else [self.stride[0]] * 2

    def forward(self, x):
        ih, iw = x.size()[-2:]
        kh, kw = self.weight.size()[-2:]
        sh, sw = self.stride
        oh, ow = math.ceil(ih / sh), math.ceil(iw / sw)
        pad_h = max((oh - 1) * self.stride[0] + (kh - 1) * self.dilation[0] + 1 - ih, 0)
        pad_w = max((ow - 1) * self.stride[1] + (kw - 1) * self.dilation[1] + 1 - iw, 0)
        if pad_h > 0 or pad_w > 0:
            x = F.pad(x, [pad_w // 2, pad_w - pad_w // 2, pad_h // 2, pad_h - pad_h // 2])
        return F.conv2d(x, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups)


def drop_connect(inputs, p, training):
    if not training:
        return inputs
    batch_size = inputs.shape[0]
    keep_prob = 1 - p
    random_tensor = keep_prob + torch.rand([batch_size, 1, 1, 1], dtype=inputs.dtype, device=inputs.device)
    binary_tensor = torch.floor(random_tensor)
    return inputs / keep_prob * binary_tensor


class MBConvBlock(nn.Module):
    def __init__(self, block_args, bn_mom=0.01, bn_eps=1e-3):
        super().__init__()
        self._block_args = block_args
        inp = block_args.input_filters
        oup = block_args.input_filters * block_args.expand_ratio
        if block_args.expand_ratio != 1:
            self._expand_conv = Conv2dStaticSamePadding(inp, oup, kernel_size=1, bias=False)
            self._bn0 = nn.BatchNorm2d(num_features=oup, momentum=bn_mom, eps=bn_eps)
        k = block_args.kernel_size
        s = block_args.stride
        self._depthwise_conv = Conv2dStaticSamePadding(oup, oup, kernel_size=k, stride=s, groups=oup, bias=False)
        self._bn1 = nn.BatchNorm2d(num_features=oup, momentum=bn_mom, eps=bn_eps)
        num_squeezed_channels = max(1, int(block_args.input_filters * block_args.se_ratio))
        self._se_reduce = Conv2dStaticSamePadding(oup, num_squeezed_channels, kernel_size=1)
        self._se_expand = Conv2dStaticSamePadding(num_squeezed_channels, oup, kernel_size=1)
        final_oup = block_args.output_filters
        self._project_conv = Conv2dStaticSamePadding(oup, final_oup, kernel_size=1, bias=False)
        self._bn2 = nn.BatchNorm2d(num_features=final_oup, momentum=bn_mom, eps=bn_eps)
        self._swish = Swish()

    def forward(self, inputs, drop_connect_rate=None):
        x = inputs
        if self._block_args.expand_ratio != 1:
            x = self._swish(self._bn0(self._expand_conv(inputs)))
        x = self._swish(self._bn1(self._depthwise_conv(x)))
        x_squeezed = F.adaptive_avg_pool2d(x, 1)
        x_squeezed = self._se_expand(self._swish(self._se_reduce(x_squeezed)))
        x = torch.sigmoid(x_squeezed) * x
        x = self._bn2(self._project_conv(x))
        if self._block_args.stride == 1 and self._block_args.input_filters == self._block_args.output_filters:
            if drop_connect_rate:
                x = drop_connect(x, p=drop_connect_rate, training=self.training)
            x = x + inputs
        return x


class EfficientNet(nn.Module):
    def __init__(self, blocks_args=None, num_classes=10, drop_connect_rate=0.2):
        super().__init__()
        self._drop_connect_rate = drop_connect_rate
        self._conv_stem = Conv2dStaticSamePadding(3, 32, kernel_size=3, stride=2, bias=False)
        self._bn0 = nn.BatchNorm2d(num_features=32, momentum=0.01, eps=1e-3)
        self._blocks = nn.ModuleList([])
        for block_args in blocks_args:
            self._blocks.append(MBConvBlock(block_args))
            if block_args.num_repeat > 1:
                block_args = block_args._replace(input_filters=block_args.output_filters, stride=1)
            for _ in range(block_args.num_repeat - 1):
                self._blocks.append(MBConvBlock(block_args))
        self._conv_head = Conv2dStaticSamePadding(80, 320, kernel_size=1, bias=False)
        self._bn1 = nn.BatchNorm2d(num_features=320, momentum=0.01, eps=1e-3)
        self._avg_pooling = nn.AdaptiveAvgPool2d(1)
        self._dropout = nn.Dropout(0.2)
        self._fc = nn.Linear(320, num_classes)
        self._swish = Swish()

    def forward(self, inputs):
        x = self._swish(self._bn0(self._conv_stem(inputs)))
        for idx, block in enumerate(self._blocks):
            drop_connect_rate = self._drop_connect_rate
            if drop_connect_rate:
                drop_connect_rate *= float(idx) / len(self._blocks)
            x = block(x, drop_connect_rate=drop_connect_rate)
        x = self._swish(self._bn1(self._conv_head(x)))
        x = self._avg_pooling(x)
        x = x.flatten(start_dim=1)
        x = self._dropout(x)
        return self._fc(x)


def efficientnet_small(num_classes=10):
    return EfficientNet(blocks_args, num_classes=num_classes)
