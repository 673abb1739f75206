"""The Jinja2 environment for the hot row loops (issue 20): the work lists' and the board's rows.

Django's template engine spent about half of My work's time on its rows (for about 113 duties,
some 6,500 variable resolutions, 450 ``date`` filters and 450 ``{% url %}`` nodes, each a
Python object's ``render`` with its own lookups and exception handling) and a fifth to a quarter
of the board's. Jinja2 compiles a template to Python, so a row is a few plain attribute reads
and calls. The rest of each page stays in Django's templates, which embed these fragments with
``{% jinja %}`` (templatetags.homeward).

What the fragments show must not change, so the filters are Django's own and the project's
(templatetags.homeward), not copies, and every value printed goes through what Django's engine
does to it: the current (UK) time zone, localisation, and Django's escaping (``&#x27;`` for an
apostrophe, where MarkupSafe would write ``&#39;``), so the HTML is byte for byte the same.
"""

from __future__ import annotations

import html
from datetime import datetime
from functools import lru_cache
from typing import Any

from django.template import defaultfilters
from django.urls import reverse
from django.utils.dates import MONTHS_3, WEEKDAYS_ABBR
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString
from django.utils.timezone import template_localtime  # type: ignore[attr-defined]  # not in django-stubs
from django.utils.translation import get_language
from jinja2 import ChainableUndefined, Environment, Undefined

from homeward.web.templatetags import homeward as tags


def url(name: str, *args: Any, **kwargs: Any) -> str:
    """``{% url name arg %}``: one reverse, as Django's tag does (no shortcut that could be wrong)."""
    return reverse(name, args=args or None, kwargs=kwargs or None)


# The formats the fragments use, each character one of these: formatted here rather than by
# DateFormat, which looks up every day and month name through gettext (about 35 of the 50 us
# a date took: My work prints some 450 dates, over 20 ms of its 140 ms). Any other format, or
# any value but an aware datetime, goes to Django's own filter. tests/web/test_jinja_fragments.py
# compares the two over every hour of a year, in English and in Welsh.
_FAST = frozenset("DjMHiYU")


@lru_cache(maxsize=64)
def _fast_format(fmt: str) -> bool:
    """Whether every letter of ``fmt`` is one this module formats (a backslash escape is not)."""
    return "\\" not in fmt and all(c in _FAST for c in fmt if c.isalpha())


@lru_cache(maxsize=8)
def _names(language: str | None) -> tuple[list[str], list[str]]:
    """The day and month abbreviations as DateFormat's D and M give them, in ``language`` (the
    active one, which is the cache's key)."""
    return [str(WEEKDAYS_ABBR[d]) for d in range(7)], [""] + [MONTHS_3[m].title() for m in range(1, 13)]


def date(value: Any, arg: str | None = None) -> str:
    """Django's ``date`` filter as its engine applies it: in the current time zone (Europe/London)."""
    if isinstance(value, Undefined):
        return ""  # Django's engine passes a missing value as "", which the filter prints as nothing
    local = template_localtime(value)
    if not (arg and isinstance(local, datetime) and local.tzinfo is not None and _fast_format(arg)):
        return str(defaultfilters.date(local, arg))
    days, months = _names(get_language())
    out = []
    for c in arg:
        if c == "D":
            out.append(days[local.weekday()])
        elif c == "j":
            out.append(str(local.day))
        elif c == "M":
            out.append(months[local.month])
        elif c == "H":
            out.append(f"{local.hour:02d}")
        elif c == "i":
            out.append(f"{local.minute:02d}")
        elif c == "Y":
            out.append(f"{local.year:04d}")
        elif c == "U":
            out.append(str(int(local.timestamp())))
        else:
            out.append(c)
    return "".join(out)


def _finalize(value: Any) -> Any:
    """What Django's engine does to a value it prints (template.base.render_value_in_context):
    the local time, localised, escaped with Django's escape unless marked safe."""
    if value.__class__ is str:
        # Most values are plain text, which neither the time zone nor localising changes: this is
        # django.utils.html.escape without its checks (some 2,600 values a My work).
        return SafeString(html.escape(value))
    return conditional_escape(localize(template_localtime(value)))


def environment(**options: Any) -> Environment:
    """The environment the Jinja2 backend builds (settings TEMPLATES, OPTIONS["environment"])."""
    # Like Django's engine, a missing value prints nothing and a lookup through it is still
    # nothing (``a.b.c`` with no ``b``), rather than a page that fails for one absent relation.
    options["undefined"] = ChainableUndefined
    options["autoescape"] = True
    env = Environment(**options, finalize=_finalize)
    env.globals.update(
        url=url,
        why_details=tags.why_details,
        risk_tag=tags.risk_tag,
        status_tag=tags.status_tag,
    )
    env.filters.update(
        date=date,
        pluralize=defaultfilters.pluralize,
        capfirst=defaultfilters.capfirst,
        urlencode=defaultfilters.urlencode,
        duty_label=tags.duty_label,
        falls_to=tags.falls_to,
        hours=tags.hours,
        late_by=tags.late_by,
        outcome_url=tags.outcome_url,
        get=tags.get,
    )
    return env
