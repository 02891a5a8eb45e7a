"""VGG variants made with functools.partial and written into globals() in a loop."""
import functools

import torch
import torch.nn as nn

CONFIGS = {
    "a": [32, "M", 64, "M", 128, 128, "M"],
    "b": [32, 32, "M", 64, 64, "M", 128, 128, "M"],
    "c": [32, 32, "M", 64, 64, "M", 128, 128, 128, "M"],
}


class TinyVGG(nn.Module):
    def __init__(self, cfg, num_classes=10, batch_norm=False):
        super().__init__()
        layers, c = [], 3
        for v in cfg:
            if v == "M":
                layers.append(nn.MaxPool2d(2))
            else:
                layers.append(nn.Conv2d(c, v, 3, padding=1))
                if batch_norm:
                    layers.append(nn.BatchNorm2d(v))
                layers.append(nn.ReLU(True))
                c = v
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Sequential(nn.Dropout(0.5), nn.Linear(c * 4 * 4, 256), nn.ReLU(True),
                                        nn.Linear(256, num_classes))

    def forward(self, x):
        x = self.features(x)
        x = torch.flatten(x, start_dim=1)
        return self.classifier(x)


for _name, _cfg in CONFIGS.items():
    globals()[f"tinyvgg_{_name}"] = functools.partial(TinyVGG, _cfg)
    globals()[f"tinyvgg_{_name}_bn"] = functools.partial(TinyVGG, _cfg, batch_norm=True)
