"""``Authorization: Bearer <token>``: the partner system's token, looked up by its hash."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from homeward.accounts.models import User
from homeward.api.models import ApiToken, digest

# Last use is for people reviewing tokens, not a log: a write a minute is enough.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        keyword, _, text = header.partition(" ")
        if keyword.lower() != self.keyword.lower():
            return None
        text = text.strip()
        if not text or " " in text:
            raise exceptions.AuthenticationFailed("Send the token as 'Authorization: Bearer <token>'.")
        token = (
            ApiToken.objects.select_related("organisation", "account").filter(key_hash=digest(text)).first()
        )
        if token is None:
            raise exceptions.AuthenticationFailed("This token is not known.")
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed("This token has been revoked.")
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        return token.account, token

    def authenticate_header(self, request: Request) -> str:
        # Makes a missing or bad token a 401 (with this challenge), not a 403.
        return f'{self.keyword} realm="homeward"'
