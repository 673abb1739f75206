"""How long, in the words the worklists and the messages both use: '2d 4h', '3h 20m'."""

from __future__ import annotations


def span(minutes: int) -> str:
    """Days and hours from a day on, hours and minutes below it."""
    days, rest = divmod(minutes, 24 * 60)
    return f"{days}d {rest // 60}h" if days else f"{rest // 60}h {rest % 60}m"
