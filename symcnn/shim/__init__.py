"""The torch stand-in that symcnn installs in ``sys.modules`` while it runs a user's net.py.

``torch.py`` is ``torch``, ``nn.py`` is ``torch.nn``, ``functional.py`` is ``torch.nn.functional``,
``autograd.py`` is ``torch.autograd``; ``record.py`` holds the recording session they all report to.
This package imports nothing on purpose (so ``symcnn.tensor`` can import ``record`` without cycles).
Never: import real torch, allocate data, or run anything but shape arithmetic.
"""
