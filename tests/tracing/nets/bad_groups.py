import torch.nn as nn

net = nn.Sequential(
    nn.Conv2d(3, 10, 3),
    nn.Conv2d(10, 12, 3, groups=4),
)
