import torch.nn as nn

net = nn.Sequential(
    nn.Conv2d(3, 8, 3)
    nn.ReLU(),
)
