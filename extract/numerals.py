"""Chinese numerals as printed in article and item numbers: 二十三 → 23, 一百零五 → 105."""
from __future__ import annotations

_DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
           "八": 8, "九": 9}


def chinese_int(s: str) -> int:
    """Value of a Chinese numeral with 十/百 (digits outside the numeral are ignored); 0 if none."""
    total, cur = 0, 0
    for ch in s:
        if ch in _DIGITS:
            cur = _DIGITS[ch]
        elif ch == "十":
            total += (cur or 1) * 10
            cur = 0
        elif ch == "百":
            total += (cur or 1) * 100
            cur = 0
    return total + cur
