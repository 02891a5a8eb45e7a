"""A small net for the checker: a grouped conv and a ceil_mode max pool (GoogLeNet-style stem)."""
import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 64, 7, stride=2, padding=3)
        self.pool1 = nn.MaxPool2d(3, stride=2, ceil_mode=True)
        self.conv2 = nn.Conv2d(64, 128, 3, padding=1, groups=4)
        self.pool2 = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(128, 10)

    def forward(self, x):
        x = self.pool1(torch.relu(self.conv1(x)))
        x = self.pool2(torch.relu(self.conv2(x)))
        x = torch.flatten(x, 1)
        return self.fc(x)


x = torch.rand(1, 3, 224, 224)

if __name__ == "__main__":
    print(Net()(x).shape)
