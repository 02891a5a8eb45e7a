"""``symcnn compare NET.py``: the net's FLOPs under every convention side by side (symcnn's own and
those of torchinfo, fvcore, thop, ptflops, calflops, torchscan), and per layer type why they differ.

Owns: the click command ``compare`` (registered lazily by symcnn.cli.main as symcnn.cli.compare:compare).
Never: count or format anything itself (symcnn.flops.compare does); catch bare Exception.
"""

from __future__ import annotations

import click

from .options import (
    MemoryArgs,
    NetArgs,
    OutputArgs,
    emit,
    format_options,
    load_trace,
    memory_options,
    net_options,
)


@click.command()
@net_options
@format_options
@click.option("--conventions", "names", metavar="NAMES",
              help="Comma-separated conventions to show (default: all): e.g. mac,thop,ptflops.")
@click.option("--reference", default="mac", show_default=True, metavar="NAME",
              help="The convention the differences are explained against.")
@memory_options
@click.option("--doc", is_flag=True, help="Write the page 'Why do FLOPs numbers disagree?' (Markdown) "
              "for this net instead: docs/flops.md is this for examples/resnet50.py.")
def compare(net: NetArgs, out: OutputArgs, names: str | None, reference: str, memory: MemoryArgs, doc: bool):
    """FLOPs of NET.py as every counting convention and tool counts them, and why they differ; memory
    under every memory convention (--memory first, --dtype).

    \b
    Examples:
      symcnn compare examples/resnet50.py
      symcnn compare examples/dilated.py --markdown -o dilated_flops.md
      symcnn compare examples/unet.py --conventions mac,thop,ptflops --json
      symcnn compare examples/resnet50.py --doc -o docs/flops.md
    """
    from ..flops.compare import compare as build
    from ..flops.compare import flops_doc, render

    trace, subs = load_trace(net)
    if doc:
        emit(flops_doc(trace), out.output)
        return
    wanted = [n.strip() for n in names.split(",") if n.strip()] if names is not None else None
    c = build(trace, wanted, reference=reference, subs=subs or None, memory_convention=memory.convention,
              dtype=memory.dtype)
    emit(render(c, out.fmt), out.output)
