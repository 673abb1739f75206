from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from homeward.notifications.models import Message


def _inbox_label(request: HttpRequest) -> str:
    unread = Message.objects.filter(recipient_id=request.user.pk, read_at__isnull=True).count()
    return f"Inbox ({unread} unread)" if unread else "Inbox"


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
        (_inbox_label(request), "/inbox/"),
        ("Reports", "/reports/"),
    ]
    return {
        "nav": [
            {"text": text, "href": href, "current": path == href or (href != "/" and path.startswith(href))}
            for text, href in items
        ]
    }
