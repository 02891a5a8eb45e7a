"""``python -m symcnn``: the same as the ``symcnn`` console script.

Owns: nothing but the call to cli.main. Never: any logic.
"""

from __future__ import annotations

from .cli import main

if __name__ == "__main__":
    main()
