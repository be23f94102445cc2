"""Chinese numerals as printed in article and item numbers: 二十三 → 23, 一百零五 → 105,
一千二百六十 → 1260, 一万 → 10000, 两千 → 2000."""
from __future__ import annotations

_DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
           "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}

#: The characters of a numeral in 第X条 / 第X章 (for regular expressions: `第[{NUMERAL_CHARS}]+条`).
NUMERAL_CHARS = "一二三四五六七八九十百千万零〇两"


def chinese_int(s: str) -> int:
    """Value of a Chinese numeral with 十/百/千/万 (other characters are ignored); 0 if none."""
    total, section, digit = 0, 0, 0  # section: the part below 万
    for ch in s:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        elif ch in _UNITS:
            section += (digit or 1) * _UNITS[ch]
            digit = 0
        elif ch == "万":
            total += ((section + digit) or 1) * 10000
            section, digit = 0, 0
    return total + section + digit
