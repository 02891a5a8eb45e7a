"""The ``symcnn derive`` command: the worked solution of a net.py.

Owns: derive. Never: compute anything (solutions.derivation does).
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
)


@click.command()
@net_options
@format_options
@flops_option
@memory_options
@layer_option
@click.option("--standalone/--fragment", default=True, help="LaTeX: a complete document, or only the body.")
def derive(net: NetArgs, out: OutputArgs, flops, memory: MemoryArgs, layers, standalone):
    """Worked solution for every layer of NET.py: shapes, parameters, MACs/FLOPs, memory.

    \b
    Examples:
      symcnn derive examples/alexnet.py
      symcnn derive examples/mnist.py --input 1x1xHxW --set H=28 --set W=28
      symcnn derive examples/lenet.py --latex --lang zh -o lenet.tex
      symcnn derive examples/alexnet.py --style compact -o alexnet.html
      symcnn derive examples/resnet152.py --layer 'layer3.1.*'
    """
    trace, subs = load_trace(net)
    if out.fmt == "json":
        emit(render_summary(trace, fmt="json", convention=flops, subs=subs, memory_convention=memory.convention,
                            dtype=memory.dtype, layers=layers), out.output, inputs=(net.path,))
        return
    from ..flops.conventions import DEFAULT
    from ..solutions.derivation import derive as build
    from ..solutions.select import select

    d = build(trace, convention=flops or DEFAULT, subs=subs or None, memory=memory.convention, dtype=memory.dtype,
              keep=select(trace, layers))
    emit(d.render(out.fmt, out.lang, standalone, style=out.style, layout=out.layout), out.output,
         inputs=(net.path,))
