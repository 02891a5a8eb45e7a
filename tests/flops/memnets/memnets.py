"""Nets for the memory and trainable-parameter tests against the real torchinfo (tests/flops/test_memory.py):
frozen, partly frozen, fixed parameters, shared, unused and container-held parameters, tuple outputs,
several inputs, leaf models. One class per case; each runs on the stand-in and on real torch."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class Plain(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, padding=1)
        self.bn = nn.BatchNorm2d(8)
        self.pool = nn.MaxPool2d(2)
        self.fc = nn.Linear(8 * 4 * 4, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.bn(self.conv(x))))
        return self.fc(torch.flatten(x, 1))


class AllFrozen(Plain):
    def __init__(self):
        super().__init__()
        for p in self.parameters():
            p.requires_grad = False


class Backbone(nn.Module):
    """A frozen feature extractor and a trainable head."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(3, 6, 3), nn.BatchNorm2d(6), nn.ReLU(inplace=True),
                                      nn.Conv2d(6, 12, 3, stride=2), nn.ReLU())
        self.classifier = nn.Sequential(nn.Dropout(0.5), nn.Linear(12 * 3 * 3, 5))
        for p in self.features.parameters():
            p.requires_grad = False

    def forward(self, x):
        return self.classifier(self.features(x).flatten(1))


class GradOff(nn.Module):
    """requires_grad_(False) on one layer and on one parameter."""

    def __init__(self):
        super().__init__()
        self.a = nn.Linear(16, 32)
        self.b = nn.Linear(32, 32)
        self.c = nn.Linear(32, 4)
        self.b.requires_grad_(False)
        self.c.bias.requires_grad_(False)

    def forward(self, x):
        return self.c(torch.tanh(self.b(F.relu(self.a(x)))))


class ByName(nn.Module):
    """Biases frozen in a named_parameters() loop."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 4, 3)
        self.conv2 = nn.Conv2d(4, 4, 3)
        self.fc = nn.Linear(4, 3)
        for name, p in self.named_parameters():
            if name.endswith("bias"):
                p.requires_grad = False

    def forward(self, x):
        x = F.relu(self.conv2(F.relu(self.conv1(x))))
        return self.fc(x.mean((2, 3)))


class FixedParam(nn.Module):
    """Parameters held by the model itself (a container): one fixed, one trainable."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(10, 10)
        self.scale = nn.Parameter(torch.ones(10), requires_grad=False)
        self.shift = nn.Parameter(torch.zeros(10))

    def forward(self, x):
        return self.fc(x) * self.scale + self.shift


class Shared(nn.Module):
    """One conv called three times."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 4, 3, padding=1)
        self.conv = nn.Conv2d(4, 4, 3, padding=1)
        self.head = nn.Linear(4, 2)

    def forward(self, x):
        x = self.stem(x)
        for _ in range(3):
            x = F.relu(self.conv(x))
        return self.head(x.mean((2, 3)))


class Unused(nn.Module):
    """Layers registered but never called, one of them in a container that is called."""

    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(8, 8), nn.ReLU())
        self.spare = nn.Linear(8, 100)
        self.heads = nn.ModuleList([nn.Linear(8, 3), nn.Linear(8, 5)])

    def forward(self, x):
        return self.heads[0](self.body(x))


class Scale(nn.Module):
    def __init__(self, n):
        super().__init__()
        self.gamma = nn.Parameter(torch.ones(n, 1, 1))

    def forward(self, x):
        return x * self.gamma


class Block(nn.Module):
    """A container holding a parameter of its own beside its children."""

    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, padding=1)
        self.bn = nn.BatchNorm2d(c)
        self.alpha = nn.Parameter(torch.zeros(1))
        self.scale = Scale(c)

    def forward(self, x):
        return x + self.alpha * self.scale(self.bn(self.conv(x)))


class Residual(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 8, 3, padding=1)
        self.blocks = nn.Sequential(Block(8), Block(8))
        self.blocks[1].requires_grad_(False)
        self.fc = nn.Linear(8, 4)

    def forward(self, x):
        return self.fc(self.blocks(self.stem(x)).mean((2, 3)))


class Recurrent(nn.Module):
    """An LSTM's (output, (h, c)) tuple: its first tensor is what counts."""

    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(12, 20, num_layers=2, batch_first=True)
        self.fc = nn.Linear(20, 3)

    def forward(self, x):
        out, (_h, _c) = self.lstm(x)
        return self.fc(out[:, -1])


class BiGRU(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(6, 8, bidirectional=True)
        self.gru.requires_grad_(False)
        self.out = nn.Linear(16, 2)

    def forward(self, x):
        y, _ = self.gru(x)
        return self.out(y)


class TwoInputs(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(5, 7)
        self.b = nn.Linear(3, 7)
        self.fc = nn.Linear(14, 1)

    def forward(self, x, y):
        return self.fc(torch.cat([self.a(x), self.b(y)], 1))


class Leaf(nn.Module):
    """The model is itself a leaf module with parameters: its own output counts."""

    def __init__(self):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(6, 9))
        self.bias = nn.Parameter(torch.zeros(6), requires_grad=False)

    def forward(self, x):
        return F.linear(x, self.weight, self.bias)


class LeafFree(nn.Module):
    """A leaf model without parameters: nothing counts but the input."""

    def forward(self, x):
        return F.max_pool2d(F.relu(x), 2)


class Embedder(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(50, 16)
        self.emb.weight.requires_grad = False
        self.fc = nn.Linear(16, 4)

    def forward(self, ids):
        return self.fc(self.emb(ids).mean(1))


class Attention(nn.Module):
    """MultiheadAttention has a child (out_proj) that its forward never calls."""

    def __init__(self):
        super().__init__()
        self.attn = nn.MultiheadAttention(16, 4)
        self.norm = nn.LayerNorm(16)

    def forward(self, x):
        y, _ = self.attn(x, x, x)
        return self.norm(x + y)


class Encoder(nn.Module):
    """A Transformer stack: real torch calls the layers' linears and norms (hooks block the fast path)."""

    def __init__(self):
        super().__init__()
        layer = nn.TransformerEncoderLayer(16, 2, dim_feedforward=32, batch_first=True)
        self.enc = nn.TransformerEncoder(layer, 2, norm=nn.LayerNorm(16), enable_nested_tensor=False)
        self.enc.layers[0].requires_grad_(False)
        self.head = nn.Linear(16, 3)

    def forward(self, x):
        return self.head(self.enc(x))


class Deep(nn.Module):
    """Nested containers three levels deep, with in-place activations."""

    def __init__(self):
        super().__init__()
        self.stage = nn.Sequential(
            nn.Sequential(nn.Conv2d(3, 4, 3), nn.ReLU(inplace=True)),
            nn.Sequential(nn.Sequential(nn.Conv2d(4, 4, 1), nn.BatchNorm2d(4)), nn.ReLU(inplace=True)),
        )
        self.stage[1][0].requires_grad_(False)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(4, 2)

    def forward(self, x):
        return self.fc(self.pool(self.stage(x)).flatten(1))


class ParamList(nn.Module):
    """A ParameterList (a leaf module with parameters that is never called)."""

    def __init__(self):
        super().__init__()
        self.weights = nn.ParameterList([nn.Parameter(torch.randn(4, 4)) for _ in range(3)])
        self.fc = nn.Linear(4, 4)

    def forward(self, x):
        for w in self.weights:
            x = x @ w
        return self.fc(x)


class Indices(nn.Module):
    """A parameter-free layer with a tuple output, and a transposed conv."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(2, 4, 3, padding=1)
        self.pool = nn.MaxPool2d(2, return_indices=True)
        self.up = nn.ConvTranspose2d(4, 2, 2, stride=2)

    def forward(self, x):
        y, idx = self.pool(self.conv(x))
        return self.up(y) + idx.float().mean()


class Tied(nn.Module):
    """One weight on two modules: torch counts it once."""

    def __init__(self):
        super().__init__()
        self.enc = nn.Linear(8, 8, bias=False)
        self.dec = nn.Linear(8, 8)
        self.dec.weight = self.enc.weight

    def forward(self, x):
        return self.dec(torch.relu(self.enc(x)))


class Twice(nn.Module):
    """A Sequential called twice on inputs of different sizes."""

    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(3, 3, 3, padding=1), nn.BatchNorm2d(3))
        self.head = nn.Conv2d(6, 1, 1)

    def forward(self, x):
        a = self.body(x)
        b = F.interpolate(self.body(F.avg_pool2d(x, 2)), scale_factor=2.0)
        return self.head(torch.cat([a, b], 1))
