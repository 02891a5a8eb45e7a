"""A CRNN for text lines: a conv stack turns a 32x100 image into 25 columns of 128 features, a
bidirectional 2-layer LSTM reads them (sequence first) and a linear layer gives per-column classes."""
import torch
import torch.nn as nn


class CRNN(nn.Module):
    def __init__(self, classes=37):
        super().__init__()
        self.cnn = nn.Sequential(
            nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(64, 128, 3, padding=1), nn.ReLU(), nn.MaxPool2d((8, 1)),
        )
        self.rnn = nn.LSTM(128, 64, num_layers=2, bidirectional=True)
        self.fc = nn.Linear(128, classes)

    def forward(self, img):
        f = self.cnn(img).squeeze(2).permute(2, 0, 1)
        seq, _ = self.rnn(f)
        return self.fc(seq)


model = CRNN()
x = torch.rand(1, 1, 32, 100)
