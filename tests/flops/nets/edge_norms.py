"""FLOPs edge cases: GroupNorm, LayerNorm, InstanceNorm, BatchNorm without affine, Upsample nearest and
bilinear, ConvTranspose with groups and bias, Linear on a 3-D input, Conv1d/BatchNorm1d. Input 1x4x12x12."""
import torch
import torch.nn as nn


class Norms(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(4, 8, 3, padding=1)
        self.gn = nn.GroupNorm(2, 8)
        self.ln = nn.LayerNorm([8, 12, 12])
        self.inorm = nn.InstanceNorm2d(8, affine=True)
        self.bn = nn.BatchNorm2d(8, affine=False)
        self.up1 = nn.Upsample(scale_factor=2, mode="nearest")
        self.up2 = nn.Upsample(scale_factor=2, mode="bilinear")
        self.deconv = nn.ConvTranspose2d(8, 6, 3, stride=2, padding=1, groups=2)
        self.pool = nn.MaxPool2d(3, 2)
        self.conv1d = nn.Conv1d(6, 4, 5)
        self.bn1d = nn.BatchNorm1d(4)
        self.fc = nn.Linear(47 * 47 - 4, 7)

    def forward(self, x):
        x = self.bn(self.inorm(self.ln(self.gn(self.conv(x)))))
        x = self.up2(self.up1(x))
        x = self.pool(self.deconv(x))
        x = x.view(x.size(0), 6, -1)
        x = self.bn1d(self.conv1d(x))
        return self.fc(x)


x = torch.rand(1, 4, 12, 12)
