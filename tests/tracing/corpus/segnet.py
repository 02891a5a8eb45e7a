"""SegNet-style encoder/decoder: max-pool indices kept and used by MaxUnpool2d (and F.max_unpool2d)."""
import torch
import torch.nn as nn
import torch.nn.functional as F


def conv_bn_relu(cin, cout):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


class SegNet(nn.Module):
    def __init__(self, in_channels=3, num_classes=12):
        super(SegNet, self).__init__()
        self.enc1 = nn.Sequential(conv_bn_relu(in_channels, 32), conv_bn_relu(32, 32))
        self.enc2 = nn.Sequential(conv_bn_relu(32, 64), conv_bn_relu(64, 64))
        self.enc3 = nn.Sequential(conv_bn_relu(64, 128), conv_bn_relu(128, 128))
        self.pool = nn.MaxPool2d(2, stride=2, return_indices=True)
        self.unpool = nn.MaxUnpool2d(2, stride=2)
        self.dec3 = nn.Sequential(conv_bn_relu(128, 128), conv_bn_relu(128, 64))
        self.dec2 = nn.Sequential(conv_bn_relu(64, 64), conv_bn_relu(64, 32))
        self.dec1 = nn.Sequential(conv_bn_relu(32, 32), nn.Conv2d(32, num_classes, 3, padding=1))

    def forward(self, x):
        x = self.enc1(x)
        size1 = x.size()
        x, idx1 = self.pool(x)
        x = self.enc2(x)
        size2 = x.size()
        x, idx2 = self.pool(x)
        x = self.enc3(x)
        x, idx3 = F.max_pool2d(x, kernel_size=2, stride=2, return_indices=True)

        x = F.max_unpool2d(x, idx3, kernel_size=2, stride=2)
        x = self.dec3(x)
        x = self.unpool(x, idx2, output_size=size2)
        x = self.dec2(x)
        x = self.unpool(x, idx1, output_size=size1)
        return self.dec1(x)
