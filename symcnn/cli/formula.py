"""The ``symcnn formula`` command: the general rule of one layer type.

Owns: formula. Never: write a formula itself (the rule, called with symbols, gives it).
"""

from __future__ import annotations

import click

from ..core.errors import InputError
from .options import OutputArgs, emit, format_options


def _layer_key(layer: str) -> str:
    from ..rules.base import RULES

    key = layer if layer in RULES else f"nn.{layer}"
    if key in RULES:
        return key
    folded = [k for k in RULES if layer.lower() in (k.lower(), k.split(".", 1)[-1].lower())]
    if len(folded) == 1:   # conv2d -> nn.Conv2d
        return folded[0]
    import difflib

    close = difflib.get_close_matches(layer, [k.split(".", 1)[-1] for k in RULES] + list(RULES), n=3)
    hint = f"did you mean {', '.join(close)}? " if close else ""
    raise InputError(f"{layer} is not a layer symcnn knows", fix=f"{hint}see `symcnn formula --list`")


@click.command()
@click.argument("layer", required=False)
@click.option("--list", "list_", is_flag=True, help="List the supported layers and functions.")
@format_options
def formula(layer, list_, out: OutputArgs):
    """The general rule of one layer type: shape, parameters, MACs, as formulas.

    \b
    Examples:
      symcnn formula Conv2d
      symcnn formula MaxPool2d --latex
      symcnn formula --list
    """
    from ..rules.base import RULES

    if list_:
        if layer:
            raise InputError("give either LAYER or --list", fix="drop one of them")
        emit("\n".join(sorted(k for k, v in RULES.items() if v is not None)), out.output)
        return
    if not layer:
        raise InputError("no LAYER given", fix="name a layer, e.g. `symcnn formula Conv2d`, or use --list")
    if out.fmt == "json":
        raise InputError("formula has no JSON output", fix="use --format text, markdown or latex")
    key = _layer_key(layer)
    from ..solutions.formula import formula as general

    emit(general(key).render(out.fmt, out.lang), out.output)
