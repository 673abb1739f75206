"""One rule for every spreadsheet-bound cell we write (CSV and XLSX downloads, the 903 files).

Excel, LibreOffice and Google Sheets read a cell that begins with ``=``, ``+``, ``-`` or ``@``
as a formula (and a leading tab or carriage return is dropped before that test), so a name a
partner's API call or a person typed, such as ``=HYPERLINK(...)``, would run on the analyst's
machine. OWASP's remedy is to begin such text with an apostrophe: spreadsheets then show it as
text, and a person reading the file can still see exactly what was typed.
"""

from __future__ import annotations

from typing import TypeVar

# The full-width forms too: some spreadsheet locales treat them as the ASCII signs.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")

T = TypeVar("T")


def safe_cell(value: T) -> T | str:
    """``value`` as a spreadsheet will read it as text: numbers and ordinary text unchanged."""
    if isinstance(value, str) and value.lstrip(" ").startswith(FORMULA_START):
        return "'" + value
    return value
