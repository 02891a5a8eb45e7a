"""The ``symcnn rf`` command (registered lazily by main.py): receptive field, jump and start of every
layer, the equivalent single conv, and (Markdown, LaTeX, HTML) the forward and backward recursions.

Owns: the click command. Never: compute fields or build the report's data (analysis/rfdoc.py does),
write words, catch bare Exception.
"""

from __future__ import annotations

import click

from .options import emit, format_options, load_trace, net_options


@click.command()
@net_options
@format_options
def rf(net, out):
    """Receptive field, jump and start of every layer, and the equivalent single conv.

    Example: symcnn rf examples/dilated.py --markdown
    """
    from ..analysis.rfdoc import receptive_field_report

    trace, _ = load_trace(net)
    report = receptive_field_report(trace)
    emit(report.render(out.fmt, out.lang, style=out.style, layout=out.layout), out.output)


__all__ = ["rf"]
