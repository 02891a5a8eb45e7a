"""The ``symcnn`` command: a thin click group. Parses options, calls the library, prints.

Every command lives in its own module of this package (derive, summary, formula, docs, check, rf,
inputs, compare) and is imported only when it runs, so ``symcnn --help`` stays fast and one broken
module cannot break the rest.

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

from .. import __version__
from ..core.errors import SymcnnError
from .options import CliError

# name -> ("module:attribute", one-line help shown by `symcnn --help` without importing the module)
LAZY = {
    "derive": ("symcnn.cli.derive:derive", "Worked solution for every layer of NET.py: shapes,..."),
    "summary": ("symcnn.cli.summary:summary", "A compact table of NET.py: layer, type, output shape,..."),
    "formula": ("symcnn.cli.formula:formula", "The general rule of one layer type: shape, parameters,..."),
    "docs": ("symcnn.cli.docs:docs", "Regenerate the per-layer formula reference DIR/rules.md..."),
    "check": ("symcnn.cli.check:check", "Grade a student's answers file against the net."),
    "rf": ("symcnn.cli.rf:rf", "Receptive field of every layer."),
    "inputs": ("symcnn.cli.inputs:inputs", "Valid input sizes of the net, and solving for unknowns."),
    "compare": ("symcnn.cli.compare:compare", "FLOPs as torchinfo, fvcore, thop, ptflops... count them."),
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
        # after `--`: NET.py's own command-line arguments (its sys.argv[1:]; net_options passes them on)
        self.script_args = tuple(argv[cut + 1:])
        argv = [a for a in argv[:cut] if a != "--debug"]
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
    from ..tracing import limits

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


__all__ = ["LAZY", "cli", "main"]
