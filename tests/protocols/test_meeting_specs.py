"""The packs' ``meetings`` sections: whom a meeting the protocol asks for invites, as data with
its citation (never in code), and what it must record."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from homeward.protocols.pack import PACKS_DIR, PackError, load_pack, load_pack_file


def test_west_mercia_intervention_meetings_must_include_police_representation() -> None:
    """West Mercia 14.3: "These meetings must include Police representation"."""
    spec = load_pack("west-mercia").meetings["intervention_meeting"]
    assert spec.police_required
    assert "14.3" in spec.cites
    assert "police_liaison" in spec.roles(1)


def test_west_mercia_the_seniority_of_those_attending_rises_with_the_level_of_concern() -> None:
    """West Mercia 14.5: "the increased levels of concern reflected in the seniority of those
    attending": level 3 adds the team manager (14.14), level 4 senior managers (14.18)."""
    spec = load_pack("west-mercia").meetings["intervention_meeting"]
    assert "team_manager" not in spec.roles(1)
    assert "team_manager" in spec.roles(3)
    assert "senior_manager" in spec.roles(4) and "senior_manager" not in spec.roles(3)


def test_wakefield_the_return_interview_worker_should_always_be_invited() -> None:
    """Wakefield s.8: "The worker who has undertaken the Return Interviews for the child should
    always be invited to attend"."""
    spec = load_pack("wakefield").meetings["strategy_meeting"]
    assert "return_interview_worker" in spec.invite and "s.8" in spec.cites


def test_greenwich_it_should_be_agreed_what_the_family_will_be_told_and_how_often() -> None:
    assert load_pack("greenwich").meetings["strategy_meeting"].family_told_required


def test_a_meetings_section_for_an_unknown_kind_of_duty_is_refused(tmp_path: Path) -> None:
    data = yaml.safe_load((PACKS_DIR / "wakefield.yaml").read_text())
    data["meetings"]["tea_party"] = {"invite": ["social_worker"], "cites": "nowhere"}
    path = tmp_path / "pack.yaml"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(PackError) as refused:
        load_pack_file(path)
    assert "meetings.tea_party: unknown kind 'tea_party'" in refused.value.problems
