"""AlexNet on a 227x227x3 image, layer by layer as in seed 003 (one tower, no groups): 62,378,344 params."""
import torch
import torch.nn as nn


class AlexNet(nn.Module):
    def __init__(self, num_classes=1000):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 96, kernel_size=11, stride=4)           # 55x55x96
        self.relu1 = nn.ReLU(inplace=True)
        self.pool1 = nn.MaxPool2d(kernel_size=3, stride=2)                # 27x27x96
        self.conv2 = nn.Conv2d(96, 256, kernel_size=5, padding=2)         # 27x27x256
        self.relu2 = nn.ReLU(inplace=True)
        self.pool2 = nn.MaxPool2d(kernel_size=3, stride=2)                # 13x13x256
        self.conv3 = nn.Conv2d(256, 384, kernel_size=3, padding=1)        # 13x13x384
        self.relu3 = nn.ReLU(inplace=True)
        self.conv4 = nn.Conv2d(384, 384, kernel_size=3, padding=1)        # 13x13x384
        self.relu4 = nn.ReLU(inplace=True)
        self.conv5 = nn.Conv2d(384, 256, kernel_size=3, padding=1)        # 13x13x256
        self.relu5 = nn.ReLU(inplace=True)
        self.pool3 = nn.MaxPool2d(kernel_size=3, stride=2)                # 6x6x256
        self.fc1 = nn.Linear(6 * 6 * 256, 4096)
        self.relu6 = nn.ReLU(inplace=True)
        self.fc2 = nn.Linear(4096, 4096)
        self.relu7 = nn.ReLU(inplace=True)
        self.fc3 = nn.Linear(4096, num_classes)

    def forward(self, x):
        x = self.pool1(self.relu1(self.conv1(x)))
        x = self.pool2(self.relu2(self.conv2(x)))
        x = self.relu3(self.conv3(x))
        x = self.relu4(self.conv4(x))
        x = self.pool3(self.relu5(self.conv5(x)))
        x = torch.flatten(x, 1)
        x = self.relu6(self.fc1(x))
        x = self.relu7(self.fc2(x))
        return self.fc3(x)


x = torch.rand(1, 3, 227, 227)

if __name__ == "__main__":
    model = AlexNet()
    print(model(x).shape, sum(p.numel() for p in model.parameters()))
