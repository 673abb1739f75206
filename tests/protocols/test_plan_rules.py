"""A plan_update rule names the plans a new version of which meets it (the pack's ``plans``):
pack data, checked when the pack loads."""

from __future__ import annotations

import copy

import pytest
import yaml

from homeward.protocols.pack import PACKS_DIR, PackError, load_pack, validate_pack


def wakefield() -> dict:  # type: ignore[type-arg]
    return yaml.safe_load((PACKS_DIR / "wakefield.yaml").read_text(encoding="utf-8"))


def rule(data: dict, rule_id: str) -> dict:  # type: ignore[type-arg]
    return next(r for r in data["rules"] if r["id"] == rule_id)


def test_wakefield_wk11_the_find_me_plan_is_updated_after_the_return_home_interview() -> None:
    assert load_pack("wakefield").rule("wakefield/update-find-me-plan").plans == ["find_me"]


def test_practice_guidance_pg7_update_plans_names_the_safety_find_me_and_care_plans() -> None:
    plans = load_pack("practice-guidance").rule("practice-guidance/update-plans").plans
    assert plans == ["safety", "find_me", "care_plan_missing"]


def test_a_rule_naming_a_plan_homeward_does_not_keep_is_refused() -> None:
    data = copy.deepcopy(wakefield())
    rule(data, "wakefield/update-find-me-plan")["plans"] = ["find_me", "life_story"]
    with pytest.raises(PackError) as refused:
        validate_pack(data)
    assert any(
        "wakefield/update-find-me-plan: plans: unknown plan 'life_story'" in p for p in refused.value.problems
    )


def test_only_a_plan_update_rule_names_plans() -> None:
    data = copy.deepcopy(wakefield())
    rule(data, "wakefield/update-find-me-plan")["plans"] = []
    other = next(r for r in data["rules"] if r["kind"] == "return_interview")
    other["plans"] = ["safety"]
    with pytest.raises(PackError) as refused:
        validate_pack(data)
    assert (
        f"{other['id']}: plans: only a plan_update rule names the plans that meet it"
        in refused.value.problems
    )
    assert (
        "wakefield/update-find-me-plan: plans: name at least one plan, or leave plans out"
        in refused.value.problems
    )
