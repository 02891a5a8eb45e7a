import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 20, 5)
        self.fc = nn.Linear(500, 10)

    def forward(self, x):
        x = F.max_pool2d(self.conv(x), 2)
        x = x.view(-1, 500)
        return self.fc(x)


x = torch.rand(1, 1, 12, 12)
