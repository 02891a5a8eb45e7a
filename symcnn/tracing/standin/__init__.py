"""The torch stand-in that symcnn installs in ``sys.modules`` while it runs a user's net.py.

``torch.py`` is ``torch``, ``nn.py`` is ``torch.nn``, ``functional.py`` is ``torch.nn.functional``,
``autograd.py`` is ``torch.autograd``; they report to the recording session of ``tracing.record``.
This package imports nothing on purpose. Never: import real torch, allocate data, or run anything but
shape arithmetic.
"""
