"""Core: the pieces every area stands on, with no knowledge of layers or nets. Symbols, exact integer
arithmetic (FloorDiv) and bounds, formatting, errors, the safe formula parser, user-given sizes, and
the one jinja2 environment (with its template cache) every area renders its data with.

May import: the standard library, sympy and jinja2 only; nothing else of symcnn.
"""
