"""Python's cyclic garbage collector, paused while a symcnn call runs.

A call of the Python API creates many short-lived SymPy objects, and its first call imports SymPy
(~0.3 million objects that live as long as the process). Each time the collector's counters overflow
it walks every tracked object of the process, torch's and the user's included, and finds almost
nothing to free: on a ResNet-50 built in torch, ``symcnn.summary`` spent ~75% of a warm call and
~25% of its first call in those walks (bench/ target 6). Reference counting still frees everything
that is not in a cycle; the collector resumes, as it was, when the call returns. The ``symcnn``
command does the same for its imports (``symcnn.__main__``).

Owns: paused (a decorator). Never: freeze objects or change the collector's thresholds: the process
is the user's (a notebook, a training script).
"""

from __future__ import annotations

import functools
import gc


def paused(f):
    """Run ``f`` with the cyclic garbage collector disabled, and re-enable it after if it was on."""

    @functools.wraps(f)
    def call(*args, **kwargs):
        enabled = gc.isenabled()
        gc.disable()
        try:
            return f(*args, **kwargs)
        finally:
            if enabled:
                gc.enable()

    return call


__all__ = ["paused"]
