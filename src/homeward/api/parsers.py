"""The API's JSON parser: DRF's, refusing bodies nested deeper than any request needs.

Python's JSON decoder recurses once per level, so a body of 100,000 "[" raised RecursionError
(a 500); a body that parses but is hundreds of levels deep would reach every later step that
walks it (serializers, the idempotency hash, error flattening). No request here is more than
two levels deep ({"associates": ["..."]}), so ten is generous.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_DEPTH = 10
TOO_DEEP = f"The JSON body is nested too deeply: at most {MAX_DEPTH} levels of lists and objects."


def depth(value: Any) -> int:
    """How many lists and objects deep ``value`` is, counted without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, Mapping):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, level)
        if deepest > MAX_DEPTH:
            break
        stack.extend((child, level + 1) for child in children)
    return deepest


class BoundedJSONParser(JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(TOO_DEEP) from None
        if depth(data) > MAX_DEPTH:
            raise ParseError(TOO_DEEP)
        return data
