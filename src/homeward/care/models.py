"""What the council's own system holds about a looked-after child's episodes of care.

The SSDA903 Episodes table needs facts Homeward does not record as the work is done: the legal
status and category of need of each episode of care, the child's home postcode, the placement's
postcode and its Ofsted unique reference number. The council's case management system holds
them; its extract (CSV, in the 903's own column names) is imported into these rows
(``casework.care``), and the 903 builder reads them (``reports.ssda903``). Each row is the
council's record from the day it names: it holds until the child's next row.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from homeward.children.models import Child, LegalStatus


class CategoryOfNeed(models.TextChoices):
    # The DfE's SSDA903 category of need codes (CIN).
    N1 = "N1", "N1 Abuse or neglect"
    N2 = "N2", "N2 Child's disability"
    N3 = "N3", "N3 Parental illness or disability"
    N4 = "N4", "N4 Family in acute stress"
    N5 = "N5", "N5 Family dysfunction"
    N6 = "N6", "N6 Socially unacceptable behaviour"
    N7 = "N7", "N7 Low income"
    N8 = "N8", "N8 Absent parenting"


class CouncilEpisode(models.Model):
    """The council's record of a child's episode of care from ``starts_on`` (the 903's DECOM)."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="council_episodes")
    starts_on = models.DateField("Date episode commenced")
    legal_status = models.CharField(max_length=2, choices=LegalStatus.choices)
    category_of_need = models.CharField(max_length=2, choices=CategoryOfNeed.choices)
    home_postcode = models.CharField("Home postcode", max_length=8, blank=True)
    placement_postcode = models.CharField("Placement postcode", max_length=8, blank=True)
    urn = models.CharField("Ofsted unique reference number", max_length=8, blank=True)
    source = models.CharField("Imported from", max_length=200, blank=True)
    imported_at = models.DateTimeField()
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["child", "starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["child", "starts_on"], name="council_episode_once_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.child} from {self.starts_on:%d/%m/%Y}: {self.legal_status} {self.category_of_need}"


# The facts an import compares to decide whether a row changes anything.
FACTS = ("legal_status", "category_of_need", "home_postcode", "placement_postcode", "urn")
