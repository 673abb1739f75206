"""The server process as gunicorn starts it (``homeward.wsgi``): what is loaded at start is frozen
out of the garbage collector's sweeps, and young objects are collected less often."""

from __future__ import annotations

import json
import os
import subprocess
import sys


def test_the_wsgi_module_freezes_what_it_loaded_and_raises_the_first_threshold() -> None:
    probe = (
        "import gc, json, sys; import homeward.wsgi; "
        "print(json.dumps({'frozen': gc.get_freeze_count(), 'threshold': gc.get_threshold(), "
        "'views': 'homeward.web.views.work' in sys.modules}))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "homeward.settings.base"}
    done = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True, timeout=120
    )
    found = json.loads(done.stdout.strip().splitlines()[-1])
    # Django, the models and every view: far more than the interpreter's own start-up objects.
    assert found["frozen"] > 50_000
    assert found["threshold"] == [5_000, 20, 100]
    # The views were imported before the freeze, not at the first request.
    assert found["views"] is True
