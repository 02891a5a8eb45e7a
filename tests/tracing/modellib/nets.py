import torch.nn as nn

from .layers import Block, CoordEncoding
from .registry import register


class PosNet(nn.Module):
    def __init__(self, width=16, image_size=32, num_classes=10):
        super().__init__()
        self.stem = Block(3, width)
        self.pos = CoordEncoding(width, image_size)
        self.stages = nn.Sequential(Block(width, 2 * width, 2), Block(2 * width, 4 * width, 2))
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.head = nn.Linear(4 * width, num_classes)

    def forward(self, x):
        x = self.pos(self.stem(x))
        x = self.pool(self.stages(x)).flatten(1)
        return self.head(x)


@register
def posnet_tiny(**kwargs):
    return PosNet(width=8, **kwargs)


@register
def posnet_small(**kwargs):
    return PosNet(width=16, **kwargs)
