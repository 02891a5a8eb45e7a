"""Frozen and shared parameters, every way net.py can write them (tests/tracing/test_modules.py)."""
import torch
import torch.nn as nn


class Frozen(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(3, 8, 3), nn.BatchNorm2d(8), nn.ReLU())
        self.attn = nn.MultiheadAttention(8, 2)
        self.head = nn.Linear(8, 10)
        self.spare = nn.Linear(4, 4)                                          # never called
        self.scale = nn.Parameter(torch.ones(1), requires_grad=False)        # a fixed parameter
        for p in self.features.parameters():                                  # a frozen backbone
            p.requires_grad = False
        self.head.bias.requires_grad_(False)
        self.attn.out_proj.requires_grad_(False)

    def forward(self, x):
        x = self.features(x)
        x = x.mean((2, 3))[None]
        x, _ = self.attn(x, x, x)
        return self.head(x) * self.scale


class Tied(nn.Module):
    """One module called twice; one weight registered on two modules; a module frozen by requires_grad_."""

    def __init__(self):
        super().__init__()
        self.emb = nn.Linear(6, 6, bias=False)
        self.out = nn.Linear(6, 6, bias=False)
        self.out.weight = self.emb.weight
        self.block = nn.Sequential(nn.Linear(6, 6), nn.Tanh())
        self.block.requires_grad_(False)
        for name, p in self.named_parameters():
            if name.startswith("emb"):
                p.requires_grad = True

    def forward(self, x):
        return self.out(self.block(self.block(self.emb(x))))


class Stack(nn.Module):
    """A composite layer's submodules frozen through torch's attribute paths."""

    def __init__(self):
        super().__init__()
        layer = nn.TransformerEncoderLayer(8, 2, dim_feedforward=16)
        self.enc = nn.TransformerEncoder(layer, 2)
        self.enc.layers[0].self_attn.requires_grad_(False)
        self.enc.layers[1].linear1.weight.requires_grad = False

    def forward(self, x):
        return self.enc(x)
