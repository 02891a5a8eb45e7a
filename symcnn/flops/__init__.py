"""FLOPs: named counting conventions (symcnn's own mul/mac/flop/flop+bias and those of torchinfo,
fvcore, thop, ptflops, calflops, torchscan), each a table of per-layer-type rules over traced steps
(conventions.py is the registry), and ``compare``: every convention's total and why they differ.

May import: core, rules and tracing.
"""
