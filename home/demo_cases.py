"""Demo refusals and serious cases at each step of the procedure, so a fresh ``make run`` shows
them. (Issue 12, part B.) Made through the workflows (venues.workflows.cases) as people would,
then dated back (as home.demo_history does); all names and texts are invented (示例).

On the demo owner's approved venues other than the main one (home.demo_selfchecks.FIRST_VENUE):

- two refusals to cooperate on one venue (five and three weeks ago), and a case on it notified
  four days ago, still within its objection period, which the owner has objected to;
- a case only proposed (the owner has not been told yet);
- a case upheld five weeks ago and published, so its public card shows the fact;
- a case upheld fourteen months ago and repaired after a year of good conduct.

A second run makes nothing."""

import datetime
import uuid

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from venues import schedule
from venues.models import CaseStatus, IntegritySettings, Refusal, SeriousCase, Venue, VenueStatus
from venues.workflows import cases

from .demo_selfchecks import FIRST_VENUE

DAY = datetime.timedelta(days=1)
MARK = "（示例）"

NOTIFIED_FACTS = ("2次拒绝网格员进入后厨检查燃气管道和报警器，经多次劝说仍不配合，"
                  "且后厨燃气软管老化的隐患未按期整改。（示例）")
OBJECTION = "两次都是营业高峰期，厨师长不在，不是故意不配合；燃气软管已经更换，请再来检查。（示例）"
PROPOSED_FACTS = "安全出口长期被货物堵塞，经三次责令仍未清理；巡查时拒不签收整改通知书。（示例）"
UPHELD_FACTS = "客房内违规使用电热毯和大功率电器，经责令整改后再次发现，且隐瞒住宿人数。（示例）"
UPHELD_NOTE = "事实清楚，证据确凿，经营者的异议未提出新的事实，认定为严重失信。（示例）"
REPAIRED_FACTS = "灭火器全部过期且拒不更换，检查人员上门时关门拒检。（示例）"
REPAIRED_NOTE = "经营者未提出异议，认定为严重失信。（示例）"


def _back(case, days, **fields):
    """Set the case's steps ``days`` back (each given field moved by as many days)."""
    shift = datetime.timedelta(days=days)
    values = {name: getattr(case, name) - shift for name in fields if getattr(case, name) is not None}
    values["proposed_at"] = case.proposed_at - shift - 10 * DAY
    SeriousCase.objects.filter(pk=case.pk).update(**values)
    case.refresh_from_db()
    return case


def _to_decision(town, leader, venue, facts, upheld_note):
    case = cases.propose(town, venue, facts, submission_id=uuid.uuid4())
    case = cases.notify(town, case)
    SeriousCase.objects.filter(pk=case.pk).update(objection_until=timezone.localdate() - DAY)
    case.refresh_from_db()
    return cases.decide(leader, case, True, upheld_note)


def build_demo_cases():
    """True when something was made."""
    users = {user.username: user for user in get_user_model().objects.filter(
        username__in=["13800000001", "town", "grid", "leader"])}
    if len(users) < 4 or SeriousCase.objects.filter(facts__endswith=MARK).exists():
        return False
    owner, town, grid, leader = users["13800000001"], users["town"], users["grid"], users["leader"]
    venues = list(Venue.objects.filter(owner=owner, status=VenueStatus.APPROVED, name__endswith=MARK)
                  .exclude(name=FIRST_VENUE).order_by("pk"))
    if len(venues) < 4:
        return False
    # The grid worker's own grid first, for the refusals.
    venues.sort(key=lambda venue: (not cases.may_record_refusal(grid, venue), venue.pk))
    refused, proposed, upheld, repaired = venues[:4]
    today = timezone.localdate()
    settings_ = IntegritySettings.current()
    with transaction.atomic():
        recorder = grid if cases.may_record_refusal(grid, refused) else town
        # Registered before the refusals below (a refusal may not be dated before the registration).
        Venue.objects.filter(pk=refused.pk, created_at__gt=timezone.now() - 40 * DAY).update(
            created_at=timezone.now() - 40 * DAY)
        refused.refresh_from_db()
        for days_ago, note in ((35, "网格员上门检查燃气设施，店员以老板不在为由拒绝进入后厨。（示例）"),
                               (21, "再次上门复查，经营者关闭后厨门拒绝检查，称“忙不过来”。（示例）")):
            cases.record_refusal(recorder, refused, today - days_ago * DAY, note, uuid.uuid4())
        notified = cases.propose(town, refused, NOTIFIED_FACTS, submission_id=uuid.uuid4(),
                                 refusals=list(Refusal.objects.filter(venue=refused)))
        notified = cases.notify(town, notified)
        cases.object_to(owner, notified, OBJECTION)
        _back(notified, 4, notified_at=True, objection_until=True)
        SeriousCase.objects.filter(pk=notified.pk).update(objected_at=timezone.now() - 2 * DAY)

        cases.propose(town, proposed, PROPOSED_FACTS, submission_id=uuid.uuid4())

        case = _to_decision(town, leader, upheld, UPHELD_FACTS, UPHELD_NOTE)
        _back(case, 35, notified_at=True, objection_until=True, decided_at=True, repair_on=True)

        case = _to_decision(town, leader, repaired, REPAIRED_FACTS, REPAIRED_NOTE)
        _back(case, 430, notified_at=True, objection_until=True, decided_at=True)
        # A year of good conduct since: repaired as the daily job does when the record is clean;
        # the demo's older records of this venue (a late self-check…) are not this story, so the
        # repair is written as the daily job would have written it a while ago.
        decided = timezone.localtime(case.decided_at).date()
        repair_on = schedule.add_months(decided, settings_.repair_months)
        SeriousCase.objects.filter(pk=case.pk).update(
            status=CaseStatus.REPAIRED, published=False, repair_on=repair_on,
            repaired_at=timezone.make_aware(datetime.datetime.combine(repair_on, datetime.time(7, 15))))
    for venue in (refused, proposed, upheld, repaired):
        schedule.refresh_venue(venue)
    return True
