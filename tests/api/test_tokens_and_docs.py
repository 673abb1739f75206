"""Managing tokens (the command and the admin), and the schema and its docs (open, under our CSP)."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from homeward.accounts.models import Organisation
from homeward.api.models import ApiToken, digest
from tests.api.conftest import ApiClient, Partners
from tests.factories import UserFactory, sign_in


def create(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("api_token", "create", *args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue()


def test_the_command_prints_a_token_once_and_keeps_only_its_hash(partners: Partners) -> None:
    text, note = create(
        "--organisation", "West Mercia Police", "--name", "Athena", "--scopes", "report,grade"
    )
    assert text.startswith("hw_") and "shown once" in note
    token = ApiToken.objects.get(name="Athena")
    assert token.key_hash == digest(text) and token.scopes == ["report", "grade"]
    assert token.organisation.name == "West Mercia Police"
    assert not token.account.is_active and not token.account.has_usable_password()
    assert ApiClient(text).get("/api/v1/missing/").status_code == 403  # no 'read' scope
    listed = io.StringIO()
    call_command("api_token", "list", stdout=listed)
    line = next(row for row in listed.getvalue().splitlines() if "Athena" in row)
    assert text not in line and token.key_prefix in line and "report,grade" in line and "active" in line
    call_command("api_token", "revoke", str(token.pk), stdout=io.StringIO())
    assert ApiClient(text).get("/api/v1/missing/").status_code == 401


def test_the_command_names_the_option_that_is_wrong(partners: Partners) -> None:
    with pytest.raises(CommandError, match="--organisation: there is no organisation called 'Nowhere'"):
        create("--organisation", "Nowhere", "--name", "X", "--scopes", "read")
    with pytest.raises(CommandError, match="--scopes: unknown delete"):
        create("--organisation", "West Mercia Police", "--name", "X", "--scopes", "read,delete")
    with pytest.raises(CommandError, match="id: there is no token 9999"):
        call_command("api_token", "revoke", "9999")
    assert not ApiToken.objects.filter(name="X").exists()


def test_an_administrator_makes_a_token_in_the_admin_and_sees_it_once(partners: Partners) -> None:
    admin = UserFactory(username="admin", is_staff=True, is_superuser=True)
    client = sign_in(Client(), admin)
    force = Organisation.objects.get(name="West Mercia Police")
    response = client.post(
        "/admin/api/apitoken/add/",
        {"organisation": force.pk, "name": "Niche (admin)", "scopes": ["read", "report"]},
        follow=True,
    )
    assert response.status_code == 200
    shown = re.search(r"(hw_[A-Za-z0-9_-]{20,})", response.content.decode())
    assert shown, "the token is shown once after saving"
    token = ApiToken.objects.get(name="Niche (admin)")
    assert token.key_hash == digest(shown.group(1)) and token.scopes == ["read", "report"]
    assert ApiClient(shown.group(1)).get("/api/v1/missing/").status_code == 200
    client.post("/admin/api/apitoken/", {"action": "revoke", "_selected_action": [token.pk]})
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_the_schema_is_openapi_3_and_names_every_operation(db: None) -> None:
    response = Client().get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    operations = {op["operationId"] for path in schema["paths"].values() for op in path.values()}
    assert operations == {
        "report_episode",
        "import_episodes",
        "get_episode_profile",
        "get_episode",
        "grade_risk",
        "police_informed",
        "record_found",
        "reclassify",
        "get_child",
        "list_missing",
        "complete_obligation",
        "add_note",
        "add_safe_and_well_check",
    }
    assert schema["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"


def test_the_docs_load_our_own_files_under_the_content_security_policy(db: None) -> None:
    client = Client()
    page = client.get("/api/v1/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    policy = page["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    # Nothing inline (the policy would block it) and nothing from elsewhere.
    assert "<style" not in html and not re.search(r"<script>(?!</script>)", html)
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(s.startswith("/") for s in sources), sources
    for source in sources:
        assert client.get(source).status_code == 200, source
    script = next(s for s in sources if "script" in s and "docs" in s)
    assert "/api/v1/schema/" in client.get(script).content.decode()
