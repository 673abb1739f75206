"""The header's search, over what the reader may see (``homeward.queries.search``)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from homeward.access.visible import visible_children, visible_episodes
from homeward.queries import search as finding
from homeward.web.views.common import login_required, me


@login_required
def search(request: HttpRequest) -> HttpResponse:
    user = me(request)
    query = request.GET.get("q", "")[: finding.QUERY_LIMIT]
    found = finding.search(children=visible_children(user), episodes=visible_episodes(user), query=query)
    return render(
        request,
        "web/search.html",
        {"query": query, "found": found, "limit": finding.RESULTS_LIMIT},
    )
