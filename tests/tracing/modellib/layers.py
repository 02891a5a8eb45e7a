import torch
import torch.nn as nn


class CoordEncoding(nn.Module):
    """Adds learned weights times a fixed grid of coordinates; the grid is built with torch.meshgrid,
    which needs real torch at construction time."""

    def __init__(self, channels, size):
        super().__init__()
        ys, xs = torch.meshgrid(torch.linspace(-1, 1, size), torch.linspace(-1, 1, size), indexing="ij")
        self.register_buffer("grid", torch.stack([ys, xs]).unsqueeze(0))
        self.proj = nn.Conv2d(2, channels, 1)

    def forward(self, x):
        return x + self.proj(self.grid)


class Block(nn.Module):
    def __init__(self, cin, cout, stride=1):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn = nn.BatchNorm2d(cout)
        self.act = nn.ReLU(inplace=True)

    def forward(self, x):
        return self.act(self.bn(self.conv(x)))
