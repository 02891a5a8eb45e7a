"""Newer torch.nn layers: RMSNorm, ChannelShuffle, PixelUnshuffle, the Upsampling aliases, SyncBatchNorm,
Unfold/Fold, every padding layer and AdaptiveMaxPool2d with indices."""
import torch
import torch.nn as nn


class ShuffleUnit(nn.Module):
    def __init__(self, channels, groups=4):
        super().__init__()
        self.gconv1 = nn.Conv2d(channels, channels, 1, groups=groups, bias=False)
        self.bn1 = nn.SyncBatchNorm(channels)
        self.shuffle = nn.ChannelShuffle(groups)
        self.dwconv = nn.Conv2d(channels, channels, 3, padding=1, groups=channels, bias=False)
        self.gconv2 = nn.Conv2d(channels, channels, 1, groups=groups, bias=False)
        self.bn2 = nn.BatchNorm2d(channels)

    def forward(self, x):
        out = torch.relu(self.bn1(self.gconv1(x)))
        out = self.shuffle(out)
        out = self.bn2(self.gconv2(self.dwconv(out)))
        return torch.relu(out + x)


class ModernNet(nn.Module):
    def __init__(self, width=32, num_classes=10):
        super().__init__()
        self.pad = nn.ReflectionPad2d(1)
        self.stem = nn.Conv2d(3, width // 4, 3)
        self.down = nn.PixelUnshuffle(2)                       # C*4, H/2, W/2
        self.unit1 = ShuffleUnit(width)
        self.rep = nn.ReplicationPad2d((1, 1, 0, 0))
        self.circ = nn.CircularPad2d(1)
        self.zero = nn.ZeroPad2d((0, 1, 0, 1))
        self.squeeze = nn.Conv2d(width, width, 3)
        self.up = nn.UpsamplingNearest2d(scale_factor=2)
        self.smooth = nn.UpsamplingBilinear2d(size=(16, 16))
        self.unfold = nn.Unfold(kernel_size=2, stride=2)        # (N, C*4, 64)
        self.fold = nn.Fold(output_size=(16, 16), kernel_size=2, stride=2)
        self.pool = nn.AdaptiveMaxPool2d((4, 4), return_indices=True)
        self.norm = nn.RMSNorm(16)
        self.head = nn.Linear(width * 16, num_classes)

    def forward(self, x):
        x = self.down(self.stem(self.pad(x)))
        x = self.unit1(x)
        x = self.squeeze(self.zero(self.circ(self.rep(x))))
        x = self.smooth(self.up(x))
        x = self.fold(self.unfold(x))
        x, indices = self.pool(x)
        x = self.norm(x.flatten(2))
        return self.head(x.flatten(1))
