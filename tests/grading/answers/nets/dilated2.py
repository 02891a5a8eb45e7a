"""One dilated conv (k=3, d=2, p=3) and a pool with padding, for the checker's dilation and padding mistakes."""
import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, padding=3, dilation=2)
        self.pool = nn.MaxPool2d(3, stride=2, padding=1)

    def forward(self, x):
        return self.pool(torch.relu(self.conv(x)))


x = torch.rand(1, 3, 32, 32)

if __name__ == "__main__":
    print(Net()(x).shape)
