from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register

from homeward.protocols.pack import PackError, load_pack


@register()
def protocol_pack_loads(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """An unknown or broken default protocol must stop the service starting, not surface mid-episode."""
    try:
        load_pack(settings.HOMEWARD_PROTOCOL)
    except PackError as exc:
        return [Error(f"HOMEWARD_PROTOCOL: {exc}", id="homeward.E001")]
    return []
