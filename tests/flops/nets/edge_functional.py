"""FLOPs edge cases: functional ops (F.relu, pools, softmax), an explicit torch.add next to a + b,
Conv3d, MaxPool3d, AdaptiveAvgPool1d/3d, AvgPool1d. Input 1x2x8x16x16."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class Fun(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv3d = nn.Conv3d(2, 4, 3, padding=1)
        self.pool3d = nn.MaxPool3d(2)
        self.apool3d = nn.AdaptiveAvgPool3d((2, 3, 3))
        self.conv = nn.Conv2d(4, 4, 3, padding=1)
        self.conv_b = nn.Conv2d(4, 4, 1)
        self.apool1d = nn.AdaptiveAvgPool1d(5)
        self.avg1d = nn.AvgPool1d(2)
        self.fc = nn.Linear(4 * 2, 3)

    def forward(self, x):
        x = F.relu(self.conv3d(x))
        x = self.apool3d(self.pool3d(x))
        x = x.view(1, 4 * 2, 3, 3)[:, :4]
        y = F.max_pool2d(x, 2, 1)
        z = F.avg_pool2d(x, 2, 1)
        x = torch.add(y, z) + self.conv(y)
        x = F.relu(self.conv_b(x))
        x = F.adaptive_avg_pool2d(x, 1)
        x = x.view(1, 4, 1)
        x = self.apool1d(x)
        x = self.avg1d(x)
        x = torch.flatten(x, 1)
        return F.softmax(self.fc(x), dim=1)


x = torch.rand(1, 2, 8, 16, 16)
