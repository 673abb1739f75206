"""Swagger UI from drf-spectacular-sidecar's files, served by us: it loads under our Content
Security Policy (own scripts and styles only), with its start-up script as a file, not inline."""

from __future__ import annotations

from drf_spectacular.views import SpectacularSwaggerSplitView


class Docs(SpectacularSwaggerSplitView):
    template_name = "api/swagger_ui.html"
    title = "Homeward partner API"
