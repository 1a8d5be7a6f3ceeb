"""The staff to-do list: what waits for this person, within their scope. Counted from the
records themselves: what is escalated comes first (overdue hazards, for the town emergency
office the major hazards not yet closed, and venues whose self-check is overdue); then
registrations and correction requests to answer, self-checks to review and fixes to re-check.

Over a whole district the counts read tens of thousands of rows, so they are kept in the cache
per person and day (``kept``, also used by the hazard list's counts per village), with a
generation (portal.generations) that any change to a venue, self-check, hazard, correction
request, area or person's scope moves on: a count is never older than the last change
(``TODO_CACHE_SECONDS`` bounds changes made without signals, such as bulk updates)."""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail.admin.ui.components import Component

from portal.generations import Generation

from . import schedule
from .access import corrections_for, is_staff_member, public_reports_for, scope_q, venues_for
from .models import (
    CorrectionStatus,
    Hazard,
    HazardStatus,
    OwnerReport,
    PublicReportStatus,
    ReportStatus,
    SelfCheck,
    SelfCheckStatus,
    Severity,
    VenueStatus,
)
from .workflows import tasks

GENERATION = Generation("todo:generation")


@dataclass
class Item:
    label: str
    count: int
    url: str


def todo_items(user):
    """What waits for ``user``, escalations first."""
    may = _may(user)
    counts = _cached_counts(user, may)
    venues, selfchecks, hazards, tasks = (reverse(name) for name in (
        "venues_venue_modeladmin_index", "venues_selfcheck_index", "venues_hazard_index",
        "venues_task_index"))
    escalated, waiting = [], []
    if may["hazards"]:
        escalated.append(Item(_("Overdue hazards"), counts["overdue"], f"{hazards}?overdue=yes"))
        if may["town"]:
            escalated.append(Item(_("Major hazards not yet closed in the town"), counts["major"],
                                  f"{hazards}?major=yes"))
    if may["venues"]:
        escalated.append(Item(_("Venues whose self-check is overdue"), counts["selfcheck_overdue"],
                              f"{venues}?selfcheck=overdue"))
    if may["tasks"]:
        escalated.append(Item(_("Your overdue tasks"), counts["tasks_mine_overdue"], f"{tasks}?overdue=yes"))
        if "tasks_overdue" in counts:
            escalated.append(Item(_("Overdue tasks you follow"), counts["tasks_overdue"],
                                  f"{tasks}?overdue=yes&show=all"))
    if may["review_venues"]:
        waiting += [
            Item(_("New registrations to review"), counts["new"], f"{venues}?status=submitted"),
            Item(_("Resubmitted registrations to review"), counts["again"], f"{venues}?status=resubmitted"),
            Item(_("Owners' requests to correct their data"), counts["corrections"],
                 reverse("venues_correction_index")),
        ]
    if may["reports"]:
        waiting.append(Item(_("Owners' reports to handle"), counts["reports"],
                            reverse("venues_report_index")))
    if may["public_reports"]:
        waiting.append(Item(_("Public hazard reports to handle"), counts["public_reports"],
                            f"{reverse('venues_public_report_index')}?status={PublicReportStatus.RECEIVED}"))
    if may["tasks"]:
        waiting.append(Item(_("Tasks given to you, not yet done"), counts["tasks_mine"], tasks))
    if may["review_selfchecks"]:
        waiting.append(Item(_("Self-checks awaiting review"), counts["selfchecks"],
                            f"{selfchecks}?status=submitted"))
    if may["hazards"] and may["verify"]:
        waiting.append(Item(_("Fixes awaiting your re-check"), counts["rectified"],
                            f"{hazards}?status=rectified"))
    return escalated + waiting


def _may(user):
    return {
        "venues": user.has_perm("venues.view_venue") or user.has_perm("venues.review_venue"),
        "review_venues": user.has_perm("venues.review_venue"),
        "review_selfchecks": user.has_perm("venues.review_selfcheck"),
        "hazards": user.has_perm("venues.view_hazard"),
        "verify": user.has_perm("venues.verify_hazard"),
        "town": is_town_office(user),
        "reports": user.has_perm("venues.handle_ownerreport"),
        "public_reports": user.has_perm("venues.handle_publicreport"),
        "tasks": is_staff_member(user),
    }


def _cached_counts(user, may):
    today = timezone.localdate()
    return kept(user, "todo", lambda: count(user, may, today))


def kept(user, name, compute):
    """``compute()``, counts over ``user``'s scope, kept in the cache for as long as nothing
    they count has changed (this module's generation), for the day, and at most
    TODO_CACHE_SECONDS. The key names the person, what they may do and whether they are a
    superuser, so that a new role or permission counts anew."""
    seconds = getattr(settings, "TODO_CACHE_SECONDS", 0)
    if not seconds:
        return compute()
    # A superuser may do everything (and has_perm never loads their permissions: don't).
    rights = "all" if user.is_superuser else hashlib.sha256(
        ",".join(sorted(user.get_all_permissions())).encode()).hexdigest()[:16]
    key = f"{name}:{user.pk}:{int(user.is_superuser)}:{rights}:{timezone.localdate().isoformat()}"
    return GENERATION.kept(key, compute, timeout=seconds)


def hazard_counts(today):
    """The counts of hazards that staff see, as aggregates."""
    return {
        "open": Count("pk", filter=Q(status=HazardStatus.OPEN)),
        "overdue": Count("pk", filter=Hazard.overdue_q(today)),
        "major": Count("pk", filter=Q(severity=Severity.MAJOR) & ~Q(status=HazardStatus.CLOSED)),
        "rectified": Count("pk", filter=Q(status=HazardStatus.RECTIFIED)),
    }


def count(user, may, today):
    """Every count ``user`` may see: one query for each kind of row counted, and the person's
    areas for each."""
    counts = {}
    in_scope = scope_q(user, "venue__")  # on each row's venue: the database starts from the rows
    if in_scope is None:  # no venues: every count is nought
        in_scope = Q(pk__in=[])
    if may["review_selfchecks"]:
        counts["selfchecks"] = SelfCheck.objects.filter(in_scope, status=SelfCheckStatus.SUBMITTED).count()
    if may["hazards"]:
        # Closed hazards never count: only the others are read (the index on status).
        counts.update(Hazard.objects.filter(in_scope).exclude(status=HazardStatus.CLOSED)
                      .aggregate(**hazard_counts(today)))
    if may["venues"]:
        # Only the rows that can count, by the indexes on status and on the due date.
        to_count = Q(status__in=[VenueStatus.SUBMITTED, VenueStatus.RESUBMITTED]) | schedule.overdue_q(today)
        counts.update(venues_for(user).filter(to_count).aggregate(
            new=Count("pk", filter=Q(status=VenueStatus.SUBMITTED)),
            again=Count("pk", filter=Q(status=VenueStatus.RESUBMITTED)),
            selfcheck_overdue=Count("pk", filter=schedule.overdue_q(today)),
        ))
    if may["reports"]:
        counts["reports"] = OwnerReport.objects.filter(in_scope).exclude(status=ReportStatus.DONE).count()
    if may["public_reports"]:
        counts["public_reports"] = public_reports_for(user).filter(status=PublicReportStatus.RECEIVED).count()
    if may["tasks"]:
        counts.update(tasks.todo_counts(user, today))
    if may["review_venues"]:
        counts["corrections"] = corrections_for(user).filter(status=CorrectionStatus.OPEN).count()
    return counts


def is_town_office(user):
    """The town emergency office (or a superuser): major hazards reach its list at once."""
    profile = getattr(user, "staff_profile", None)
    return user.is_superuser or bool(profile and profile.office_id and profile.office.is_town_office)


# The fields the counts read, by model: a save that names only other fields (an owner's draft
# step, a photo, a name) keeps the counts.
COUNTED_FIELDS = {
    "venue": {"status", "selfcheck_due_on", "area", "kind", "owner"},
    "selfcheck": {"status", "venue"},
    "hazard": {"status", "deadline", "severity", "venue"},
    "correctionrequest": {"status", "venue", "requester"},
    "ownerreport": {"status", "venue"},
    "publicreport": {"status", "area"},
    "task": {"due_on", "closed_at"},
    "taskassignment": {"status"},
}


def _on_save(sender, update_fields=None, **kwargs):
    counted = COUNTED_FIELDS.get(sender._meta.model_name)
    if update_fields is not None and counted is not None:
        names = {sender._meta.get_field(name).name for name in update_fields}  # area_id → area
        if not names & counted:
            return
    GENERATION.bump_now_and_on_commit()


def _on_change(sender, **kwargs):
    GENERATION.bump_now_and_on_commit()


def connect_signals():
    """Any change to what the counts read, or to whose scope holds what, starts a new
    generation. Connected per model, with their many-to-many links."""
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from .models import (
        Area,
        CorrectionRequest,
        Office,
        PublicReport,
        StaffProfile,
        Task,
        TaskAssignment,
        Venue,
    )

    for model in (Venue, SelfCheck, Hazard, CorrectionRequest, OwnerReport, PublicReport, Task,
                  TaskAssignment, Area, Office, StaffProfile):
        label = model._meta.label_lower
        post_save.connect(_on_save, sender=model, dispatch_uid=f"venues.todo.save.{label}")
        post_delete.connect(_on_change, sender=model, dispatch_uid=f"venues.todo.delete.{label}")
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            m2m_changed.connect(_on_change, sender=through,
                                dispatch_uid=f"venues.todo.m2m.{through._meta.label_lower}")


class TodoPanel(Component):
    """The dashboard's to-do panel for staff."""

    name = "venues_todo"
    order = 50
    template_name = "venues/admin/todo_panel.html"

    def __init__(self, items):
        self.items = items  # todo_items(), counted once per page

    def get_context_data(self, parent_context):
        return {"items": self.items, "nothing": not any(item.count for item in self.items)}
