"""A model registry filled by a decorator; models are built by name."""
import torch
from torch import nn

_MODELS = {}


def register_model(name):
    def wrap(fn):
        _MODELS[name] = fn
        return fn
    return wrap


def get_model(name, **kwargs):
    if name not in _MODELS:
        raise KeyError(f"unknown model {name}; choose from {sorted(_MODELS)}")
    return _MODELS[name](**kwargs)


class SmallCNN(nn.Module):
    def __init__(self, in_channels=3, width=32, num_classes=10):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(in_channels, width, 3, padding=1), nn.BatchNorm2d(width), nn.ReLU(inplace=True),
            nn.MaxPool2d(2),
            nn.Conv2d(width, 2 * width, 3, padding=1), nn.BatchNorm2d(2 * width), nn.ReLU(inplace=True),
            nn.MaxPool2d(2),
            nn.Conv2d(2 * width, 4 * width, 3, padding=1), nn.BatchNorm2d(4 * width), nn.ReLU(inplace=True),
            nn.AdaptiveAvgPool2d(1),
        )
        self.head = nn.Linear(4 * width, num_classes)

    def forward(self, x):
        return self.head(self.body(x).flatten(1))


@register_model("small_cnn")
def small_cnn(**kwargs):
    return SmallCNN(**kwargs)


@register_model("wide_cnn")
def wide_cnn(**kwargs):
    return SmallCNN(width=96, **kwargs)


@register_model("mnist_cnn")
def mnist_cnn(num_classes=10):
    return SmallCNN(in_channels=1, width=16, num_classes=num_classes)
