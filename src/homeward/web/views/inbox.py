"""Each person's inbox: what they have been told, newest first; read or unread."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from homeward.access.audit import record_denied
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
            "messages_list": mine.select_related("obligation", "allocation__obligation__assignee")[:PAGE],
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
        .select_related("recipient", "obligation__episode", "obligation__child")
        .first()
    )
    if item is None:
        record_denied(request, Message, pk)
        raise Http404("No such message.")
    if request.method == "POST":
        Message.objects.filter(pk=item.pk, read_at__isnull=True).update(read_at=timezone.now())
        return redirect("inbox")
    return render(request, "notifications/message.html", {"item": item, "opens": _opens(item)})


def _opens(item: Message) -> bool:
    """Whether the record the message links to still opens for its recipient: a duty the duty
    team was told of out of hours is the allocated team's again once the office opens, and the
    page says so rather than linking to a record that answers 404."""
    obligation = item.obligation
    if item.kind == Kind.DIGEST:
        return True
    if obligation is None:
        return False
    user = item.recipient
    if obligation.episode is not None:
        return user.has_perm("episodes.view_episode", obligation.episode)
    return user.has_perm("children.view_child", obligation.child)


@require_POST
@login_required
def mark_all_read(request: HttpRequest) -> HttpResponse:
    Message.objects.filter(recipient=me(request), read_at__isnull=True).update(read_at=timezone.now())
    return redirect("inbox")
