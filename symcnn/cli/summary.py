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
    layer_option,
    load_trace,
    memory_options,
    net_options,
    table_options,
)


@click.command()
@net_options
@format_options
@flops_option
@memory_options
@table_options
@layer_option
@click.option("--standalone/--fragment", default=True, help="LaTeX: a complete document, or only the body.")
def summary(net: NetArgs, out: OutputArgs, flops, memory: MemoryArgs, columns, depth, layers, standalone):
    """A compact table of NET.py: layer, type, output shape, params, MACs, and the totals (trainable and
    frozen parameters, memory under --memory), laid out as torchinfo's.

    Exact, and symbolic when the input sizes are symbols. --json gives the same JSON as derive --json.

    \b
    Examples:
      symcnn summary examples/alexnet.py
      symcnn summary examples/mnist.py --input NxCxHxW
      symcnn summary examples/resnet18.py --flops flop --json -o resnet18.json
      symcnn summary examples/vgg16.py --memory torchinfo --dtype float16
      symcnn summary examples/resnet50.py --depth 2 --columns input_size,output_size,num_params,trainable
      symcnn summary examples/resnet152.py --layer 'layer3.1.*'
    """
    trace, subs = load_trace(net)
    emit(render_summary(trace, fmt=out.fmt, lang=out.lang, convention=flops, subs=subs, standalone=standalone,
                        layout=out.layout, memory_convention=memory.convention, dtype=memory.dtype,
                        columns=columns, depth=depth, layers=layers), out.output, inputs=(net.path,))
