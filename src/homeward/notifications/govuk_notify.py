"""An e-mail backend that sends through GOV.UK Notify's REST API instead of SMTP.

Select it with ``HOMEWARD_EMAIL_BACKEND=notify``. Notify sends from a
template: make one whose subject is ``((subject))`` and whose body is
``((body))`` and set its id in ``HOMEWARD_NOTIFY_TEMPLATE_ID``, with the
service's API key in ``HOMEWARD_NOTIFY_API_KEY``. The message's Message-ID is
sent as Notify's ``reference``, so a resend after a crash can be matched.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from notifications_python_client.notifications import NotificationsAPIClient


class NotifyEmailBackend(BaseEmailBackend):
    def __init__(self, fail_silently: bool = False, **kwargs: Any) -> None:
        super().__init__(fail_silently=fail_silently)
        self.api_key: str = kwargs.get("api_key") or settings.HOMEWARD_NOTIFY_API_KEY
        self.template_id: str = kwargs.get("template_id") or settings.HOMEWARD_NOTIFY_TEMPLATE_ID
        self.base_url: str = kwargs.get("base_url") or settings.HOMEWARD_NOTIFY_BASE_URL
        if not self.api_key:
            raise ImproperlyConfigured("HOMEWARD_NOTIFY_API_KEY: required for the Notify e-mail backend")
        if not self.template_id:
            raise ImproperlyConfigured("HOMEWARD_NOTIFY_TEMPLATE_ID: required for the Notify e-mail backend")
        self.client: NotificationsAPIClient | None = None

    def open(self) -> bool:
        if self.client is not None:
            return False
        self.client = NotificationsAPIClient(  # type: ignore[no-untyped-call]
            self.api_key, base_url=self.base_url, timeout=settings.EMAIL_TIMEOUT
        )
        return True

    def close(self) -> None:
        self.client = None

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        self.open()
        assert self.client is not None
        sent = 0
        for message in email_messages:
            try:
                for address in message.recipients():
                    self.client.send_email_notification(  # type: ignore[no-untyped-call]
                        email_address=address,
                        template_id=self.template_id,
                        personalisation={"subject": message.subject, "body": message.body},
                        reference=message.extra_headers.get("Message-ID"),
                    )
            except Exception:
                if not self.fail_silently:
                    raise
                continue
            sent += 1
        return sent
