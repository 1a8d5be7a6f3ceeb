"""Demo integrity records, so a fresh ``make run`` shows them (issue 12, part A):

- the integrity level computed for every demo venue (venues.schedule.refresh: the late
  self-check and the hazards fixed late or overdue of home.demo_history give their venues B);
- the demo owner (13800000001) has replied to the level of one venue and asked for a re-check,
  which the town office has scheduled; and on another venue has had a re-check answered.

Made through the workflows as people would. A second run makes nothing."""

import datetime
import uuid

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from venues import schedule
from venues.models import IntegrityLevel, IntegrityReply, Venue, VenueStatus
from venues.workflows import integrity

SCHEDULED_TEXT = "我们已按期完成了自查，只是提交晚了一天。请工作人员复核我们的诚信等级。（示例）"
ANSWERED_TEXT = "逾期的隐患已经整改完毕并经复查销号，请复核。（示例）"
ANSWER = "经复核，记录属实，等级按规则计算不变；隐患按期整改一年后即不再计入。（示例）"


def build_demo_integrity():
    """Compute every demo venue's level, then make the owner's replies once; True when
    something was made."""
    users = {user.username: user for user in get_user_model().objects.filter(
        username__in=["13800000001", "town"])}
    schedule.refresh(Venue.objects.all())
    if len(users) < 2:
        return False
    owner, town = users["13800000001"], users["town"]
    if IntegrityReply.objects.filter(author=owner).exists():
        return False
    venues = list(Venue.objects.filter(owner=owner, status=VenueStatus.APPROVED).order_by("pk"))
    if not venues:
        return False
    # The worse levels first: the owner replies where the level is not A.
    venues.sort(key=lambda venue: (venue.integrity_level == IntegrityLevel.A, venue.pk))
    with transaction.atomic():
        first = venues[0]
        request = integrity.reply(owner, first, SCHEDULED_TEXT, True, uuid.uuid4())
        integrity.schedule_recheck(town, request, timezone.localdate() + datetime.timedelta(days=5))
        if len(venues) > 1:
            second = venues[1]
            answered = integrity.reply(owner, second, ANSWERED_TEXT, True, uuid.uuid4())
            IntegrityReply.objects.filter(pk=answered.pk).update(
                created_at=timezone.now() - datetime.timedelta(days=9))
            answered.refresh_from_db()
            integrity.answer_recheck(town, answered, ANSWER)
    return True
