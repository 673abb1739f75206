from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from homeward.notifications.models import Message

# The service navigation: each section, and the permission whose holders it is for
# (homeward.access.relationships, "sections"); the section's page asks the same.
SECTIONS: list[tuple[str, str, str | None]] = [
    ("Currently missing", "/", "episodes.view_board"),
    ("My work", "/my-work/", "obligations.view_my_work"),
    ("Children", "/children/", "children.list_children"),
    ("Overdue", "/overdue/", "obligations.view_overdue"),
    # Those who allocate work to named people (a coordinator, a team manager).
    ("Unallocated work", "/allocation/", "obligations.view_unallocated"),
    ("Inbox", "/inbox/", None),
    # The coordinator and managers who run MACE panels and organisational reviews.
    ("Panels", "/panels/", "meetings.add_panel"),
    ("Reports", "/reports/", "reports.view_reports"),
    # The privacy lead's review of emergency access (a permission given to named staff).
    ("Emergency access", "/emergency-access/", "children.review_emergency_access"),
]


def _inbox_label(request: HttpRequest) -> str:
    unread = Message.objects.filter(recipient_id=request.user.pk, read_at__isnull=True).count()
    return f"Inbox ({unread} unread)" if unread else "Inbox"


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The service navigation, marking the current section: only the sections this person can use."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": []}
    path = request.path
    items = [
        (_inbox_label(request) if href == "/inbox/" else text, href)
        for text, href, perm in SECTIONS
        if perm is None or user.has_perm(perm)
    ]
    return {
        "nav": [
            {"text": text, "href": href, "current": path == href or (href != "/" and path.startswith(href))}
            for text, href in items
        ]
    }
