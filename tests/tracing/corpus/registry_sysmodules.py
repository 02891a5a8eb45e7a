"""Models exposed by setattr on the module itself (a loop over depths) and looked up by name."""
import sys
from functools import partial

import torch.nn as nn
import torch.nn.functional as F


class Block(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(channels)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(channels)

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        return F.relu(x + self.bn2(self.conv2(y)))


class PlainResNet(nn.Module):
    def __init__(self, depth, width=16, num_classes=10):
        super().__init__()
        self.stem = nn.Conv2d(3, width, 3, padding=1)
        stages = []
        channels = width
        for i in range(3):
            if i > 0:
                stages.append(nn.Conv2d(channels, channels * 2, 1, stride=2))
                channels *= 2
            stages.extend(Block(channels) for _ in range(depth))
        self.stages = nn.Sequential(*stages)
        self.fc = nn.Linear(channels, num_classes)

    def forward(self, x):
        x = self.stages(self.stem(x))
        return self.fc(F.adaptive_avg_pool2d(x, 1).view(x.size(0), -1))


this = sys.modules[__name__]
for _depth in (1, 2, 3):
    setattr(this, f"plain{_depth}", partial(PlainResNet, _depth))


def create(name, **kwargs):
    return getattr(sys.modules[__name__], name)(**kwargs)
