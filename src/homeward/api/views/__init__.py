"""The partner API's views, one module per resource (episodes, children, obligations, imports)."""

from homeward.api.views.children import ChildDetail, Missing
from homeward.api.views.episodes import (
    EpisodeDetail,
    Found,
    GradeRisk,
    PoliceInformed,
    Reclassify,
    ReportEpisode,
)
from homeward.api.views.imports import ImportEpisodes
from homeward.api.views.notes import AddNote
from homeward.api.views.obligations import CompleteObligation
from homeward.api.views.profile import EpisodeProfile
from homeward.api.views.records import AddSafeAndWellCheck

__all__ = [
    "AddNote",
    "AddSafeAndWellCheck",
    "ChildDetail",
    "CompleteObligation",
    "EpisodeDetail",
    "EpisodeProfile",
    "Found",
    "GradeRisk",
    "ImportEpisodes",
    "Missing",
    "PoliceInformed",
    "Reclassify",
    "ReportEpisode",
]
