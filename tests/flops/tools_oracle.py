"""Run the real FLOPs counting tools (torchinfo, fvcore, thop, ptflops, calflops, torchscan) on an
example net.py with real torch, to compare with symcnn's conventions of the same names.

Owns: loading a net.py under real torch (model + example input), one function per tool.
Never: imported by symcnn/ (torch and the tools are test oracles only).

Run as a script to print the totals recorded in tests/flops/test_conventions.py:
    python tests/flops/tools_oracle.py examples/resnet50.py ...
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import io
import os
import runpy
import sys
import warnings

TOOL_MODULES = {"torchinfo": "torchinfo", "fvcore": "fvcore", "thop": "thop", "ptflops": "ptflops",
                "calflops": "calflops", "torchscan": "torchscan"}
# symcnn convention name -> the tool (module) that reports it
CONVENTION_TOOL = {"torchinfo": "torchinfo", "fvcore": "fvcore", "thop": "thop", "ptflops": "ptflops",
                   "ptflops-aten": "ptflops",
                   "calflops": "calflops", "calflops-flops": "calflops", "torchscan": "torchscan",
                   "torchscan-flops": "torchscan"}


def missing_tools() -> list[str]:
    """The tools that cannot be imported here (find_spec only: importing calflops is slow)."""
    return [name for name, mod in TOOL_MODULES.items() if importlib.util.find_spec(mod) is None]


def load(path: str, batch: int | None = None):
    """(model in eval mode, example input) of an example net.py, run with real torch."""
    import torch

    ns = runpy.run_path(os.fspath(path), run_name="__symcnn_tools__")
    modules = [v for k, v in ns.items() if isinstance(v, torch.nn.Module) and not k.startswith("_")]
    inner = {id(m) for top in modules for m in top.modules() if m is not top}
    models = [m for m in modules if id(m) not in inner]
    if not models:
        classes = [v for v in ns.values() if isinstance(v, type) and issubclass(v, torch.nn.Module)
                   and v.__module__ == "__symcnn_tools__"]
        models = [classes[-1]()]
    model = models[-1].eval()
    inputs = [v for k, v in ns.items() if isinstance(v, torch.Tensor) and v.grad_fn is None
              and not k.startswith("_")]
    x = inputs[0]
    if batch is not None:
        x = x[:1].expand(batch, *x.shape[1:]).contiguous()
    return model, x


@contextlib.contextmanager
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            yield


def _tokens(x) -> bool:
    """An integer input (token ids for nn.Embedding): the tools that make a float input from a shape are
    given the tensor itself."""
    return not x.is_floating_point()


def torchinfo(model, x) -> int:
    from torchinfo import summary

    if _tokens(x):
        return int(summary(model, input_data=[x], mode="eval", verbose=0).total_mult_adds)
    return int(summary(model, input_size=tuple(x.shape), mode="eval", verbose=0).total_mult_adds)


def fvcore(model, x) -> int:
    from fvcore.nn import FlopCountAnalysis

    a = FlopCountAnalysis(model, x).unsupported_ops_warnings(False).uncalled_modules_warnings(False)
    return int(a.total())


def thop(model, x) -> int:
    import thop as _thop

    macs, _ = _thop.profile(model, inputs=(x,), verbose=False)
    return int(macs)


def ptflops(model, x, backend: str = "pytorch") -> int:
    from ptflops import get_model_complexity_info

    if x.shape[0] == 1 and not _tokens(x):
        macs, _ = get_model_complexity_info(model, tuple(x.shape[1:]), as_strings=False,
                                            print_per_layer_stat=False, backend=backend)
    else:
        macs, _ = get_model_complexity_info(model, tuple(x.shape), as_strings=False,
                                            print_per_layer_stat=False, backend=backend,
                                            input_constructor=lambda _: x)
    return int(macs)


def ptflops_aten(model, x) -> int:
    return ptflops(model, x, backend="aten")


def _calflops(model, x) -> tuple[int, int]:
    from calflops import calculate_flops

    given = {"args": [x]} if _tokens(x) else {"input_shape": tuple(x.shape)}
    flops, macs, _ = calculate_flops(model=model, **given, output_as_string=False, print_results=False,
                                     print_detailed=False)
    return int(macs), int(flops)


def calflops(model, x) -> int:
    return _calflops(model, x)[0]


def calflops_flops(model, x) -> int:
    return _calflops(model, x)[1]


def _torchscan(model, x) -> dict:
    from torchscan import crawl_module

    if _tokens(x) or x.shape[0] != 1:   # input_shape gives batch 1; a given tensor any batch
        return crawl_module(model, args=(x,))["totals"]
    return crawl_module(model, tuple(x.shape[1:]))["totals"]


def _metric(m: dict) -> int:
    v = m["value"] if m["value"] is not None else m["known_value"]
    return int(v)


def torchscan(model, x) -> int:
    return _metric(_torchscan(model, x)["macs"])


def torchscan_flops(model, x) -> int:
    return _metric(_torchscan(model, x)["module_flops"])


RUNNERS = {"torchinfo": torchinfo, "fvcore": fvcore, "thop": thop, "ptflops": ptflops, "ptflops-aten": ptflops_aten,
           "calflops": calflops, "calflops-flops": calflops_flops, "torchscan": torchscan,
           "torchscan-flops": torchscan_flops}


def _both(path, batch, tool) -> dict[str, int]:
    """Both numbers of a tool that reports MACs and FLOPs in one run."""
    model, x = load(path, batch)
    if tool == "calflops":
        macs, fl = _calflops(model, x)
        return {"calflops": macs, "calflops-flops": fl}
    totals = _torchscan(model, x)
    return {"torchscan": _metric(totals["macs"]), "torchscan-flops": _metric(totals["module_flops"])}


@functools.cache
def _measure(path: str, name: str, batch: int | None) -> dict[str, int]:
    with _quiet():   # each tool sets its own grad mode (fvcore, ptflops, calflops trace with grad enabled)
        tool = CONVENTION_TOOL[name]
        if tool in ("calflops", "torchscan"):
            return _both(path, batch, tool)
        model, x = load(path, batch)
        return {name: RUNNERS[name](model, x)}


def measure(path: str, name: str, batch: int | None = None) -> int:
    """What the tool behind convention ``name`` reports for the net (a fresh model per tool run:
    thop and ptflops leave attributes on the modules). calflops and torchscan run once for both of
    their numbers."""
    key = CONVENTION_TOOL[name] if CONVENTION_TOOL[name] in ("calflops", "torchscan") else name
    return _measure(os.fspath(path), key, batch)[name]


if __name__ == "__main__":
    batch = int(os.environ["BATCH"]) if os.environ.get("BATCH") else None
    for p in sys.argv[1:]:
        row = {}
        for n in RUNNERS:
            if batch and n.startswith("torchscan"):
                continue   # torchscan analyses batch 1 only
            try:
                row[n] = measure(p, n, batch)
            except Exception as e:  # report tool failures, keep going  # noqa: BLE001
                row[n] = f"{type(e).__name__}: {e}"
        print(f"{os.path.basename(p)!r}: {row},")
