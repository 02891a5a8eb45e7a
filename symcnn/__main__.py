"""The ``symcnn`` command's entry point (console script and ``python -m symcnn``).

A ``symcnn`` process imports SymPy (most of its run time), runs one command and exits. Python's cyclic
garbage collector would walk the ~0.3 million objects of those imports again and again while they are
created, and find nothing to free: they live as long as the process. So the imports run with the
collector paused and are then frozen (``gc.freeze``: kept out of every later collection), and the
collector runs for what the command itself allocates, less often than the default. This makes the
command ~10% faster and changes no result; peak memory stays the same (bench/ target 4).

Owns: run(). Never: any logic of a command (cli.py).
"""

from __future__ import annotations

import gc


def run() -> None:
    enabled = gc.isenabled()
    gc.disable()
    try:
        from .cli.main import main
    finally:
        gc.freeze()
        gc.set_threshold(20_000, 10, 10)
        if enabled:
            gc.enable()
    main()


if __name__ == "__main__":
    run()
