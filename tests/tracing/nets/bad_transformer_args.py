import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.proj = nn.Linear(3, 8)
        self.attn = nn.Transformer(d_model=8, nhead=2, num_encoder_layers=1, num_decoder_layers=1)

    def forward(self, x):
        return self.attn(self.proj(x))
