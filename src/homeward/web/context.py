from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The service navigation, marking the current section."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {"nav": []}
    path = request.path
    items = [
        ("Currently missing", "/"),
        ("My work", "/my-work/"),
        ("Children", "/children/"),
        ("Overdue", "/overdue/"),
        ("Reports", "/reports/"),
    ]
    return {
        "nav": [
            {"text": text, "href": href, "current": path == href or (href != "/" and path.startswith(href))}
            for text, href in items
        ]
    }
