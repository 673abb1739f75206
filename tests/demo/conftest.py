"""The demo data set (`homeward demo_data`, what `make run` shows), built once for every test here.

Building it runs the whole write path for every demo child, which takes one to four minutes, so
the modules that read it share one build: this package's fixture, in a transaction rolled back
after the package's last test. Each test's own transaction nests inside it, so every test sees
a clean copy. `tests/conftest.py` deals the whole package to one test worker for the same reason.
"""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction


@pytest.fixture(scope="package")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[str]:
    """What `demo_data` printed (its users and their password)."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            out = StringIO()
            call_command("demo_data", stdout=out)
            yield out.getvalue()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
