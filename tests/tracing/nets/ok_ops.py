"""Functional ops and tensor operations, each result kept: forward returns them all, in order."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class Ops(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.randn(6, 3, 3, 3))
        self.fc_w = nn.Parameter(torch.randn(10, 24))
        self.conv = nn.Conv2d(6, 8, 3, padding=1)

    def forward(self, x):
        outs = []
        a = F.conv2d(x, self.w, stride=1, padding=1); outs.append(a)
        a = F.relu(a); outs.append(a)
        b = F.max_pool2d(a, 2); outs.append(b)
        b = F.avg_pool2d(b, 3, stride=2, padding=1, ceil_mode=True); outs.append(b)
        c = F.adaptive_avg_pool2d(a, (5, 3)); outs.append(c)
        d = F.interpolate(b, scale_factor=2, mode="nearest"); outs.append(d)
        e = F.pad(a, (1, 2, 0, 3)); outs.append(e)
        f = F.leaky_relu(self.conv(a), 0.1); outs.append(f)
        g = torch.cat([a, f], dim=1); outs.append(g)
        h = torch.stack([a, a], dim=0); outs.append(h)
        i = g.mean(dim=(2, 3), keepdim=True); outs.append(i)
        j = g.sum(dim=1); outs.append(j)
        k = g.amax(dim=-1); outs.append(k)
        p, q = g.chunk(2, dim=1); outs.append(p); outs.append(q)
        r = g.permute(0, 2, 3, 1); outs.append(r)
        s = r.transpose(1, 2).contiguous(); outs.append(s)
        t = s.reshape(x.size(0), -1, 14); outs.append(t)
        u = t.unsqueeze(1); outs.append(u)
        v = u.squeeze(1); outs.append(v)
        w = a[:, :, 2:10, 1:-1]; outs.append(w)
        y = a[0]; outs.append(y)
        z = a[..., None]; outs.append(z)
        m = torch.flatten(c, 1); outs.append(m)
        n = m[:, :12].repeat(1, 2); outs.append(n)
        o = F.linear(n, self.fc_w); outs.append(o)
        o = F.softmax(o, dim=1) + F.log_softmax(o, dim=1); outs.append(o)
        o = o * torch.sigmoid(o) - F.gelu(o); outs.append(o)
        mm = n.t() @ n; outs.append(mm)
        mx, idx = g.max(dim=1); outs.append(mx)
        sp = torch.split(g, [6, 8], dim=1); outs.append(sp[1])
        dd = F.dropout(g.view(g.size(0), -1), p=0.3); outs.append(dd)
        bn = F.batch_norm(a, None, None, training=True); outs.append(bn)
        ex = c.expand(2, -1, -1, -1); outs.append(ex)
        return outs


model = Ops()
x = torch.rand(1, 3, 16, 16)
