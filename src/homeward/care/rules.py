"""What one row of a council's extract must say (the 903's codes and formats)."""

from __future__ import annotations

import re
from datetime import date, datetime

from homeward.care.models import CategoryOfNeed
from homeward.children.models import LegalStatus

# A UK postcode's shape (the DfE validator then checks it exists: rules 169, 392c).
POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$")
# Ofsted URNs: "SC" and six digits for a children's home, six or seven digits otherwise;
# XXXXXXX where there is none (the 903's "not applicable").
URN = re.compile(r"^(SC[0-9]{6}|[0-9]{6,7}|XXXXXXX)$")
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d")


def parse_date(text: str) -> date | None:
    for form in DATE_FORMATS:
        try:
            return datetime.strptime(text.strip(), form).date()
        except ValueError:
            continue
    return None


def postcode(text: str) -> str | None:
    """The postcode in the 903's form ("HR1 2AB"), "" for none, None if it is not one."""
    compact = text.strip().upper().replace(" ", "")
    if not compact:
        return ""
    if not POSTCODE.match(compact):
        return None
    return f"{compact[:-3]} {compact[-3:]}"


def legal_status(text: str) -> str | None:
    code = text.strip().upper()
    return code if code in LegalStatus.values else None


def category_of_need(text: str) -> str | None:
    code = text.strip().upper()
    return code if code in CategoryOfNeed.values else None


def urn(text: str) -> str | None:
    code = text.strip().upper()
    if not code:
        return ""
    return code if URN.match(code) else None
