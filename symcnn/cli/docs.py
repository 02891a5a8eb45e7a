"""The ``symcnn docs`` command: docs/rules.md, generated from the rule registry.

Owns: docs. Never: write a formula by hand.
"""

from __future__ import annotations

import click

from ..core.errors import InputError
from .options import emit


@click.command()
@click.option("--out", "out_dir", default="docs", show_default=True, metavar="DIR",
              help="Folder to write rules.md into.")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if DIR/rules.md is out of date.")
def docs(out_dir, check):
    """Regenerate the per-layer formula reference DIR/rules.md from the rule registry.

    \b
    Examples:
      symcnn docs --out docs/
      symcnn docs --check
    """
    from pathlib import Path

    if not check and not Path(out_dir).is_dir():
        raise InputError(f"--out {out_dir} is not a folder", fix="create it first or give an existing folder")
    from ..solutions.formula import render_rules_doc

    text = render_rules_doc()
    text = text if text.endswith("\n") else text + "\n"
    target = Path(out_dir) / "rules.md"
    if check:
        current = target.read_text(encoding="utf-8") if target.is_file() else None
        if current != text:
            click.echo(f"symcnn: {target} is out of date; run `symcnn docs --out {out_dir}`", err=True)
            click.get_current_context().exit(1)
        return
    emit(text, str(target))
