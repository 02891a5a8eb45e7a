"""The one jinja2 environment every area renders its data with, in text, Markdown, LaTeX and HTML.

One cached environment per (format, language, template dir); every filter is registered by
symcnn.core.filters.install; words come from the message catalogue templates/i18n/<lang>.toml (adding a language is
adding a catalogue, no code). LaTeX templates use ((* *)), ((( ))), ((= =)) so that TeX braces
never clash with Jinja; HTML templates autoescape, and their maths is presentation MathML (one
self-contained page: no script, no network). The loader searches --template-dir first, then the
package ``symcnn.templates`` (an installed wheel) or the top-level templates/ of the source tree.

Owns: environment(), render(name, fmt, lang, **ctx), catalogue(lang), FORMATS, LAYOUTS, STYLES.
Never: know what it renders (each area passes its own data: solutions, flops, analysis, grading),
compute anything, or write words in Python (templates and catalogues do).
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from importlib import resources
from pathlib import Path

import jinja2

from .errors import InputError
from .filters import columns, install, laid_out, md_escape, tex_escape
from .tplcache import bytecode_cache

FORMATS = {"text": "text", "markdown": "md", "latex": "tex", "html": "html"}
LAYOUTS = ("nchw", "hwc")      # N×C×H×W as PyTorch prints shapes; H×W×C per sample as the course notes
STYLES = ("full", "compact")   # every step with its legend table and reasons; the same steps, dense
def template_root() -> Path:
    """templates/ of the source tree this symcnn was imported from (a checkout: pyproject.toml beside
    it), else of the installed wheel (package symcnn.templates). The checkout wins so that a second
    checkout on PYTHONPATH never renders with the templates of the one installed in editable mode."""
    tree = Path(__file__).resolve().parents[2]
    if (tree / "pyproject.toml").is_file() and (tree / "templates" / "derivation.text.j2").is_file():
        return tree / "templates"
    try:
        root = resources.files("symcnn.templates")
        if root.joinpath("derivation.text.j2").is_file():
            return Path(str(root))
    except ModuleNotFoundError:
        pass
    return Path(__file__).resolve().parents[2] / "templates"


def languages() -> list[str]:
    return sorted(p.stem for p in (template_root() / "i18n").glob("*.toml"))


@lru_cache(maxsize=None)
def catalogue(lang: str) -> dict:
    """The messages of one language: templates/i18n/<lang>.toml."""
    path = template_root() / "i18n" / f"{lang}.toml"
    if not path.is_file():
        raise InputError(f"no message catalogue for language {lang!r}",
                         fix=f"use one of: {', '.join(languages())}")
    return _toml(path)


def _toml(path: Path) -> dict:
    with path.open("rb") as f:
        return tomllib.load(f)


@lru_cache(maxsize=32)
def environment(fmt: str = "text", lang: str = "en", template_dir: str | None = None) -> jinja2.Environment:
    """The cached jinja2 environment for a format (text, markdown, latex, html) and language."""
    if fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r}", fix=f"use one of: {', '.join(FORMATS)}")
    opts = {"trim_blocks": True, "lstrip_blocks": True, "keep_trailing_newline": True,
            "undefined": jinja2.StrictUndefined, "autoescape": fmt == "html"}
    if fmt == "latex":
        opts |= {"block_start_string": "((*", "block_end_string": "*))", "variable_start_string": "(((",
                 "variable_end_string": ")))", "comment_start_string": "((=", "comment_end_string": "=))"}
    root = template_root()
    paths = ([str(template_dir)] if template_dir else []) + [str(root)]
    cache = bytecode_cache(str(root / "__pycache__"))  # compiled templates, kept like .pyc files
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(paths), bytecode_cache=cache, **opts)
    install(env, fmt)
    words = catalogue(lang)
    env.globals.update(t=words, lang=lang, fmt=fmt, identities=_toml(root / "identities.toml"),
                       equations=_toml(root / "equations.toml"), layout="nchw", style="full")
    return env


def render(name: str, fmt: str = "text", lang: str = "en", template_dir=None, **ctx) -> str:
    """Render the top-level template ``<name>.<ext>.j2`` of a format (text, markdown, latex, html) in a
    language, with the explicit context ``ctx`` (``layout`` and ``style`` among it; defaults nchw, full);
    --template-dir (``template_dir``) goes first in the search path."""
    for key, allowed in (("layout", LAYOUTS), ("style", STYLES)):
        if ctx.get(key, allowed[0]) not in allowed:
            raise InputError(f"unknown {key} {ctx[key]!r}", fix=f"use one of: {', '.join(allowed)}")
    env = environment(fmt, lang, str(template_dir) if template_dir else None)
    return env.get_template(f"{name}.{FORMATS[fmt]}.j2").render(**ctx)


__all__ = [
    "FORMATS",
    "LAYOUTS",
    "STYLES",
    "catalogue",
    "columns",
    "environment",
    "laid_out",
    "languages",
    "md_escape",
    "render",
    "template_root",
    "tex_escape",
]
