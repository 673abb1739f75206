from tests.protocols.timelines import child, found, obligations, one, reported


def test_wakefield_return_interview_opens_when_return_is_notified() -> None:
    result = obligations(
        "wakefield",
        [child(looked_after=True)],
        [
            reported("2026-03-01 20:30", last_seen="2026-03-01 19:00"),
            found("2026-03-04 10:00", notified_at="2026-03-04 11:00"),
        ],
        as_of="2026-03-05 12:00",
    )
    ri = one(result, kind="return_interview")
    assert ri.opens_at.isoformat() == "2026-03-04T11:00:00+00:00"
    assert ri.due_at is not None and ri.due_at.isoformat() == "2026-03-07T11:00:00+00:00"
