"""The benchmark's look into one database (run with its DATABASE_URL; prints JSON).

``pick``: whom to sign in as and which records to open (chosen by rule, the same at
every size). ``verify``: after a crash, is every acknowledged report whole? ``counts``:
rows per table, to compare a restored copy. ``profile``: where one page's time goes.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from typing import Any


def setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "homeward.settings.base")
    import django

    django.setup()


def person(user: Any) -> dict[str, Any]:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    assert device is not None, f"{user.username} has no authenticator"
    return {"username": user.username, "key": device.key, "id": user.pk}


# Essex's carer reviews the risk every two hours while a child is away or missing (ES2): each
# report stores a row for each review to come, the most work a report asks of the write path.
WRITE_PACK = "essex"


def pick(load_people: int) -> dict[str, Any]:
    from django.db.models import Count, Q
    from django.utils import timezone

    from homeward.accounts.models import Organisation, Role, User
    from homeward.bench.generate import PASSWORD
    from homeward.children.models import Child
    from homeward.episodes.models import Episode, Event
    from homeward.obligations.models import Obligation

    now = timezone.now()
    councils = list(
        Organisation.objects.filter(kind="local_authority", people__username__contains="-coordinator")
        .annotate(n=Count("children", distinct=True))
        .order_by("n", "pk")
    )
    # The authority of median size is measured.
    measured = councils[len(councils) // 2]
    # Children are reported missing in another, of median size among those working to the pack
    # that makes the most duties of a report (WRITE_PACK), at every size: the "next one by size"
    # worked to Greenwich on the small database and to Essex on the large, and the writes' growth
    # measured the packs, not the size (308 duties stored a report against 36).
    working_to = [c for c in councils if c.protocol == WRITE_PACK and c.pk != measured.pk] or [
        c for c in councils if c.pk != measured.pk
    ]
    reporting = working_to[len(working_to) // 2] if working_to else measured
    coordinator = User.objects.get(organisation=measured, role=Role.MISSING_COORDINATOR)
    # The busiest social worker there: the longest "My work".
    worker = (
        User.objects.filter(organisation=measured, role=Role.SOCIAL_WORKER)
        .annotate(n=Count("obligations", filter=Q(obligations__outcome="", obligations__opens_at__lte=now)))
        .order_by("-n", "pk")
        .first()
    )
    assert worker is not None
    child = (
        Child.objects.filter(allocated_worker=worker)
        .annotate(n=Count("episodes"))
        .order_by("-n", "pk")
        .first()
    )
    assert child is not None
    reporter = User.objects.get(organisation=reporting, role=Role.MISSING_COORDINATOR)
    free = list(
        Child.objects.filter(responsible_authority=reporting)
        .exclude(episodes__found_at__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    # People for the load run: coordinators and busy social workers of other authorities.
    others = [c for c in councils if c.pk not in (measured.pk, reporting.pk)][: max(1, load_people // 2)]
    load = [
        {**person(User.objects.get(organisation=c, role=Role.MISSING_COORDINATOR)), "role": "coordinator"}
        for c in others
    ]
    for c in others:
        sw = User.objects.filter(organisation=c, role=Role.SOCIAL_WORKER, caseload__isnull=False).first()
        if sw is not None:
            kids = list(Child.objects.filter(allocated_worker=sw).values_list("pk", flat=True)[:5])
            load.append({**person(sw), "role": "social_worker", "children": kids})
    return {
        "password": PASSWORD,
        "authority": {"id": measured.pk, "name": measured.name, "children": measured.n},
        "coordinator": person(coordinator),
        "worker": {
            **person(worker),
            "outstanding": Obligation.objects.outstanding(now).filter(assignee=worker).count(),
        },
        "child": {"id": child.pk, "episodes": child.episodes.count(), "events": child.events.count()},
        "board": Episode.objects.filter(found_at__isnull=True, child__responsible_authority=measured).count(),
        "reporter": person(reporter),
        "reporting_authority": {"id": reporting.pk, "name": reporting.name, "protocol": reporting.protocol},
        "crash_reporter": person(User.objects.get(organisation=reporting, role=Role.MASH_OFFICER)),
        "report_children": free,
        "load": load,
        "stored": {
            "children": Child.objects.count(),
            "episodes": Episode.objects.count(),
            "events": Event.objects.count(),
            "obligations": Obligation.objects.count(),
            "outstanding": Obligation.objects.filter(outcome="").count(),
        },
    }


def verify(since: int, acknowledged: list[int]) -> dict[str, Any]:
    """Every acknowledged report present and whole; nothing half-written by anyone."""
    from django.db import transaction
    from django.utils import timezone

    # Here, not at the top of the module: it imports models, which only load after setup().
    from homeward.casework.evaluation import reevaluate
    from homeward.episodes.models import Episode, Event
    from homeward.obligations.models import Obligation

    present = set(Episode.objects.filter(pk__gt=since).values_list("pk", flat=True))
    missing = sorted(set(acknowledged) - present)
    reported = set(
        Event.objects.filter(type="reported", episode_id__in=present).values_list("episode_id", flat=True)
    )
    without_report = sorted(present - reported)
    children = list(
        Episode.objects.filter(pk__in=present).select_related("child", "child__responsible_authority")
    )
    without_obligations = sorted(
        e.pk
        for e in children
        if not Obligation.objects.filter(episode=e).exists()
        and Event.objects.filter(episode=e, type="reported").exists()
    )
    # The stored obligations are what the engine gives for the stored events: re-evaluate each
    # child now, compare, and roll back.
    disagree: list[int] = []
    fields = [f.attname for f in Obligation._meta.concrete_fields if f.attname != "id"]
    now = timezone.now()
    seen: set[int] = set()
    for episode in children:
        child = episode.child
        if child.pk in seen:
            continue
        seen.add(child.pk)
        rows = Obligation.objects.filter(child=child, episode__pk__gt=since)
        before = sorted(rows.filter(opens_at__lte=now).values_list(*fields))
        with transaction.atomic():
            reevaluate([child], now)
            after = sorted(rows.filter(opens_at__lte=now).values_list(*fields))
            transaction.set_rollback(True)
        if before != after:
            disagree.append(child.pk)
    return {
        "acknowledged": len(acknowledged),
        "present": len(present),
        "acknowledged_missing": missing,
        "committed_unacknowledged": len(present - set(acknowledged)),
        "episodes_without_report_event": without_report,
        "episodes_without_obligations": without_obligations,
        "children_whose_obligations_disagree": disagree,
        "whole": not (missing or without_report or without_obligations or disagree),
    }


def counts() -> dict[str, int]:
    from django.apps import apps

    return {
        m._meta.db_table: m._default_manager.count()
        for m in apps.get_models()
        if m._meta.app_label
        in ("accounts", "children", "episodes", "obligations", "interviews", "meetings", "otp_totp")
    }


def profile(username: str, path: str, repeat: int) -> dict[str, Any]:
    """One page in-process: total time, time in the database, queries, and the slowest query's plan."""
    from django.db import connection
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from homeward.accounts.models import User

    user = User.objects.get(username=username)
    client = Client(HTTP_X_FORWARDED_PROTO="https")
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    assert device is not None
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    client.get(path)  # warm: templates compiled, caches filled
    queries: list[tuple[float, str, Any]] = []

    def timed(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            queries.append((time.perf_counter() - started, sql, params))

    totals = []
    with connection.execute_wrapper(timed):
        for _ in range(repeat):
            queries.clear()
            started = time.perf_counter()
            response = client.get(path)
            totals.append(time.perf_counter() - started)
            assert response.status_code == 200, (path, response.status_code)
    ranked = sorted(queries, key=lambda q: -q[0])
    selects = [q for q in ranked if q[1].lstrip().upper().startswith("SELECT")]
    slowest = selects[0] if selects else ranked[0]
    plan: list[str] = []
    executed_ms, buffers = 0.0, 0
    if connection.vendor == "postgresql" and selects:
        with connection.cursor() as cursor:
            # Every SELECT of the page planned and run again: the server's own time and the pages
            # (buffers) it read, which a busy machine does not inflate the way it does the clock.
            for _, sql, params in selects:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql, params)
                (explained,) = cursor.fetchone()
                top = (json.loads(explained) if isinstance(explained, str) else explained)[0]
                executed_ms += float(top["Execution Time"])
                buffers += int(top["Plan"].get("Shared Hit Blocks", 0)) + int(
                    top["Plan"].get("Shared Read Blocks", 0)
                )
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + slowest[1], slowest[2])
            plan = [row[0] for row in cursor.fetchall()]
    totals.sort()
    return {
        "path": path,
        "median_ms": round(totals[len(totals) // 2] * 1000, 1),
        "queries": len(queries),
        "database_ms": round(sum(q[0] for q in queries) * 1000, 1),
        "top": [[round(q[0] * 1000, 1), q[1][:160]] for q in ranked[:5]],
        "slowest_ms": round(slowest[0] * 1000, 1),
        "executed_ms": round(executed_ms, 1),
        "buffers": buffers,
        "slowest_sql": slowest[1][:600],
        "plan": plan[:25],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m homeward.bench.dbtool")
    commands = parser.add_subparsers(dest="command", required=True)
    p = commands.add_parser("pick")
    p.add_argument("--load-people", type=int, default=10)
    v = commands.add_parser("verify")
    v.add_argument("--since", type=int, required=True)
    v.add_argument("--acknowledged", required=True, help="JSON file: a list of episode ids")
    commands.add_parser("counts")
    commands.add_parser("last-episode")
    f = commands.add_parser("profile")
    f.add_argument("--username", required=True)
    f.add_argument("--path", required=True)
    f.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    setup()
    result: Any
    if args.command == "pick":
        result = pick(args.load_people)
    elif args.command == "verify":
        with open(args.acknowledged) as handle:
            result = verify(args.since, json.load(handle))
    elif args.command == "counts":
        result = counts()
    elif args.command == "last-episode":
        from django.db.models import Max

        from homeward.episodes.models import Episode

        result = Episode.objects.aggregate(m=Max("pk"))["m"] or 0
    else:
        result = profile(args.username, args.path, args.repeat)
    json.dump(result, sys.stdout, default=str)
    return 0


if __name__ == "__main__":
    sys.exit(main())
