"""Radios with a hint under each choice (GOV.UK Design System: radio items with hints)."""

from __future__ import annotations

from typing import Any

from django import forms


class RadioSelect(forms.RadioSelect):
    """``hints`` maps a choice's value to the hint shown under it (``govuk/field.html``). Named as
    Django's own, so that its ``widget_type`` (from the class name) is still ``radioselect``."""

    def __init__(self, *args: Any, hints: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.hints = hints

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(*args, **kwargs)
        hint = self.hints.get(str(option["value"]), "")
        option["hint"] = hint
        if hint and option["attrs"].get("id"):
            option["attrs"]["aria-describedby"] = f"{option['attrs']['id']}-item-hint"
        return option
