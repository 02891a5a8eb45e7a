# Convolutional autoencoder with a live visdom plot of the reconstruction loss.
import visdom
import numpy as np
import torch
from torch import nn
import torch.nn.functional as F

vis = visdom.Visdom(env="autoencoder")
loss_window = vis.line(X=np.zeros(1), Y=np.zeros(1), opts=dict(title="loss"))


class Encoder(nn.Module):
    def __init__(self, latent=16):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3, stride=2, padding=1)   # 28 -> 14
        self.conv2 = nn.Conv2d(16, 32, 3, stride=2, padding=1)  # 14 -> 7
        self.conv3 = nn.Conv2d(32, latent, 7)                   # 7 -> 1

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = F.relu(self.conv2(x))
        return self.conv3(x)


class Decoder(nn.Module):
    def __init__(self, latent=16):
        super().__init__()
        self.deconv1 = nn.ConvTranspose2d(latent, 32, 7)                                    # 1 -> 7
        self.deconv2 = nn.ConvTranspose2d(32, 16, 3, stride=2, padding=1, output_padding=1)  # 7 -> 14
        self.deconv3 = nn.ConvTranspose2d(16, 1, 3, stride=2, padding=1, output_padding=1)   # 14 -> 28

    def forward(self, z):
        z = F.relu(self.deconv1(z))
        z = F.relu(self.deconv2(z))
        return torch.sigmoid(self.deconv3(z))


class AutoEncoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = Encoder()
        self.decoder = Decoder()

    def forward(self, x):
        return self.decoder(self.encoder(x))


def plot_loss(step, loss):
    vis.line(X=np.array([step]), Y=np.array([loss]), win=loss_window, update="append")


if __name__ == "__main__":
    model = AutoEncoder()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    for step in range(100):
        x = torch.rand(32, 1, 28, 28)
        loss = F.mse_loss(model(x), x)
        opt.zero_grad()
        loss.backward()
        opt.step()
        plot_loss(step, loss.item())
