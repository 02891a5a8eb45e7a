"""FLOPs edge cases: activations written as tensor methods, torch.* functions and in-place calls
(x.relu(), x.relu_(), torch.relu, F.relu(inplace=True), x.softmax(1), torch.softmax...), elementwise
x.clamp()/x.exp(), and matmul as a @ b, a.matmul(b), torch.matmul, torch.mm. The tools that patch
torch.nn.functional (ptflops, calflops) count only the F.* calls and the patched matmul forms.
Input 1x3x8x8."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class Methods(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3)
        self.conv2 = nn.Conv2d(4, 4, 1)
        self.w = nn.Parameter(torch.randn(144, 5))

    def forward(self, x):
        x = self.conv(x)
        a = x.relu() + torch.relu(x) + F.relu(x)
        b = self.conv2(a)
        b.relu_()
        c = F.relu(b, inplace=True) + torch.relu_(b)
        d = c.sigmoid() + torch.sigmoid(c) + c.tanh() + torch.tanh(c) + F.sigmoid(c)
        d = d.softmax(1) + torch.softmax(d, 1) + d.log_softmax(1) + F.softmax(d, 1) + torch.log_softmax(d, 1)
        e = d.clamp(min=0).exp() + torch.exp(d) + d.sigmoid_()
        f = e.flatten(1)
        return f @ self.w + f.matmul(self.w) + torch.matmul(f, self.w) + torch.mm(f, self.w)


x = torch.rand(1, 3, 8, 8)
