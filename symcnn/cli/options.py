"""Shared pieces of every ``symcnn`` command: the net and format options, loading a trace, atomic
output, and how errors are shown.

Every command module (derive, summary, check, rf, inputs, compare, ...) reuses these so all commands behave alike::

    @click.command()
    @net_options
    @format_options
    def rf(net: NetArgs, out: OutputArgs): ...
        trace, subs = load_trace(net)
        emit(text, out.output)

Owns: NetArgs, OutputArgs, net_options, format_options, load_trace, emit, infer_format, CliError.
Never: compute shapes or formulas, print anything but the text it is given, catch bare Exception.
"""

from __future__ import annotations

import functools
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import click

from ..core.errors import InputError, SymcnnError

BACKENDS = ("auto", "stand-in", "torch")   # as symcnn.tracing.tracer.BACKENDS (not imported: keeps --help light)
FORMATS = ("text", "markdown", "latex", "html", "json")
LANGS = ("en", "zh")
STYLES = ("full", "compact")
LAYOUTS = ("nchw", "hwc")
SUFFIX_FORMAT = {".tex": "latex", ".md": "markdown", ".markdown": "markdown", ".json": "json", ".html": "html",
                 ".htm": "html"}
DEFAULT_TIMEOUT = 60.0


class CliError(click.ClickException):
    """A SymcnnError (or usage error) as the CLI shows it: one line on stderr, exit code 2."""

    exit_code = 2

    def show(self, file=None) -> None:
        click.echo(f"symcnn: error: {self.format_message()}", err=True)


@dataclass(frozen=True, slots=True)
class NetArgs:
    """What the user said about the net: the file, the model, the inputs, --set, --timeout, and the
    script's own arguments (given after ``--``)."""

    path: str
    model: str | None = None
    inputs: tuple[str, ...] = ()
    sets: tuple[str, ...] = ()
    timeout: float | None = DEFAULT_TIMEOUT
    script_args: tuple[str, ...] = ()
    backend: str = "auto"

    @property
    def input(self) -> str | None:
        """The first --input (one-input commands)."""
        return self.inputs[0] if self.inputs else None


@dataclass(frozen=True, slots=True)
class OutputArgs:
    """The resolved output format, language, file (None: stdout), style and shape layout."""

    fmt: str = "text"
    lang: str = "en"
    output: str | None = None
    style: str = "full"
    layout: str = "nchw"


MAX_TIMEOUT = 86400.0


def _timeout(ctx, param, value):
    if value is not None and not value > 0:
        raise InputError(f"--timeout {value} is not positive", fix="give the tracing time limit in seconds, e.g. 30")
    if value is not None and not value <= MAX_TIMEOUT:
        raise InputError(f"--timeout {value} is more than a day", fix=f"give at most {MAX_TIMEOUT:g} seconds")
    return value


def net_options(f):
    """Add NET.py, --model, --input, --set and --timeout, and pass on the script's own arguments (given
    after ``--``, see main.py); the command receives ``net: NetArgs``."""

    @click.argument("net_path", metavar="NET.py|MODULE:CALLABLE")
    @click.option("--model", metavar="NAME|CALL",
                  help="The model: a name in NET.py (class, factory, instance) or a call with literal "
                       "arguments, e.g. \"VGG('VGG16')\".")
    @click.option("--input", "inputs", metavar="SHAPE[:DTYPE]", multiple=True,
                  help="Input shape: 1x3x227x227, 1,3,227,227, or with symbols 1x3xHxW; once per argument "
                       "of forward (e.g. --input 1x100 --input 1:long). NET.py's own arguments go after --.")
    @click.option("--set", "sets", metavar="NAME=VALUE", multiple=True,
                  help="Substitute a symbol after the closed form is derived (repeatable): --set H=227.")
    @click.option("--timeout", type=float, default=DEFAULT_TIMEOUT, show_default=True, callback=_timeout,
                  metavar="SECONDS", help="Stop tracing NET.py after this many seconds.")
    @click.option("--backend", type=click.Choice(BACKENDS), default="auto", show_default=True,
                  help="Run NET.py with symcnn's torch stand-in, with real torch (installed; models on the meta "
                       "device), or auto: the stand-in, then real torch when the file needs it.")
    @functools.wraps(f)
    def wrapper(*args, net_path, model, inputs, sets, timeout, backend, **kwargs):
        script_args = getattr(click.get_current_context().find_root().command, "script_args", ())
        net = NetArgs(net_path, model, tuple(inputs), tuple(sets), timeout, tuple(script_args), backend)
        return f(*args, net=net, **kwargs)

    return wrapper


def infer_format(output: str | None) -> str | None:
    """The format a file name implies (.tex, .md, .json, .html), or None."""
    if not output or output == "-":
        return None
    return SUFFIX_FORMAT.get(Path(output).suffix.lower())


def resolve_format(fmt: str | None, shorthands: list[str], output: str | None) -> str:
    """One format from --format, the --latex/--markdown/--json shorthands and the -o suffix."""
    given = sorted({v for v in [fmt, *shorthands] if v})
    if len(given) > 1:
        raise InputError(f"conflicting formats: {' and '.join(given)} were both asked for",
                         fix="give one of --format, --latex, --markdown, --html, --json")
    implied = infer_format(output)
    if given and implied and given[0] != implied:
        raise InputError(f"-o {output} implies {implied} output but {given[0]} was asked for",
                         fix=f"drop the format option or name the file with the suffix of {given[0]}")
    return given[0] if given else implied or "text"


def format_options(f):
    """Add --format/--latex/--markdown/--html/--json, --lang, --style, --layout and -o; the command
    receives ``out: OutputArgs``."""

    @click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
                  help="Output format (default: from the -o suffix, else text).")
    @click.option("--latex", "sh_latex", is_flag=True, help="Same as --format latex.")
    @click.option("--markdown", "sh_markdown", is_flag=True, help="Same as --format markdown.")
    @click.option("--html", "sh_html", is_flag=True, help="Same as --format html (one page, maths as MathML).")
    @click.option("--json", "sh_json", is_flag=True, help="Same as --format json.")
    @click.option("--lang", type=click.Choice(LANGS), default="en", show_default=True,
                  help="Language of the words (maths is the same).")
    @click.option("--style", type=click.Choice(STYLES), default="full", show_default=True,
                  help="full: every step with its legend and reasons; compact: the same steps, densely set.")
    @click.option("--layout", type=click.Choice(LAYOUTS), default="nchw", show_default=True,
                  help="Shapes as PyTorch prints them (N×C×H×W), or per sample as H×W×C (hwc, the course notes).")
    @click.option("-o", "--output", metavar="FILE",
                  help="Write to FILE atomically (format inferred from .tex/.md/.html/.json).")
    @functools.wraps(f)
    def wrapper(*args, fmt, sh_latex, sh_markdown, sh_html, sh_json, lang, style, layout, output, **kwargs):
        flags = [name for name, on in (("latex", sh_latex), ("markdown", sh_markdown), ("html", sh_html),
                                       ("json", sh_json)) if on]
        out = OutputArgs(resolve_format(fmt, flags, output), lang, output, style, layout)
        return f(*args, out=out, **kwargs)

    return wrapper


def _is_spec(path: str) -> bool:
    """package.module:callable (a model built from an installed package), not a file."""
    return ":" in path and not path.endswith(".py") and not Path(path).exists()


def _check_net_file(path: str) -> None:
    if _is_spec(path):
        return
    p = Path(path)
    if not p.exists():
        raise InputError(f"{path}: no such file", fix="give the path of your net.py")
    if p.is_dir():
        raise InputError(f"{path} is a directory", fix="give the path of a .py file that defines the net")
    if p.suffix != ".py":
        raise InputError(f"{path} is not a Python file", fix="give a .py file that defines the net")
    if not os.access(p, os.R_OK):
        raise InputError(f"{path} cannot be read", fix="check the file's permissions")


def load_trace(net: NetArgs):
    """Trace NET.py as the options say; return ``(trace, subs)`` with subs the checked --set values.

    Raises InputError / NetLoadError / RuleError / TraceError (all SymcnnError) with one-line messages.
    """
    from ..core.userinput import parse_input, parse_sets, resolve_sets

    inputs = [parse_input(i) for i in net.inputs] or None
    subs = parse_sets(net.sets)
    _check_net_file(net.path)
    from ..tracing.tracer import trace as run_trace

    trace = run_trace(net.path, model=net.model, input_shape=inputs, timeout=net.timeout, args=net.script_args,
                      backend=net.backend)
    for note in trace.notes:
        click.echo(f"symcnn: note: {note}", err=True)
    return trace, resolve_sets(trace, subs)


def emit(text: str, output: str | None = None, *, inputs: tuple[str, ...] = ()) -> None:
    """Print ``text`` or write it to ``output`` atomically: a temp file in the same directory, then
    os.replace. On any error the previous file is untouched and no partial file is left.
    ``inputs`` (e.g. the net.py path) are files the output must never overwrite."""
    if not text.endswith("\n"):
        text += "\n"
    if output is None or output == "-":
        click.echo(text, nl=False)
        return
    if not output.strip():
        raise InputError("-o is empty", fix="give a file name, e.g. -o net.tex, or - for stdout")
    target = Path(output)
    for src in inputs:
        if target.exists() and Path(src).exists() and target.resolve() == Path(src).resolve():
            raise InputError(f"-o {output} is the input file {src}", fix="write the output to another file")
    if target.is_dir():
        raise InputError(f"-o {output} is a directory", fix="give a file name, e.g. -o net.tex")
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise InputError(f"-o {output}: folder {folder} does not exist", fix="create the folder first")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as e:
        raise InputError(f"-o {output} cannot be written: {e.strerror}", fix="choose a writable folder") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        if target.exists():
            os.chmod(tmp, target.stat().st_mode & 0o777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
    except OSError as e:
        Path(tmp).unlink(missing_ok=True)
        raise InputError(f"-o {output} cannot be written: {e.strerror}", fix="choose a writable file") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def as_cli_error(e: SymcnnError) -> CliError:
    return CliError(str(e))


def flops_option(f):
    """--flops NAME: a FLOPs convention by name, checked when given."""
    def check(ctx, param, value):
        if value is not None:
            from ..flops.conventions import convention

            convention(value)  # unknown -> InputError with the list of names
        return value

    return click.option("--flops", "flops", metavar="NAME", callback=check, default=None,
                        help="FLOPs convention by name (mul, mac, flop, flop+bias, ...; default mac).")(f)


COLUMN_NAMES = ("line", "input_size", "output_size", "kernel_size", "num_params", "params_percent", "trainable",
                "macs", "flops", "activation_bytes")   # as symcnn.solutions.table.COLUMNS (keeps --help light)


def layer_option(f):
    """--layer PATTERN (repeatable): only the layers a glob names; the command receives ``layers``."""
    return click.option("--layer", "layers", metavar="PATTERN", multiple=True,
                        help="Show only the layers whose name matches this glob (repeatable): conv1, 'layer3.1.*', "
                             "'*.relu#2'. Totals stay over the whole net.")(f)


def table_options(f):
    """--columns NAMES and --depth N of the summary table; the command receives ``columns``, ``depth``."""
    def check_depth(ctx, param, value):
        if value is not None:
            from ..solutions.depth import check_depth as check

            check(value)   # 0 or negative -> InputError
        return value

    def check_columns(ctx, param, value):
        if not value:
            return None
        from ..solutions.table import columns

        return columns(value)   # unknown name -> InputError listing the accepted ones

    f = click.option("--depth", type=int, default=None, metavar="N", callback=check_depth,
                     help="Show modules down to depth N as rows (1: the model's children), each deeper call folded "
                          "into its module's row, as torchinfo's depth (default: every layer).")(f)
    return click.option("--columns", "columns", metavar="NAMES", multiple=True, callback=check_columns,
                        help="Columns after layer and type, in order, comma-separated: "
                             f"{', '.join(COLUMN_NAMES)} (default: line, output_size, num_params, macs "
                             "and flops with --flops).")(f)


MEMORY = ("symcnn", "torchinfo")                       # as symcnn.flops.memory.ORDER (kept light for --help)
DTYPES = ("float32", "float16", "bfloat16", "float64")   # as symcnn.flops.memory.DTYPES


@dataclass(frozen=True, slots=True)
class MemoryArgs:
    """--memory and --dtype: the memory convention and the element type of its figures."""

    convention: str = "symcnn"
    dtype: str = "float32"


def memory_options(f):
    """Add --memory NAME and --dtype NAME (each checked: an unknown name is one error listing the accepted
    ones, exit 2); the command receives ``memory: MemoryArgs``."""
    def check(ctx, param, value):
        from ..flops.memory import dtype_size, memory_convention

        (memory_convention if param.name == "memory_name" else dtype_size)(value)
        return value

    @click.option("--memory", "memory_name", metavar="NAME", default="symcnn", show_default=True, callback=check,
                  help=f"Memory convention of the memory figures: {', '.join(MEMORY)} (docs/memory.md).")
    @click.option("--dtype", "dtype", metavar="NAME", default="float32", show_default=True, callback=check,
                  help=f"Element type of the model and its float inputs, scaling every memory figure: "
                       f"{', '.join(DTYPES)}.")
    @functools.wraps(f)
    def wrapper(*args, memory_name, dtype, **kwargs):
        return f(*args, memory=MemoryArgs(memory_name, dtype), **kwargs)

    return wrapper


__all__ = ["CliError", "MemoryArgs", "NetArgs", "OutputArgs", "emit", "flops_option", "format_options",
           "infer_format", "layer_option", "load_trace", "memory_options", "net_options", "resolve_format",
           "table_options"]
