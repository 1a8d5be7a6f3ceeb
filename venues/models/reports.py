"""报告: what an owner reports to the town about a venue they hold — a change of operator or
of business, closing or reopening, planned works or hot work, a request for on-site guidance.
The venue's village staff accept it and act on it (venues.workflows.reports)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from venues.validators import validate_mobile


class ReportKind(models.TextChoices):
    OPERATOR = "operator", _("change of operator")
    BUSINESS = "business", _("change of business")
    CLOSING = "closing", _("closing the venue")
    REOPENING = "reopening", _("reopening the venue")
    WORKS = "works", _("repairs, installation or hot work")
    GUIDANCE = "guidance", _("request for on-site guidance")


# The reports whose acceptance changes the register (through venues.workflows.registration).
CHANGES_VENUE = {ReportKind.OPERATOR, ReportKind.BUSINESS, ReportKind.CLOSING, ReportKind.REOPENING}


class WorkType(models.TextChoices):
    REPAIR = "repair", _("repairs (维修)")
    INSTALL = "install", _("installation (安装)")
    HOT_WORK = "hot_work", _("hot work: welding, cutting, open flame (动火)")


class ReportStatus(models.TextChoices):
    SUBMITTED = "submitted", pgettext_lazy("owner report", "waiting for staff")
    ACCEPTED = "accepted", pgettext_lazy("owner report", "accepted, in hand")
    DONE = "done", pgettext_lazy("owner report", "answered")


class OwnerReport(models.Model):
    """One report. What each kind needs is checked by venues.owner_forms.ReportForm; staff
    accept it, then apply the change, book a visit or answer (venues.workflows.reports)."""

    wagtail_reference_index_ignore = True

    venue = models.ForeignKey(
        "venues.Venue", on_delete=models.CASCADE, related_name="owner_reports", verbose_name=_("venue"),
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="owner_reports",
        verbose_name=_("reported by"),
    )
    kind = models.CharField(_("what it reports"), max_length=20, choices=ReportKind.choices)
    details = models.TextField(_("details"), max_length=1000, blank=True)
    # A change of operator.
    new_operator_name = models.CharField(_("new operator"), max_length=50, blank=True)
    new_operator_mobile = models.CharField(
        _("new operator's mobile"), max_length=11, blank=True, validators=[validate_mobile],
    )
    # A change of business: the new main kind, if it changes.
    new_kind = models.ForeignKey(
        "venues.VenueKind", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("new kind"),
    )
    replaces_kind = models.BooleanField(_("instead of the current kind"), default=False)
    # Closing, reopening and works: from when (and works: until when).
    starts_on = models.DateField(_("from"), null=True, blank=True)
    ends_on = models.DateField(_("until"), null=True, blank=True)
    work_type = models.CharField(_("kind of work"), max_length=20, choices=WorkType.choices, blank=True)
    measures = models.TextField(_("safety measures"), max_length=1000, blank=True)

    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.SUBMITTED,
        db_index=True,
    )
    visit_on = models.DateField(_("visit booked for"), null=True, blank=True)
    answer = models.TextField(_("answer"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("reported"), auto_now_add=True, db_index=True)
    # Made when the form is shown: a double click or a resent form files it once.
    submission_id = models.UUIDField(unique=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("owner's report")
        verbose_name_plural = _("owners' reports")
        permissions = [("handle_ownerreport", _("Can handle owners' reports"))]

    def __str__(self):
        return str(_("%(kind)s at %(venue)s")) % {"kind": self.get_kind_display(), "venue": self.venue}

    @property
    def is_open(self):
        return self.status != ReportStatus.DONE


class ReportAction(models.TextChoices):
    FILED = "filed", pgettext_lazy("report event", "reported")
    ACCEPTED = "accepted", pgettext_lazy("report event", "accepted")
    VISIT = "visit", pgettext_lazy("report event", "visit booked")
    APPLIED = "applied", pgettext_lazy("report event", "register updated")
    ANSWERED = "answered", pgettext_lazy("report event", "answered")


class ReportEvent(models.Model):
    """The history of a report: filed, accepted, visit booked, change applied, answered."""

    wagtail_reference_index_ignore = True

    report = models.ForeignKey(OwnerReport, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("time"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
        verbose_name=_("by"),
    )
    action = models.CharField(_("action"), max_length=20, choices=ReportAction.choices)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("report event")
        verbose_name_plural = _("report events")

    def __str__(self):
        return f"{self.report}: {self.get_action_display()}"
