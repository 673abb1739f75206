"""The health check a load balancer (and the benchmark) asks: is this process serving requests?"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@require_safe
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    # Deliberately no database query: a slow or failing database shows on the pages, and a
    # balancer that took every web process out of service for it would turn a slow database into
    # no service at all. The benchmark uses this as its baseline: Django, its middleware and
    # gunicorn, and nothing of Homeward's own work.
    return HttpResponse("ok\n", content_type="text/plain")
