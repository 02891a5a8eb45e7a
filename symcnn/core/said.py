"""A phrase computed outside the templates ("every H", "no H in 1..64", the note of a solved unknown):
its English text (a str: the JSON value and what ``str()`` shows) carrying the catalogue key and the
values to say it in any language. The ``said`` filter (core/filters.py) looks ``key`` up among the
words of the output's language (``t``) and fills in the values, themselves said in turn.

Owns: Said, said. Never: read a catalogue, choose a language, format a number.
"""

from __future__ import annotations


class Said(str):
    """English text with the catalogue key (dotted: "inputs.said.every") and values to say it again."""

    key: str
    args: dict


def said(key: str, text: str, **args) -> Said:
    out = Said(text)
    out.key, out.args = key, args
    return out


__all__ = ["Said", "said"]
