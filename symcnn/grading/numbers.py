"""Numbers as students write them, read into an exact int or an ``Approx``.

Exact: ``34944``, ``34,944``, ``34 944``, ``34_944``, ``34944.0``. Approximate (a rounded figure,
graded with ``[options] tolerance``): scientific notation ``1.135e9`` and ``1.1 × 10^9`` (or
``1.1×10⁹``), a scale ``1.14 G``, ``62.4M``, ``37.75 万``, ``1.1 亿``, a decimal fraction ``0.5``,
anything after ``≈``/``~``/``约``; byte sizes ``4.5 MB``, ``3 KiB`` for memory answers. A trailing
unit word (params, MACs, FLOPs, bytes ...) is allowed. ``read_number`` returns None for text that
is not a number at all (a formula), and raises NumberError, a plain sentence, for text that is
almost a number ("34,94": thousands come in groups of three).

Owns: Approx, NumberError, ROUNDED, read_number, read_tolerance, rounded_to.
Never: parse formulas (core/formula_parse does), evaluate anything, know the true value.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from fractions import Fraction

from ..core.errors import InputError

ROUNDED = Fraction(1, 100)   # an approximate answer within 1% of a value is read as that value rounded


class NumberError(InputError):
    """Text that looks like a number but is not one a student could mean unambiguously."""


@dataclass(frozen=True, slots=True)
class Approx:
    """An approximate answer: its value and half a unit of its last written digit (the rounding it
    claims), e.g. "1.14 G" = 1,140,000,000 ± 5,000,000."""

    value: Fraction
    half_unit: Fraction
    text: str

    def close(self, exact, tolerance: Fraction) -> bool:
        """Could ``exact`` be what this answer rounds: within its own rounding (half a unit of its last
        digit), within 1% (ROUNDED), or within the relative ``tolerance``?"""
        d = abs(self.value - Fraction(exact))
        return d <= self.half_unit or d <= max(tolerance, ROUNDED) * abs(Fraction(exact))

    def within(self, exact, tolerance: Fraction) -> bool:
        """Correct under the sheet's relative ``tolerance`` (0: only the exact value)."""
        return abs(self.value - Fraction(exact)) <= tolerance * abs(Fraction(exact))


_SUPER = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
_SCALES = {"k": 10**3, "K": 10**3, "thousand": 10**3, "千": 10**3, "M": 10**6, "million": 10**6,
           "万": 10**4, "G": 10**9, "billion": 10**9, "亿": 10**8, "T": 10**12}
_BYTES = {"B": 1, "KB": 10**3, "kB": 10**3, "MB": 10**6, "GB": 10**9, "TB": 10**12, "KiB": 2**10,
          "MiB": 2**20, "GiB": 2**30, "TiB": 2**40}
_WORDS = ("params", "parameters", "parameter", "weights", "macs", "mac", "mult-adds", "flops", "flop",
          "elements", "activations", "bytes", "byte", "个", "字节")
_SEP = r"[,_ '’\u00a0\u2009\u202f]"
_NUMBER = re.compile(
    r"^(?P<approx>≈|~|约|about|approx\.?|approximately)?\s*(?P<sign>[-+−])?\s*"
    r"(?P<int>\d+(?:" + _SEP + r"\d+)*)?(?:\.(?P<frac>\d+))?"
    r"(?:\s*(?:[eE](?P<e>[-+−]?\d+)|\s*[×xX*·]\s*10\s*(?:\^|\*\*)\s*(?P<pow>[-+−]?\d+)))?"
    r"\s*(?P<scale>" + "|".join(sorted(map(re.escape, [*_SCALES, *_BYTES]), key=len, reverse=True)) + r")?"
    r"\s*(?P<word>[A-Za-z\u4e00-\u9fff-]+)?$")
_DIGITISH = re.compile(r"^[-+−]?[\d.,_ '’\u00a0\u2009\u202f]+$")


def _plain(text: str) -> str:
    """Superscript exponents as ^n, full-width digits and punctuation as ASCII, no outer spaces."""
    text = re.sub(r"[⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺]+", lambda m: "^" + m.group(0).translate(_SUPER), text)
    return unicodedata.normalize("NFKC", text).strip()


def _grouping_ok(digits: str) -> bool:
    """34,944 and 34 944 group thousands in threes; 34_944 (Python, TOML) groups freely."""
    if "_" in digits:
        return not re.search(r"[^\d_]", digits) and "__" not in digits
    parts = re.split(_SEP, digits)
    seps = set(re.findall(_SEP, digits))
    return len(seps) <= 1 and all(len(p) == 3 for p in parts[1:]) and 1 <= len(parts[0]) <= 3 \
        if len(parts) > 1 else True


def read_number(text: str, *, bytes_: bool = False) -> int | Approx | None:
    """The number ``text`` writes (an int when exact), or None when it is not a number (a formula).

    >>> read_number("34,944"), read_number("1.14 G").value, read_number("H - 4")
    (34944, Fraction(1140000000, 1), None)
    """
    s = _plain(text)
    m = _NUMBER.match(s)
    if m is None or (m.group("int") is None and m.group("frac") is None):
        if _DIGITISH.match(s) and any(c.isdigit() for c in s):
            _fail_digits(text, s)
        return None
    word = m.group("word")
    if word is not None and word.lower() not in _WORDS:
        return None
    digits = m.group("int") or "0"
    if not _grouping_ok(digits):
        _fail_digits(text, s)
    scale_name = m.group("scale")
    if scale_name in _BYTES and not bytes_:
        if scale_name == "B":   # "1.1 B": bytes are not a count, and "billion" is ambiguous
            raise NumberError(f"{text!r} is a size in bytes",
                              fix="this field is a count: write it without B (1,100,000,000 or 1.1 G)")
        raise NumberError(f"{text!r} is a size in bytes", fix="this field is a count, not a memory size")
    frac = m.group("frac") or ""
    exp = int((m.group("e") or m.group("pow") or "0").replace("−", "-"))
    scale = _SCALES.get(scale_name, _BYTES.get(scale_name, 1)) if scale_name else 1
    mantissa = Fraction(int(re.sub(r"\D", "", digits) + frac or "0"), 10 ** len(frac))
    sign = -1 if m.group("sign") in ("-", "−") else 1
    value = sign * mantissa * Fraction(10) ** exp * scale
    approximate = bool(m.group("approx") or m.group("e") or m.group("pow") or scale_name
                       or frac.strip("0"))
    if not approximate:
        return int(value)
    # half a unit of the last digit written ("62.4M": ± 0.05 M; "100 KiB": ± 0.5 KiB, every digit counts)
    half = Fraction(10) ** (exp - len(frac)) * scale / 2
    return Approx(value, half, text.strip())


def _fail_digits(text: str, s: str) -> None:
    if s.count(".") > 1:
        raise NumberError(f"{text!r} has more than one decimal point",
                          fix="write one number, e.g. 34944, 34,944 or 1.14 G")
    raise NumberError(f"{text!r} is not a number",
                      fix="group thousands in threes (34,944 or 34 944) or write the digits alone (34944); "
                          "a shape goes in output_shape as \"1x96x55x55\"")


def read_tolerance(value) -> Fraction | None:
    """A relative tolerance as a TA writes it: 0.01, "1%", "0.5 %"; None unless it is from 0 to below 1."""
    text = str(value).strip() if isinstance(value, (int, str)) and not isinstance(value, bool) else ""
    try:
        t = Fraction(text.removesuffix("%").strip()) / (100 if text.endswith("%") else 1)
    except (ValueError, ZeroDivisionError):
        return None
    return t if 0 <= t < 1 else None


def rounded_to(exact: int, given: int) -> bool:
    """Is the whole number ``given`` ``exact`` rounded to fewer significant digits (62,400,000 for
    62,378,344)? Rounding to nearest; a truncation is not a rounding."""
    if given == exact or exact == 0:
        return False
    n = len(str(abs(exact)))
    for k in range(1, n):
        unit = 10 ** (n - k)
        q, r = divmod(abs(exact), unit)
        if (q + (2 * r >= unit)) * unit * (1 if exact > 0 else -1) == given:
            return True
    return False


__all__ = ["ROUNDED", "Approx", "NumberError", "read_number", "read_tolerance", "rounded_to"]
