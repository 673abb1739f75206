"""A real SMTP server (aiosmtpd) on a free loopback port, recording what it accepts."""

from __future__ import annotations

import asyncio
import socket
import threading
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message as Email
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Inbox:
    """The handler: accepts and records every message, except that it can hold one.

    ``hold_at=n`` makes the n-th DATA wait without answering (``holding`` is set),
    as a slow server would, until ``release`` is set; the held message is then
    refused (451), so the server never accepted it.
    """

    hold_at: int | None = None
    # Refuse every recipient for good, as a server does for an address it does not know.
    refuse: bool = False
    received: list[Email] = field(default_factory=list)
    holding: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    seen: int = 0

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if self.refuse:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.seen += 1
        if self.hold_at is not None and self.seen == self.hold_at:
            self.holding.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            return "451 4.3.0 Not accepted, try again later"
        self.received.append(message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"

    def message_ids(self) -> list[str]:
        return [str(m["Message-ID"]) for m in self.received]


class MailServer:
    def __init__(self, port: int | None = None, hold_at: int | None = None, refuse: bool = False) -> None:
        self.port = port or free_port()
        self.inbox = Inbox(hold_at=hold_at, refuse=refuse)
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> MailServer:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.inbox.release.set()
        self.controller.stop()

    @property
    def received(self) -> list[Email]:
        return self.inbox.received
