"""The README's curl example (a police system reports a child missing, grades the risk, records
its own reference and the child found), run exactly as written, with bash and curl, against a
live server: the README cannot go stale."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

from tests.api.server import live_server, run

ROOT = Path(__file__).resolve().parents[2]

SEED = """
import json
from datetime import date
from homeward.accounts.models import Organisation
from homeward.children.models import Child
force = Organisation.objects.create(name="West Mercia Police", kind="police_force")
council = Organisation.objects.create(name="Herefordshire Council", kind="local_authority", protocol="west-mercia", police_force=force)
for name in ("Naomi", "Jacqueline", "Frank"):
    Child.objects.create(responsible_authority=council, first_name=name, last_name="Example", date_of_birth=date(2011, 4, 2), looked_after=True)
print(json.dumps({"children": [c.reference for c in Child.objects.order_by("pk")]}))
"""

STATE = """
import json
from homeward.episodes.models import Episode
episode = Episode.objects.get()
print(json.dumps({
    "child": episode.child.reference, "version": episode.version, "risk": episode.risk_level,
    "police_reference": episode.police_reference, "found": episode.found_at is not None,
    "events": list(episode.events.values_list("type", flat=True)),
}))
"""


def readme_example() -> str:
    text = (ROOT / "README.md").read_text()
    block = re.search(r"<!-- api-example start -->\n```sh\n(.*?)```\n<!-- api-example end -->", text, re.S)
    assert block, "the README's API example is marked by <!-- api-example start/end -->"
    return block.group(1)


def test_the_readme_example_runs_as_written(tmp_path: Path) -> None:
    assert shutil.which("curl"), "curl is installed (make curl)"
    script = readme_example()
    assert "curl" in script and "api_token create" in script
    with live_server(tmp_path, SEED) as (server, seeded):
        assert "C3" in seeded["children"]
        done = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", script],
            cwd=ROOT,
            env={**server.env, "HOMEWARD_BASE_URL": server.base},
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
        state = json.loads(run(server.env, "shell", "-v", "0", "-c", STATE).strip().splitlines()[-1])
    assert state == {
        "child": "C3",
        "version": 4,
        "risk": "high",
        "police_reference": "MP/22/0417",
        "found": True,
        # The safe and well check answered with the find closes that duty (WM6, s.8.7).
        "events": ["reported", "risk_graded", "police_informed", "found", "completed"],
    }
    # Each step's answer was printed: the last, the episode ended.
    assert '"is_open":false' in done.stdout.replace(" ", "")
