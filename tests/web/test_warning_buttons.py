"""GOV.UK Design System: a warning (red) button is for an action that destroys or cannot be undone,
never to make an ordinary next step look urgent (issue 15). Reporting a child missing and saying
the police were told are the service's everyday work, in the standard button."""

from __future__ import annotations

import re
from pathlib import Path

import homeward

TEMPLATES = Path(homeward.__file__).parent
DESTRUCTIVE = ("Withdraw", "Delete", "Remove", "Revoke", "Restrict")
WARNING = re.compile(r'class="govuk-button govuk-button--warning"[^>]*>([^<{]*)')


def test_warning_buttons_only_for_destructive_actions() -> None:
    labels = [
        (path.name, label.strip())
        for path in TEMPLATES.rglob("*.html")
        for label in WARNING.findall(path.read_text(encoding="utf-8"))
    ]
    assert ("detail.html", "Withdraw this report") in labels
    assert [(name, label) for name, label in labels if not label.startswith(DESTRUCTIVE)] == []
