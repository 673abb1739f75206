"""When people are told: escalation steps, working hours, retry back-off, the digest day.

Plain Python over the protocol calendar, no Django, so every boundary (a due
time crossed, a bank holiday, the clocks going back) is tested without a
database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from homeward.protocols.calendar import from_local, is_working_day, local
from homeward.protocols.pack import Escalation

# Escalation steps, in the order an overdue obligation climbs them.
TEAM_MANAGER = 1
SERVICE_MANAGER = 2


@dataclass(frozen=True)
class WorkingHours:
    """An authority's office hours: weekdays that are not bank holidays, from ``starts`` to ``ends``.

    Outside them the emergency duty team answers (Wakefield s.3 and s.9 "EDT if
    out of hours"; SET guidance s.2.5 "Emergency Duty Service, if out of hours").
    """

    starts: time = time(9, 0)
    ends: time = time(17, 0)

    def covers(self, instant: datetime) -> bool:
        wall = local(instant)
        return is_working_day(wall.date()) and self.starts <= wall.time().replace(tzinfo=None) < self.ends


def office_reopens(instant: datetime, hours: WorkingHours) -> datetime:
    """The first instant after ``instant`` at which the office is open: where out-of-hours cover
    (and the duty team's part in the work) ends and the allocated team is back."""
    day = local(instant).date()
    while True:
        if is_working_day(day):
            opens = from_local(datetime.combine(day, hours.starts))
            if opens > instant:
                return opens
        day += timedelta(days=1)


def escalation_times(due_at: datetime, escalation: Escalation) -> tuple[datetime, datetime]:
    """When an obligation still open goes to the team manager, then to the service manager."""
    to_manager = escalation.manager_after.after(due_at)
    return to_manager, escalation.service_manager_after.after(to_manager)


def escalation_step(due_at: datetime | None, escalation: Escalation, now: datetime) -> int:
    """How far up the line an obligation still open at ``now`` has gone (0: not escalated)."""
    if due_at is None:
        return 0
    to_manager, to_service_manager = escalation_times(due_at, escalation)
    if now > to_service_manager:
        return SERVICE_MANAGER
    if now > to_manager:
        return TEAM_MANAGER
    return 0


def backoff(attempts: int, first: timedelta, longest: timedelta) -> timedelta:
    """The wait before the next try after ``attempts`` failures: doubling, never above ``longest``."""
    if attempts < 1:
        return timedelta(0)
    # Past 2**20 the cap has long been reached; stop the number growing.
    return min(first * (1 << min(attempts - 1, 20)), longest)


def digest_day(now: datetime, sends_at: time) -> date | None:
    """The day whose digest is due at ``now``: today once the local clock passes ``sends_at``."""
    wall = local(now)
    return wall.date() if wall.time().replace(tzinfo=None) >= sends_at else None


def digest_heading(due_at: datetime | None, now: datetime) -> str | None:
    """Where an outstanding obligation belongs in the digest: overdue, due today, or not in it."""
    if due_at is None:
        return None
    if due_at < now:
        return "overdue"
    if local(due_at).date() == local(now).date():
        return "due today"
    return None
