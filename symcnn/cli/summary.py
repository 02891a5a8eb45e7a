"""The ``symcnn summary`` command: a compact table of a net.py.

Owns: summary. Never: compute anything (solutions.jsonout builds the rows).
"""

from __future__ import annotations

import click

from ..solutions.jsonout import render_summary
from .options import (
    MemoryArgs,
    NetArgs,
    OutputArgs,
    emit,
    flops_option,
    format_options,
    load_trace,
    memory_options,
    net_options,
)


@click.command()
@net_options
@format_options
@flops_option
@memory_options
@click.option("--standalone/--fragment", default=True, help="LaTeX: a complete document, or only the body.")
def summary(net: NetArgs, out: OutputArgs, flops, memory: MemoryArgs, standalone):
    """A compact table of NET.py: layer, type, output shape, params, MACs, and the totals (trainable and
    frozen parameters, memory under --memory).

    Exact, and symbolic when the input sizes are symbols. --json gives the same JSON as derive --json.

    \b
    Examples:
      symcnn summary examples/alexnet.py
      symcnn summary examples/mnist.py --input NxCxHxW
      symcnn summary examples/resnet18.py --flops flop --json -o resnet18.json
      symcnn summary examples/vgg16.py --memory torchinfo --dtype float16
    """
    trace, subs = load_trace(net)
    emit(render_summary(trace, fmt=out.fmt, lang=out.lang, convention=flops, subs=subs, standalone=standalone,
                        layout=out.layout, memory_convention=memory.convention, dtype=memory.dtype),
         out.output, inputs=(net.path,))
