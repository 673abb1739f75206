"""/api/v1/: the partner API (namespace ``api``), its OpenAPI schema and its documentation."""

from __future__ import annotations

from django.urls import URLPattern, path, register_converter
from drf_spectacular.views import SpectacularAPIView

from homeward.api import views
from homeward.api.docs import Docs

app_name = "api"


class RecordId:
    """A record's id: at most 18 digits, so a fuzzed 40-digit id is "not found", not an overflow."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(RecordId, "id")

urlpatterns: list[URLPattern] = [
    path("episodes/", views.ReportEpisode.as_view(), name="episode-list"),
    path("episodes/import/", views.ImportEpisodes.as_view(), name="episode-import"),
    path("episodes/<id:pk>/", views.EpisodeDetail.as_view(), name="episode-detail"),
    path("episodes/<id:pk>/profile/", views.EpisodeProfile.as_view(), name="episode-profile"),
    path("episodes/<id:pk>/risk-grading/", views.GradeRisk.as_view(), name="episode-grade-risk"),
    path("episodes/<id:pk>/police-informed/", views.PoliceInformed.as_view(), name="episode-police-informed"),
    path("episodes/<id:pk>/found/", views.Found.as_view(), name="episode-found"),
    path("episodes/<id:pk>/reclassification/", views.Reclassify.as_view(), name="episode-reclassify"),
    path("episodes/<id:pk>/notes/", views.AddNote.as_view(), name="episode-notes"),
    path(
        "episodes/<id:pk>/safe-and-well-checks/",
        views.AddSafeAndWellCheck.as_view(),
        name="episode-safe-and-well-checks",
    ),
    path("children/<str:reference>/", views.ChildDetail.as_view(), name="child-detail"),
    path("missing/", views.Missing.as_view(), name="missing"),
    path("obligations/<id:pk>/completion/", views.CompleteObligation.as_view(), name="obligation-complete"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", Docs.as_view(url_name="api:schema"), name="docs"),
]
