"""C3D-style video classifier on short clips: Conv3d with (1,2,2) and (2,2,2) pooling."""
import torch
import torch.nn as nn


class C3D(nn.Module):
    def __init__(self, num_classes=101, width=32):
        super(C3D, self).__init__()
        w = width
        self.conv1 = nn.Conv3d(3, w, kernel_size=(3, 3, 3), padding=(1, 1, 1))
        self.pool1 = nn.MaxPool3d(kernel_size=(1, 2, 2), stride=(1, 2, 2))

        self.conv2 = nn.Conv3d(w, 2 * w, kernel_size=(3, 3, 3), padding=(1, 1, 1))
        self.pool2 = nn.MaxPool3d(kernel_size=(2, 2, 2), stride=(2, 2, 2))

        self.conv3a = nn.Conv3d(2 * w, 4 * w, kernel_size=(3, 3, 3), padding=(1, 1, 1))
        self.conv3b = nn.Conv3d(4 * w, 4 * w, kernel_size=(3, 3, 3), padding=(1, 1, 1))
        self.pool3 = nn.MaxPool3d(kernel_size=(2, 2, 2), stride=(2, 2, 2))

        self.conv4a = nn.Conv3d(4 * w, 8 * w, kernel_size=(3, 3, 3), padding=(1, 1, 1))
        self.conv4b = nn.Conv3d(8 * w, 8 * w, kernel_size=(3, 3, 3), padding=(1, 1, 1))
        self.pool4 = nn.MaxPool3d(kernel_size=(2, 2, 2), stride=(2, 2, 2), padding=(0, 1, 1))

        self.fc6 = nn.Linear(8 * w * 1 * 3 * 3, 256)
        self.fc7 = nn.Linear(256, num_classes)

        self.dropout = nn.Dropout(p=0.5)
        self.relu = nn.ReLU()

    def forward(self, x):
        x = self.relu(self.conv1(x))
        x = self.pool1(x)
        x = self.relu(self.conv2(x))
        x = self.pool2(x)
        x = self.relu(self.conv3a(x))
        x = self.relu(self.conv3b(x))
        x = self.pool3(x)
        x = self.relu(self.conv4a(x))
        x = self.relu(self.conv4b(x))
        x = self.pool4(x)
        x = x.view(-1, 8 * 32 * 3 * 3)
        x = self.relu(self.fc6(x))
        x = self.dropout(x)
        logits = self.fc7(x)
        return logits


if __name__ == "__main__":
    inputs = torch.rand(1, 3, 8, 32, 32)
    net = C3D(num_classes=101)
    outputs = net.forward(inputs)
    print(outputs.size())
