"""The WSGI application gunicorn serves, with the garbage collector set for a long-lived server.

Every request makes a few hundred thousand short-lived objects; the modules, models, URLs and
templates loaded at start are about 165,000 more that live as long as the process. Python's
collector sweeps all of them again at each full collection: about 120 ms, on one request in
twenty, in-process on the benchmark's pages (the board, My work, a child's page: p95 of the
time a request spent collecting 110 ms). ``gc.freeze()`` after start moves what is loaded into a
generation the collector never sweeps, and a larger first generation makes fewer, still short,
collections: p95 2.7 ms, at most 7.5 ms (tools/bench/ANALYSIS.md, "Seventh session").
"""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "homeward.settings.base")
application = get_wsgi_application()


def _settle() -> None:
    """Import every view (the URLconf loads them lazily, at the first request), then freeze."""
    get_resolver().url_patterns  # noqa: B018 - read for its side effect: importing the views
    gc.collect()
    gc.freeze()
    # The young collected every 5,000 allocations, not Python's 700; the older two less often
    # too (20 and 100, not 10 and 10), as little of a request outlives it.
    gc.set_threshold(5_000, 20, 100)


_settle()
