"""A conv + attention block: a conv stem, multi-head self-attention over the 8x8 positions with a
residual and LayerNorm, then a second attention written out by hand (einsum scores, bmm weighted
sum) and one through F.scaled_dot_product_attention."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class ConvAttention(nn.Module):
    def __init__(self, c=32, heads=4):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, c, 3, padding=1), nn.BatchNorm2d(c), nn.ReLU())
        self.attn = nn.MultiheadAttention(c, heads, batch_first=True)
        self.norm = nn.LayerNorm(c)
        self.qkv = nn.Linear(c, 3 * c)
        self.out = nn.Linear(c, 10)

    def forward(self, img):
        x = self.stem(img).flatten(2).transpose(1, 2)           # (N, 64, C)
        a, w = self.attn(x, x, x)
        x = self.norm(x + a)
        q, k, v = self.qkv(x).chunk(3, dim=-1)
        scores = torch.einsum("bqc,bkc->bqk", q, k) / 32 ** 0.5
        y = torch.bmm(scores.softmax(dim=-1), v)
        z = F.scaled_dot_product_attention(q.unsqueeze(1), k.unsqueeze(1), y.unsqueeze(1))
        return self.out(z.squeeze(1).mean(dim=1))


model = ConvAttention()
x = torch.rand(1, 3, 8, 8)
