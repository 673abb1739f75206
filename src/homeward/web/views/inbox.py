"""Each person's inbox: what they have been told, newest first; read or unread."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.views.decorators.http import require_POST

from homeward.access.audit import record_denied
from homeward.accounts.models import User
from homeward.children.models import Child, WarningNotice
from homeward.episodes.models import Episode
from homeward.meetings.models import ActionState
from homeward.notifications.models import Kind, Message
from homeward.web.views.common import login_required, me

PAGE = 100


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    mine = Message.objects.filter(recipient=me(request))
    return render(
        request,
        "notifications/inbox.html",
        {
            "messages_list": [
                (item, work_now(item, me(request)))
                for item in mine.select_related(
                    "obligation",
                    "allocation__obligation__assignee",
                    "action__assignee",
                    "panel_action__assignee",
                )[:PAGE]
            ],
            "unread": mine.filter(read_at__isnull=True).count(),
            "total": mine.count(),
        },
    )


@login_required
def message(request: HttpRequest, pk: int) -> HttpResponse:
    # Someone else's message is indistinguishable from one that does not exist; a message
    # may name a child, so the attempt goes on the audit trail like any refused record.
    item = (
        Message.objects.filter(pk=pk, recipient=me(request))
        .select_related(
            "recipient",
            "obligation__episode",
            "obligation__child",
            "action",
            "panel_action",
            "invitation__arrangement",
        )
        .first()
    )
    if item is None:
        record_denied(request, Message, pk)
        raise Http404("No such message.")
    if request.method == "POST":
        Message.objects.filter(pk=item.pk, read_at__isnull=True).update(read_at=timezone.now())
        return redirect("inbox")
    return render(request, "notifications/message.html", {"item": item, "opens": _opens(item)})


def work_now(item: Message, user: User) -> str:
    """Where the work a message asked for stands now, for the inbox: a duty's or an action's state;
    empty for a message that only tells (an event, a digest, an invitation); "No longer applies"
    once what it was about is gone."""
    if item.allocation_id is not None:
        o = item.allocation.obligation if item.allocation else None
        if o is None:
            return "No longer applies"
        if o.outcome:
            return f"Closed: {o.get_outcome_display().lower()}"
        return "Outstanding" if o.assignee_id == user.pk else f"With {_name(o.assignee)}"
    if item.obligation is not None:
        o = item.obligation
        return f"Closed: {o.get_outcome_display().lower()}" if o.outcome else "Outstanding"
    # A meeting's or a panel's action: open (with its owner) or closed, as its own page says.
    action = item.action or item.panel_action
    if action is not None:
        if action.state != ActionState.OPEN:
            return f"Closed: {action.get_state_display().lower()}"
        return "Outstanding" if action.assignee_id == user.pk else f"With {action.who}"
    tells_only = item.event_id or item.invitation_id or item.warning_notice_id
    if tells_only or item.kind in (Kind.DIGEST, Kind.COMMISSIONED):
        return ""
    return "No longer applies"


def _name(person: User | None) -> str:
    return (person.get_full_name() if person is not None else "") or "someone else"


def _opens(item: Message) -> bool:
    """Whether the record the message links to still opens for its recipient: a duty the duty
    team was told of out of hours is the allocated team's again once the office opens, and the
    page says so rather than linking to a record that answers 404."""
    obligation = item.obligation
    if item.kind == Kind.DIGEST:
        return True
    # An action's page is for its owner and whoever holds the case (or runs the panels).
    if item.action is not None:
        return item.recipient.has_perm("meetings.change_action", item.action)
    if item.panel_action is not None:
        return item.recipient.has_perm("meetings.change_panelaction", item.panel_action)
    if item.invitation is not None:
        return item.recipient.has_perm("meetings.view_arrangement", item.invitation.arrangement)
    user = item.recipient
    if obligation is None:
        return _link_opens(item.link, user)
    if obligation.episode is not None:
        return user.has_perm("episodes.view_episode", obligation.episode)
    return user.has_perm("children.view_child", obligation.child)


def _link_opens(link: str, user: User) -> bool:
    """A message that carries no duty (news of a child, a commissioned interview, a warning
    notice's match) links to an episode, a child or a notice: it opens if that page would open
    for its recipient, by the same permissions the page itself asks."""
    try:
        match = resolve(urlsplit(link).path)
    except Resolver404:
        return False
    pk = match.kwargs.get("pk")
    if not isinstance(pk, int):
        return False
    if match.url_name == "episode":
        episode = Episode.objects.filter(pk=pk).first()
        return episode is not None and (
            user.has_perm("episodes.view_episode", episode)
            or user.has_perm("episodes.view_episode_as_host", episode)
        )
    if match.url_name == "child":
        child = Child.objects.filter(pk=pk).first()
        return child is not None and user.has_perm("children.view_child", child)
    if match.url_name == "warning_notice":
        notice = WarningNotice.objects.filter(pk=pk).first()
        return notice is not None and user.has_perm("children.view_warningnotice", notice)
    return False


@require_POST
@login_required
def mark_all_read(request: HttpRequest) -> HttpResponse:
    Message.objects.filter(recipient=me(request), read_at__isnull=True).update(read_at=timezone.now())
    return redirect("inbox")
