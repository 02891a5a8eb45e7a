"""Target 6, run inside one child process: ``symcnn.summary(model, (1, 3, 224, 224))`` on a ResNet-50
built in real torch, against ``torchinfo.summary`` of the same model object, in the same process.

``python bench/livemodel.py time PAIRS`` | ``memory symcnn`` | ``memory torchinfo``. Each side makes its text table (symcnn: ``.render("text")``; torchinfo: ``str()`` of its statistics,
``verbose=0``, so neither prints). The first call of each (cold: symcnn's lazy imports, SymPy's among
them; torch's first forward) is timed once, then ``--pairs`` warm calls of each, interleaved.

Memory (``memory NAME``, a fresh process per side): the rise of the process's peak resident set during
one call on the ResNet-50. Both libraries are first imported and exercised on a tiny model in either
process alike, so neither side is charged for loading itself, SymPy or torch's kernels; then the
kernel's high-water mark (VmHWM) is reset (``/proc/self/clear_refs``) and the figure is VmHWM after
the call minus VmRSS before it. This counts every allocation of the call (torch's C++ tensors as well
as Python objects: tracemalloc would see only the latter). The time mode also reports each side's
rise on its cold call (symcnn's includes importing SymPy), for information.
Prints one JSON object. Owns: the model (torchvision does not load here) and the measurement.
Never: judge (targets.py does).
"""

from __future__ import annotations

import gc
import json
import re
import sys
import time

import torch
import torchinfo
from torch import nn

import symcnn


class Bottleneck(nn.Module):
    def __init__(self, inp: int, planes: int, stride: int = 1):
        super().__init__()
        self.conv1, self.bn1 = nn.Conv2d(inp, planes, 1, bias=False), nn.BatchNorm2d(planes)
        self.conv2, self.bn2 = nn.Conv2d(planes, planes, 3, stride, 1, bias=False), nn.BatchNorm2d(planes)
        self.conv3, self.bn3 = nn.Conv2d(planes, planes * 4, 1, bias=False), nn.BatchNorm2d(planes * 4)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = None
        if stride != 1 or inp != planes * 4:
            self.downsample = nn.Sequential(nn.Conv2d(inp, planes * 4, 1, stride, bias=False),
                                            nn.BatchNorm2d(planes * 4))

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        return self.relu(self.bn3(self.conv3(out)) + identity)


class ResNet50(nn.Module):
    """torchvision's resnet50 (v1.5: the stride in the 3×3 conv), 25,557,032 parameters."""

    def __init__(self, num_classes: int = 1000):
        super().__init__()
        self.conv1, self.bn1 = nn.Conv2d(3, 64, 7, 2, 3, bias=False), nn.BatchNorm2d(64)
        self.relu, self.maxpool = nn.ReLU(inplace=True), nn.MaxPool2d(3, 2, 1)
        inp, stages = 64, []
        for planes, blocks, stride in ((64, 3, 1), (128, 4, 2), (256, 6, 2), (512, 3, 2)):
            layer = []
            for i in range(blocks):
                layer.append(Bottleneck(inp, planes, stride if i == 0 else 1))
                inp = planes * 4
            stages.append(nn.Sequential(*layer))
        self.layer1, self.layer2, self.layer3, self.layer4 = stages
        self.avgpool, self.fc = nn.AdaptiveAvgPool2d(1), nn.Linear(2048, num_classes)

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(torch.flatten(self.avgpool(x), 1))


def _status(key: str) -> int:
    with open("/proc/self/status", encoding="ascii") as f:
        return int(re.search(rf"{key}:\s+(\d+)", f.read()).group(1))   # KiB


def measured(call) -> tuple[float, float, str]:
    """(seconds, peak RSS rise in MiB, the table) of one call."""
    gc.collect()
    with open("/proc/self/clear_refs", "w", encoding="ascii") as f:
        f.write("5")   # reset VmHWM to the current RSS
    before = _status("VmRSS")
    start = time.perf_counter()
    out = call()
    seconds = time.perf_counter() - start
    return seconds, (_status("VmHWM") - before) / 1024, out


def _calls(model) -> dict:
    return {"symcnn": lambda: symcnn.summary(model, (1, 3, 224, 224)).render("text"),
            "torchinfo": lambda: str(torchinfo.summary(model, input_size=(1, 3, 224, 224), verbose=0))}


def timing(pairs: int) -> dict:
    """Cold call of each side, then ``pairs`` warm calls of each, interleaved."""
    torch.manual_seed(0)
    model = ResNet50().eval()
    calls = _calls(model)
    got: dict = {name: {"cold": None, "warm": [], "cold_mib": None} for name in calls}
    for name, call in calls.items():
        s, mib, _ = measured(call)
        got[name].update(cold=s, cold_mib=mib)
    for _ in range(pairs):
        for name, call in calls.items():
            got[name]["warm"].append(measured(call)[0])
    summary = symcnn.summary(model, (1, 3, 224, 224))
    stats = torchinfo.summary(model, input_size=(1, 3, 224, 224), verbose=0)
    same = int(summary.total_params) == stats.total_params == 25557032 and summary.output_shape == (1, 1000)
    return {"same_numbers": same, **got}


def memory(name: str) -> dict:
    """The peak RSS rise of one call of ``name`` on the ResNet-50, both libraries warmed up first."""
    tiny = nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                         nn.Linear(4, 2)).eval()
    for warm in (symcnn.summary(tiny, (1, 3, 8, 8)).render("text"),
                 str(torchinfo.summary(tiny, input_size=(1, 3, 8, 8), verbose=0))):
        assert warm
    torch.manual_seed(0)
    model = ResNet50().eval()
    s, mib, _ = measured(_calls(model)[name])
    return {"name": name, "seconds": s, "mib": mib}


if __name__ == "__main__":
    mode = sys.argv[1] if len(sys.argv) > 1 else "time"
    arg = sys.argv[2] if len(sys.argv) > 2 else "5" if mode == "time" else "symcnn"
    print(json.dumps(timing(int(arg)) if mode == "time" else memory(arg)))
