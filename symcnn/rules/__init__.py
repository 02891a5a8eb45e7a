"""The rule families. Each module registers its rules with @rule; imported explicitly, no discovery.

To add a layer: write a Rule subclass in the family file it belongs to (or a new file imported here).
"""

from . import activation, conv, linear, norm, pool, resample, shuffle  # noqa: F401
