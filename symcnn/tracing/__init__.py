"""Tracing: running a user's net.py on symbolic tensors and recording what it does. The torch
stand-in (standin/), SymTensor and its shape arithmetic, the recording session, the tracer, model
and input choice, time and memory limits, and the data a trace yields (Trace, Step).

May import: core and rules.
"""
