"""统一社会信用代码 (Unified Social Credit Code, GB 32100-2015): format and check character, offline.

18 characters: registering authority (1), entity type (1), region code (6 digits), organisation code
(9), check character (1). The alphabet has 31 characters (no I, O, S, V, Z); the check character makes
the weighted sum of all 18 values ≡ 0 (mod 31), weights 3^i mod 31 for positions 1–17.
"""

from __future__ import annotations

import re

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_FORM = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$")
_NOISE = str.maketrans("", "", " -\u3000\t")


def compact(text: str) -> str:
    """Upper case, full-width to ASCII, spaces and dashes removed (as codes are pasted from notices)."""
    ascii_text = "".join(chr(ord(c) - 0xFEE0) if "\uff01" <= c <= "\uff5e" else c for c in text)
    return ascii_text.translate(_NOISE).upper()


def check_character(first17: str) -> str:
    """The 18th character for the first 17."""
    total = sum(ALPHABET.index(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def is_valid(code: str) -> bool:
    """True when `code` (already compact) has the 18-character form and its check character is right."""
    return bool(_FORM.match(code)) and check_character(code[:17]) == code[17]


def normalize(text: str) -> str | None:
    """The compact code when it is valid, else None."""
    code = compact(text)
    return code if is_valid(code) else None
