"""A disk cache of compiled jinja2 templates, shared by every jinja2 environment symcnn builds.

Compiling the derivation template takes longer than deriving LeNet (~0.1 s of a 0.5 s run), and
the result only changes when the template or jinja2 does. Entries are keyed by template name, file,
jinja2 version and the environment's syntax options (LaTeX and text use different delimiters), and
checked against the template source by jinja2 itself. The cache is best effort: an unusable
directory means templates are compiled as before, never an error.

Off unless ``$SYMCNN_CACHE_DIR`` names a directory: symcnn writes no files of its own unless asked.

Owns: bytecode_cache(). Never: render anything, or import jinja2 before a template is needed.
"""

from __future__ import annotations

import hashlib
import os
from functools import cache

_SYNTAX = ("block_start_string", "block_end_string", "variable_start_string", "variable_end_string",
           "comment_start_string", "comment_end_string", "line_statement_prefix", "line_comment_prefix",
           "trim_blocks", "lstrip_blocks", "newline_sequence", "keep_trailing_newline", "optimized",
           "is_async")


@cache
def bytecode_cache():
    """The shared ``jinja2.BytecodeCache`` for ``Environment(bytecode_cache=...)``, or None (off)."""
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
            try:
                super().dump_bytecode(bucket)
            except OSError:  # read-only or full disk: compile again next time
                pass

    directory = os.environ.get("SYMCNN_CACHE_DIR")
    if not directory:
        return None
    try:
        os.makedirs(directory, mode=0o700, exist_ok=True)
        return _Cache(directory, pattern="symcnn_%s.jinja")
    except (OSError, RuntimeError):  # no safe temp directory
        return None


__all__ = ["bytecode_cache"]
