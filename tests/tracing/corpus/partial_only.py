"""The model is only ever exposed as a partial of a configurable class."""
from functools import partial

import torch
from torch import nn


class ConvMixer(nn.Module):
    def __init__(self, dim, depth, kernel_size=5, patch_size=2, n_classes=10):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, dim, kernel_size=patch_size, stride=patch_size),
                                  nn.GELU(), nn.BatchNorm2d(dim))
        self.blocks = nn.ModuleList()
        for _ in range(depth):
            self.blocks.append(nn.ModuleDict({
                "mix": nn.Sequential(nn.Conv2d(dim, dim, kernel_size, groups=dim, padding="same"),
                                     nn.GELU(), nn.BatchNorm2d(dim)),
                "point": nn.Sequential(nn.Conv2d(dim, dim, kernel_size=1), nn.GELU(), nn.BatchNorm2d(dim)),
            }))
        self.pool = nn.AdaptiveAvgPool2d((1, 1))
        self.head = nn.Linear(dim, n_classes)

    def forward(self, x):
        x = self.stem(x)
        for block in self.blocks:
            x = x + block["mix"](x)
            x = block["point"](x)
        return self.head(torch.flatten(self.pool(x), 1))


convmixer_small = partial(ConvMixer, 64, 4, kernel_size=5, patch_size=2)
