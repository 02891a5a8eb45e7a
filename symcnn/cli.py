"""The ``symcnn`` command: a thin click group. Parses options, calls the library, prints.

Commands here: derive, summary, formula, docs. Others are loaded lazily from their own modules
(check, rf, inputs, compare) so ``symcnn --help`` stays fast and one broken module cannot break the rest.

Exit codes: 0 success; 1 ``check`` found wrong answers (or ``docs --check`` found stale docs);
2 any usage or input error, shown as one line ``symcnn: error: ...`` on stderr; 3 an internal error
(a bug in symcnn), shown as one line unless ``--debug`` is given, which re-raises with the traceback.

Owns: the click group, main(), the error display.
Never: compute shapes or formulas itself, catch bare Exception below main().
"""

from __future__ import annotations

import importlib
import os
import sys

import click

from . import __version__
from .cliopts import CliError, NetArgs, OutputArgs, emit, format_options, load_trace, net_options
from .errors import InputError, SymcnnError
from .jsonout import render_summary

# name -> ("module:attribute", one-line help shown by `symcnn --help` without importing the module)
LAZY = {
    "check": ("symcnn.cli_check:check", "Grade a student's answers file against the net."),
    "rf": ("symcnn.cli_rf:rf", "Receptive field of every layer."),
    "inputs": ("symcnn.cli_inputs:inputs", "Valid input sizes of the net, and solving for unknowns."),
    "compare": ("symcnn.cli_compare:compare", "FLOPs as torchinfo, fvcore, thop, ptflops... count them."),
}


def _unavailable(name: str, target: str) -> click.Command:
    def run(**_):
        raise CliError(f"`symcnn {name}` is not available in this installation; module {target} is missing. "
                       "Fix: upgrade symcnn or use derive, summary, formula")

    return click.Command(name, callback=run, help=LAZY[name][1], context_settings={"ignore_unknown_options": True},
                         params=[click.Argument(["args"], nargs=-1, required=False)])


class SymcnnGroup(click.Group):
    """A group with lazily imported commands and symcnn's error display (see the module docstring)."""

    def list_commands(self, ctx):
        return sorted({*self.commands, *LAZY})

    def get_command(self, ctx, name):
        if name in self.commands or name not in LAZY:
            return self.commands.get(name)
        target = LAZY[name][0]
        module, attr = target.split(":")
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as e:
            if e.name != module:
                raise
            return _unavailable(name, module)
        return getattr(mod, attr)

    def format_commands(self, ctx, formatter):
        rows = [(n, self.commands[n].get_short_help_str(60) if n in self.commands else LAZY[n][1])
                for n in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        argv = list(sys.argv[1:] if args is None else args)
        cut = argv.index("--") if "--" in argv else len(argv)
        debug = "--debug" in argv[:cut] or os.environ.get("SYMCNN_DEBUG") == "1"
        argv = [a for i, a in enumerate(argv) if not (a == "--debug" and i < cut)]
        code = run_main(super().main, argv, prog_name or "symcnn", complete_var, debug, **extra)
        if standalone_mode:
            sys.exit(code)
        return code


# click >= 8.2 raises this for a group called without a command; older versions print the help themselves
_NoArgsIsHelp = getattr(click.exceptions, "NoArgsIsHelpError", ())


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def run_main(call, argv, prog_name, complete_var, debug, **extra) -> int:
    """Run the click main without standalone mode and turn every outcome into an exit code."""
    try:
        rv = call(args=argv, prog_name=prog_name, complete_var=complete_var, standalone_mode=False, **extra)
    except click.exceptions.Abort:
        click.echo("symcnn: error: aborted", err=True)
        return 130
    except _NoArgsIsHelp as e:   # bare `symcnn`: the help, as `symcnn --help` shows it
        click.echo(e.format_message())
        return 0
    except click.UsageError as e:
        hint = f" (see `{e.ctx.command_path} --help`)" if e.ctx is not None else ""
        click.echo(f"symcnn: error: {_one_line(e.format_message())}{hint}", err=True)
        return 2
    except click.ClickException as e:
        if debug:
            raise
        click.echo(f"symcnn: error: {_one_line(e.format_message())}", err=True)
        return e.exit_code
    except SymcnnError as e:
        if debug:
            raise
        click.echo(f"symcnn: error: {_one_line(str(e))}", err=True)
        return 2
    except KeyboardInterrupt:
        click.echo("symcnn: error: interrupted", err=True)
        return 130
    except Exception as e:  # the top level only: a bug in symcnn, not the user's fault
        if debug:
            raise
        click.echo(f"symcnn: internal error: {type(e).__name__}: {_one_line(str(e))[:300]}; this is a bug in "
                   "symcnn. Fix: rerun with --debug and report the traceback", err=True)
        return 3
    return rv if isinstance(rv, int) and not isinstance(rv, bool) else 0


@click.group(cls=SymcnnGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="symcnn", message="%(prog)s %(version)s")
@click.option("--debug", is_flag=True, help="Show the full traceback of an error (allowed anywhere).")
def cli(debug):
    """symcnn: shapes, parameters, MACs/FLOPs and worked solutions of a PyTorch net.py, exact and symbolic.

    \b
    Examples:
      symcnn derive examples/lenet.py
      symcnn summary examples/alexnet.py --input 1x3x227x227
      symcnn derive examples/mnist.py --input 1x1xHxW --markdown
      symcnn formula Conv2d --latex
    """


def _flops_option(f):
    def check(ctx, param, value):
        if value is not None:
            from .conventions import convention

            convention(value)  # unknown -> InputError with the list of names
        return value

    return click.option("--flops", "flops", metavar="NAME", callback=check, default=None,
                        help="FLOPs convention by name (mul, mac, flop, flop+bias, ...; default mac).")(f)


@cli.command()
@net_options
@format_options
@_flops_option
@click.option("--standalone/--fragment", default=True, help="LaTeX: a complete document, or only the body.")
def derive(net: NetArgs, out: OutputArgs, flops, standalone):
    """Worked solution for every layer of NET.py: shapes, parameters, MACs/FLOPs.

    \b
    Examples:
      symcnn derive examples/alexnet.py
      symcnn derive examples/mnist.py --input 1x1xHxW --set H=28 --set W=28
      symcnn derive examples/lenet.py --latex --lang zh -o lenet.tex
    """
    trace, subs = load_trace(net)
    if out.fmt == "json":
        emit(render_summary(trace, fmt="json", convention=flops, subs=subs), out.output, inputs=(net.path,))
        return
    from .conventions import DEFAULT
    from .derivation import derive as build
    from .render import render_derivation

    d = build(trace, convention=flops or DEFAULT, subs=subs or None)
    emit(render_derivation(d, fmt=out.fmt, lang=out.lang, standalone=standalone), out.output, inputs=(net.path,))


@cli.command()
@net_options
@format_options
@_flops_option
@click.option("--standalone/--fragment", default=True, help="LaTeX: a complete document, or only the body.")
def summary(net: NetArgs, out: OutputArgs, flops, standalone):
    """A compact table of NET.py: layer, type, output shape, params, MACs, and the totals.

    Exact, and symbolic when the input sizes are symbols. --json gives the same JSON as derive --json.

    \b
    Examples:
      symcnn summary examples/alexnet.py
      symcnn summary examples/mnist.py --input NxCxHxW
      symcnn summary examples/resnet18.py --flops flop --json -o resnet18.json
    """
    trace, subs = load_trace(net)
    emit(render_summary(trace, fmt=out.fmt, lang=out.lang, convention=flops, subs=subs, standalone=standalone),
         out.output, inputs=(net.path,))


def _layer_key(layer: str) -> str:
    from .rule import RULES

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


@cli.command()
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
    from .rule import RULES

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
    from .derivation import formula as general
    from .render import render_formula

    emit(render_formula(general(key), out.fmt, out.lang), out.output)


@cli.command()
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
    from .render import render_rules_doc

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


def _stuck(timeout: float) -> None:
    """net.py keeps catching the --timeout signal: end the process with one error line (exit 2)."""
    sys.stderr.write(f"symcnn: error: net.py is still running long after the {timeout:g} s timeout and catches "
                     "the signal that stops it (a bare `except:` around slow code?). Fix: remove that code "
                     "from module level and forward\n")
    sys.stderr.flush()
    os._exit(2)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``symcnn`` console script and ``python -m symcnn``.

    Run from the command line (``argv`` None), the process ends with ``os._exit`` once the output is
    flushed: freeing SymPy's objects at interpreter exit took ~0.25 s, as long as the work of a small
    derive (mypy exits the same way). With ``argv`` given (tests, callers), it raises SystemExit."""
    from . import limits

    limits.on_stuck = _stuck   # the command owns the process; a library caller never gets os._exit
    if argv is not None:
        cli.main(args=argv, prog_name="symcnn")
        return
    try:
        cli.main(args=None, prog_name="symcnn")
        code = 0
    except SystemExit as e:
        code = e.code
    _exit_now(code)


def _exit_now(code) -> None:
    """sys.exit(code) without the interpreter's teardown: flush stdout/stderr, then os._exit."""
    if code is None:
        code = 0
    elif not isinstance(code, int):
        sys.stderr.write(f"{code}\n")
        code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # closed pipe (`symcnn derive net.py | head`) or closed stream
            pass
    os._exit(code)


__all__ = ["LAZY", "cli", "main", "render_summary"]
