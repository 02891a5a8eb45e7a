"""FLOPs edge cases: activations, 'same' padding with an even kernel, tuple/int pool kernels,
non-divisible adaptive pools, dropout in eval(), softmax. Input 1x3x32x32."""
import torch
import torch.nn as nn


class Acts(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, padding="same")
        self.act1 = nn.LeakyReLU(0.1)
        self.conv2 = nn.Conv2d(8, 8, 4, padding="same", bias=False)
        self.act2 = nn.ELU()
        self.act3 = nn.GELU()
        self.act4 = nn.SiLU()
        self.act5 = nn.Sigmoid()
        self.act6 = nn.Tanh()
        self.act7 = nn.ReLU6()
        self.act8 = nn.Hardswish()
        self.pool1 = nn.MaxPool2d((2, 2))
        self.pool2 = nn.AvgPool2d(3, stride=1, padding=1)
        self.pool3 = nn.AvgPool2d((2, 2))
        self.pool4 = nn.AdaptiveAvgPool2d(3)
        self.pool5 = nn.AdaptiveMaxPool2d((2, 3))
        self.drop1 = nn.Dropout(0.5)
        self.drop2 = nn.Dropout2d(0.2)
        self.prelu = nn.PReLU(8)
        self.fc = nn.Linear(8 * 2 * 3, 10)
        self.softmax = nn.Softmax(dim=1)

    def forward(self, x):
        x = self.act1(self.conv1(x))
        x = self.act4(self.act3(self.act2(self.conv2(x))))
        x = self.act8(self.act7(self.act6(self.act5(x))))
        x = self.drop2(self.pool3(self.pool2(self.pool1(x))))
        x = self.prelu(self.pool4(x))
        x = self.drop1(self.pool5(x))
        x = torch.flatten(x, 1)
        return self.softmax(self.fc(x))


x = torch.rand(1, 3, 32, 32)
