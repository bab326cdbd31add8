"""统一社会信用代码 checks (GB 32100-2015, mod 31), offline."""

from __future__ import annotations

import pytest

from lendercheck import uscc


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A real code, the example in python-stdnum's stdnum.cn.uscc documentation.
        ("91110000600037341L", "91110000600037341L"),
        # Pasted forms of the same code: full-width, lower case, spaces and dashes.
        ("９１１１００００６０００３７３４１Ｌ", "91110000600037341L"),
        ("91110000-600037341l", "91110000600037341L"),
        (" 9111 0000 6000 3734 1L ", "91110000600037341L"),
        # Fictional codes made for the test fixtures, with their computed check characters.
        ("91500000MA0000001B", "91500000MA0000001B"),
        ("91440300MA0000002P", "91440300MA0000002P"),
        ("91110000MA00000051", "91110000MA00000051"),
    ],
)
def test_valid_codes_are_recognized_in_any_pasted_form(text: str, expected: str) -> None:
    assert uscc.normalize(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "91110000600037341M",  # wrong check character
        "91110000600037314L",  # two characters swapped
        "9111000060003734L",  # too short
        "91110000600037341LL",  # too long
        "9111000060003734IL",  # I is not in the alphabet
        "91A10000600037341L",  # the region code must be digits
        "",
    ],
)
def test_invalid_codes_are_refused(text: str) -> None:
    assert uscc.normalize(text) is None


def test_check_character_completes_the_first_17_characters() -> None:
    assert uscc.check_character("91110000600037341") == "L"
    assert uscc.check_character("91500000MA0000001") == "B"


def test_a_zero_remainder_gives_the_check_character_zero() -> None:
    first17 = next(f"91500000MA{n:07d}" for n in range(10_000) if uscc.check_character(f"91500000MA{n:07d}") == "0")
    assert uscc.is_valid(first17 + "0")
