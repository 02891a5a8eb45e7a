"""Lazy modules: in_channels / in_features are inferred at the first call."""
import torch
import torch.nn as nn


class LazyNet(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.features = nn.Sequential(
            nn.LazyConv2d(32, 3, padding=1), nn.LazyBatchNorm2d(), nn.ReLU(),
            nn.MaxPool2d(2),
            nn.LazyConv2d(64, 3, padding=1), nn.LazyBatchNorm2d(), nn.ReLU(),
            nn.MaxPool2d(2),
        )
        self.classifier = nn.Sequential(nn.Flatten(), nn.LazyLinear(128), nn.ReLU(), nn.LazyLinear(num_classes))

    def forward(self, x):
        return self.classifier(self.features(x))


model = LazyNet()
model(torch.zeros(1, 3, 32, 32))   # materialize the lazy parameters
print(sum(p.numel() for p in model.parameters()))
