"""A disk cache of compiled jinja2 templates, shared by every jinja2 environment symcnn builds.

Compiling a template takes longer than tracing the net it describes (the derivation template ~40 ms,
the summary ~15 ms of a ~0.35 s run), and the result only changes when the template or jinja2 does.
Entries are keyed by template name, file, jinja2 version and the environment's syntax options (LaTeX
and text use different delimiters), and checked against the template source by jinja2 itself. The
cache is best effort: an unusable directory or entry means the template is compiled, never an error.

Where, like Python's own ``.pyc`` files: in ``__pycache__`` next to the templates (the directory the
caller passes), read always and written unless ``sys.dont_write_bytecode`` (``PYTHONDONTWRITEBYTECODE``,
``python -B``); a read-only install is simply never written. ``$SYMCNN_CACHE_DIR`` names another
directory instead; set to the empty string it turns the cache off.

Owns: bytecode_cache(). Never: render anything, or import jinja2 before a template is needed.
"""

from __future__ import annotations

import hashlib
import os
import sys
from functools import cache

_SYNTAX = ("block_start_string", "block_end_string", "variable_start_string", "variable_end_string",
           "comment_start_string", "comment_end_string", "line_statement_prefix", "line_comment_prefix",
           "trim_blocks", "lstrip_blocks", "newline_sequence", "keep_trailing_newline", "optimized",
           "is_async")


@cache
def bytecode_cache(default_dir: str | None = None):
    """The shared ``jinja2.BytecodeCache`` for ``Environment(bytecode_cache=...)``, or None (off).

    ``default_dir`` is used when ``$SYMCNN_CACHE_DIR`` is unset (see the module docstring)."""
    import jinja2
    from jinja2.bccache import Bucket, FileSystemBytecodeCache

    class _Cache(FileSystemBytecodeCache):
        def get_bucket(self, environment, name, filename, source) -> Bucket:
            syntax = repr([getattr(environment, k, None) for k in _SYNTAX]
                          + [sorted(environment.extensions), environment.autoescape, jinja2.__version__])
            key = hashlib.sha1(f"{name}|{filename}|{syntax}".encode()).hexdigest()
            bucket = Bucket(environment, key, self.get_source_checksum(source))
            self.load_bytecode(bucket)
            return bucket

        def load_bytecode(self, bucket: Bucket) -> None:
            try:
                super().load_bytecode(bucket)
            except (OSError, EOFError, ValueError, TypeError):  # unreadable or truncated entry
                bucket.reset()

        def dump_bytecode(self, bucket: Bucket) -> None:
            if sys.dont_write_bytecode and not asked:
                return
            try:
                os.makedirs(self.directory, exist_ok=True)
                super().dump_bytecode(bucket)
            except OSError:  # read-only or full disk: compile again next time
                pass

    asked = "SYMCNN_CACHE_DIR" in os.environ
    directory = os.environ["SYMCNN_CACHE_DIR"] if asked else default_dir
    if not directory:
        return None
    try:
        if asked:
            os.makedirs(directory, mode=0o700, exist_ok=True)
        return _Cache(directory, pattern="symcnn_%s.jinja")
    except (OSError, RuntimeError):  # no safe temp directory
        return None


__all__ = ["bytecode_cache"]
