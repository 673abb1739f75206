"""/api/v1/: the partner API (namespace ``api``), its OpenAPI schema and its documentation."""

from __future__ import annotations

from django.urls import URLPattern, path
from drf_spectacular.views import SpectacularAPIView

from homeward.api import views
from homeward.api.docs import Docs

app_name = "api"

urlpatterns: list[URLPattern] = [
    path("episodes/", views.ReportEpisode.as_view(), name="episode-list"),
    path("episodes/<int:pk>/", views.EpisodeDetail.as_view(), name="episode-detail"),
    path("episodes/<int:pk>/risk-grading/", views.GradeRisk.as_view(), name="episode-grade-risk"),
    path(
        "episodes/<int:pk>/police-informed/", views.PoliceInformed.as_view(), name="episode-police-informed"
    ),
    path("episodes/<int:pk>/found/", views.Found.as_view(), name="episode-found"),
    path("episodes/<int:pk>/reclassification/", views.Reclassify.as_view(), name="episode-reclassify"),
    path("children/<str:reference>/", views.ChildDetail.as_view(), name="child-detail"),
    path("missing/", views.Missing.as_view(), name="missing"),
    path("obligations/<int:pk>/completion/", views.CompleteObligation.as_view(), name="obligation-complete"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", Docs.as_view(url_name="api:schema"), name="docs"),
]
