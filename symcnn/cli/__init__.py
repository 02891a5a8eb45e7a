"""The ``symcnn`` command line: the click group (main.py), the shared options (options.py) and one
module per command. Parses arguments, calls the library, prints. No logic of its own.

May import: every other area of symcnn (it is the top layer). Nothing imports it but ``__main__``.
"""
