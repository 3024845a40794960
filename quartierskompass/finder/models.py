"""The Hilfelotse's anonymous search log: what was looked for and whether anything fitted.

It stores no free text, no notes and nothing about the person seeking help – only the codes of
the needs and target groups, the area, the number of results and whether one was picked. From
searches without a fitting result come the Fall-zum-Feld signals.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SearchLog(models.Model):
    project = models.ForeignKey(
        "accounts.Project",
        on_delete=models.CASCADE,
        related_name="searches",
        verbose_name=_("project"),
    )
    # The day only: a time of day could help to recognise a person at a counselling hour.
    date = models.DateField(_("date"), default=timezone.localdate, db_index=True)
    needs = models.JSONField(_("needs (codes)"), default=list, blank=True)
    target_groups = models.JSONField(_("target groups (codes)"), default=list, blank=True)
    area = models.ForeignKey(
        "areas.Area",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("area"),
    )
    results = models.PositiveIntegerField(_("fitting results"))
    picked = models.BooleanField(_("a result was picked"), default=False)

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("anonymous search")
        verbose_name_plural = _("anonymous searches")
        indexes = [models.Index(fields=["project", "date"], name="searchlog_project_date")]

    def __str__(self) -> str:
        return f"{self.date} {','.join(self.needs)}: {self.results}"
