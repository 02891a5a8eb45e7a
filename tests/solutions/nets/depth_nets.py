"""Nested nets for --depth (tests/solutions/test_depth.py): each model is compared row by row with
torchinfo 1.8.0's depth; each takes the input named in INPUTS."""
import torch
import torch.nn as nn

INPUTS = {"ResNetStyle": (1, 3, 32, 32), "Nested": (2, 8), "Looped": (1, 4, 16, 16), "Attn": (5, 1, 8)}


class Bottleneck(nn.Module):
    def __init__(self, cin, mid, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, mid, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(mid)
        self.conv2 = nn.Conv2d(mid, mid, 3, stride=stride, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(mid)
        self.conv3 = nn.Conv2d(mid, mid * 4, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(mid * 4)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = None
        if stride != 1 or cin != mid * 4:
            self.downsample = nn.Sequential(nn.Conv2d(cin, mid * 4, 1, stride=stride, bias=False),
                                            nn.BatchNorm2d(mid * 4))

    def forward(self, x):
        identity = x
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        if self.downsample is not None:
            identity = self.downsample(x)
        out += identity
        return self.relu(out)


class ResNetStyle(nn.Module):
    """A ResNet-50-like stem, two stages of bottlenecks (the first with a projection), a head."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 16, 7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(3, stride=2, padding=1)
        self.layer1 = nn.Sequential(Bottleneck(16, 8), Bottleneck(32, 8))
        self.layer2 = nn.Sequential(Bottleneck(32, 16, stride=2), Bottleneck(64, 16), Bottleneck(64, 16))
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(64, 10)

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer2(self.layer1(x))
        return self.fc(torch.flatten(self.avgpool(x), 1))


class Scaled(nn.Module):
    """A container with a parameter of its own and a child never called."""

    def __init__(self, n):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(n, n), nn.Tanh(), nn.Sequential(nn.Linear(n, n), nn.ReLU()))
        self.gain = nn.Parameter(torch.ones(n))
        self.spare = nn.Linear(n, 3)

    def forward(self, x):
        return self.body(x) * self.gain


class Nested(nn.Module):
    """Sequentials three deep, a container with its own parameter, a frozen branch."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Sequential(nn.Linear(16, 16), nn.Sequential(
            nn.Linear(16, 16), nn.ReLU())))
        self.mid = Scaled(16)
        self.head = nn.Sequential(nn.Linear(16, 4))
        for p in self.stem[2].parameters():
            p.requires_grad = False

    def forward(self, x):
        return self.head(self.mid(self.stem(x)))


class Looped(nn.Module):
    """A ModuleList called in a loop (never called itself), and one block called twice back to back."""

    def __init__(self):
        super().__init__()
        self.blocks = nn.ModuleList([nn.Sequential(nn.Conv2d(4, 4, 3, padding=1), nn.ReLU()) for _ in range(3)])
        self.shared = nn.Sequential(nn.Conv2d(4, 4, 1), nn.BatchNorm2d(4))
        self.head = nn.Conv2d(4, 2, 1)

    def forward(self, x):
        for b in self.blocks:
            x = b(x) + x
        x = self.shared(self.shared(x))
        return self.head(x)


class Attn(nn.Module):
    """A composite layer (MultiheadAttention holds out_proj, which its forward never calls)."""

    def __init__(self):
        super().__init__()
        self.enc = nn.Sequential(nn.Linear(8, 8), nn.GELU())
        self.attn = nn.MultiheadAttention(8, 2)
        self.out = nn.Sequential(nn.LayerNorm(8), nn.Linear(8, 3))

    def forward(self, x):
        x = self.enc(x)
        x, _ = self.attn(x, x, x)
        return self.out(x)
