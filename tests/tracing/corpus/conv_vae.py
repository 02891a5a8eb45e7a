"""A convolutional VAE with nn.Flatten / nn.Unflatten and a (recon, mu, logvar) output."""
import torch
import torch.nn as nn


class ConvVAE(nn.Module):
    def __init__(self, in_channels=1, latent_dim=32, hidden=(32, 64)):
        super().__init__()
        c1, c2 = hidden
        self.encoder = nn.Sequential(
            nn.Conv2d(in_channels, c1, 4, 2, 1), nn.LeakyReLU(0.2),
            nn.Conv2d(c1, c2, 4, 2, 1), nn.BatchNorm2d(c2), nn.LeakyReLU(0.2),
            nn.Flatten(),
        )
        self.fc_mu = nn.Linear(c2 * 7 * 7, latent_dim)
        self.fc_logvar = nn.Linear(c2 * 7 * 7, latent_dim)
        self.decoder_input = nn.Linear(latent_dim, c2 * 7 * 7)
        self.decoder = nn.Sequential(
            nn.Unflatten(1, (c2, 7, 7)),
            nn.ConvTranspose2d(c2, c1, 4, 2, 1), nn.BatchNorm2d(c1), nn.ReLU(),
            nn.ConvTranspose2d(c1, in_channels, 4, 2, 1), nn.Sigmoid(),
        )

    def encode(self, x):
        h = self.encoder(x)
        return self.fc_mu(h), self.fc_logvar(h)

    def reparameterize(self, mu, logvar):
        if self.training:
            std = torch.exp(0.5 * logvar)
            return mu + torch.randn_like(std) * std
        return mu

    def decode(self, z):
        return self.decoder(self.decoder_input(z))

    def forward(self, x):
        mu, logvar = self.encode(x)
        return self.decode(self.reparameterize(mu, logvar)), mu, logvar

    @torch.no_grad()
    def sample(self, n, device="cpu"):
        z = torch.randn(n, self.fc_mu.out_features, device=device)
        return self.decode(z)


model = ConvVAE()
x = torch.rand(8, 1, 28, 28)
recon, mu, logvar = model(x)
print(recon.shape, mu.shape)
