import argparse
import os
import numpy as np

import torch
import torch.nn as nn
import torch.autograd as autograd
from torch.autograd import Variable

parser = argparse.ArgumentParser()
parser.add_argument("--n_epochs", type=int, default=200, help="number of epochs of training")
parser.add_argument("--batch_size", type=int, default=64, help="size of the batches")
parser.add_argument("--lr", type=float, default=0.0002, help="adam: learning rate")
parser.add_argument("--latent_dim", type=int, default=100, help="dimensionality of the latent space")
parser.add_argument("--img_size", type=int, default=32, help="size of each image dimension")
parser.add_argument("--channels", type=int, default=3, help="number of image channels")
parser.add_argument("--n_critic", type=int, default=5, help="number of training steps for discriminator per iter")
opt = parser.parse_args()

img_shape = (opt.channels, opt.img_size, opt.img_size)
cuda = True if torch.cuda.is_available() else False
lambda_gp = 10


class Generator(nn.Module):
    def __init__(self, d=64):
        super(Generator, self).__init__()
        self.init_size = opt.img_size // 8
        self.fc = nn.Linear(opt.latent_dim, d * 8 * self.init_size ** 2)
        self.net = nn.Sequential(
            nn.BatchNorm2d(d * 8), nn.ReLU(True),
            nn.ConvTranspose2d(d * 8, d * 4, 4, 2, 1), nn.BatchNorm2d(d * 4), nn.ReLU(True),
            nn.ConvTranspose2d(d * 4, d * 2, 4, 2, 1), nn.BatchNorm2d(d * 2), nn.ReLU(True),
            nn.ConvTranspose2d(d * 2, opt.channels, 4, 2, 1), nn.Tanh(),
        )
        self.d = d

    def forward(self, z):
        out = self.fc(z).view(-1, self.d * 8, self.init_size, self.init_size)
        return self.net(out)


class Critic(nn.Module):
    """No sigmoid, no batch norm: a WGAN critic with instance norm."""

    def __init__(self, d=64):
        super(Critic, self).__init__()
        self.net = nn.Sequential(
            nn.Conv2d(opt.channels, d, 4, 2, 1), nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(d, d * 2, 4, 2, 1), nn.InstanceNorm2d(d * 2, affine=True), nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(d * 2, d * 4, 4, 2, 1), nn.InstanceNorm2d(d * 4, affine=True), nn.LeakyReLU(0.2, inplace=True),
        )
        self.out = nn.Linear(d * 4 * (opt.img_size // 8) ** 2, 1)

    def forward(self, img):
        return self.out(self.net(img).flatten(1))


generator = Generator()
critic = Critic()
if cuda:
    generator.cuda()
    critic.cuda()

optimizer_G = torch.optim.Adam(generator.parameters(), lr=opt.lr, betas=(0.5, 0.9))
optimizer_D = torch.optim.Adam(critic.parameters(), lr=opt.lr, betas=(0.5, 0.9))

Tensor = torch.cuda.FloatTensor if cuda else torch.FloatTensor


def compute_gradient_penalty(D, real_samples, fake_samples):
    """Calculates the gradient penalty loss for WGAN GP"""
    alpha = Tensor(np.random.random((real_samples.size(0), 1, 1, 1)))
    interpolates = (alpha * real_samples + ((1 - alpha) * fake_samples)).requires_grad_(True)
    d_interpolates = D(interpolates)
    fake = Variable(Tensor(real_samples.shape[0], 1).fill_(1.0), requires_grad=False)
    gradients = autograd.grad(
        outputs=d_interpolates,
        inputs=interpolates,
        grad_outputs=fake,
        create_graph=True,
        retain_graph=True,
        only_inputs=True,
    )[0]
    gradients = gradients.view(gradients.size(0), -1)
    gradient_penalty = ((gradients.norm(2, dim=1) - 1) ** 2).mean()
    return gradient_penalty


batches_done = 0
for epoch in range(opt.n_epochs):
    for i in range(100):
        real_imgs = Variable(Tensor(np.random.normal(0, 1, (opt.batch_size, *img_shape))))
        optimizer_D.zero_grad()
        z = Variable(Tensor(np.random.normal(0, 1, (opt.batch_size, opt.latent_dim))))
        fake_imgs = generator(z)
        real_validity = critic(real_imgs)
        fake_validity = critic(fake_imgs)
        gradient_penalty = compute_gradient_penalty(critic, real_imgs.data, fake_imgs.data)
        d_loss = -torch.mean(real_validity) + torch.mean(fake_validity) + lambda_gp * gradient_penalty
        d_loss.backward()
        optimizer_D.step()
