from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from homeward.accounts.models import Role
from homeward.notifications.models import Message


def _inbox_label(request: HttpRequest) -> str:
    unread = Message.objects.filter(recipient_id=request.user.pk, read_at__isnull=True).count()
    return f"Inbox ({unread} unread)" if unread else "Inbox"


def _allocates(request: HttpRequest) -> bool:
    return getattr(request.user, "role", "") in (Role.MISSING_COORDINATOR, Role.TEAM_MANAGER)


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
        # Those who allocate work to named people (a coordinator, a team manager).
        *([("Unallocated work", "/allocation/")] if _allocates(request) else []),
        (_inbox_label(request), "/inbox/"),
        ("Reports", "/reports/"),
    ]
    return {
        "nav": [
            {"text": text, "href": href, "current": path == href or (href != "/" and path.startswith(href))}
            for text, href in items
        ]
    }
