"""Demo records spread over the past five months, so the dashboards' periods and trends show
change and the monthly scorecards have published months with a red flag on a fresh ``make
run``. (Issue 11, part C.) Made through the workflows as people would, then dated back (as in
home.demo_selfchecks); all names and numbers are invented (示例).

- census counts for the three demo villages (the denominators of registration coverage);
- 木根农家乐: approved five months ago; its first self-check late, a major hazard (an exit
  locked) fixed in time and closed; later self-checks on time; patrolled;
- 双河茶楼: approved about four and a half months ago; a general hazard fixed late; a major
  hazard (electric bikes charged indoors) found six weeks ago, still open and overdue;
- 木根小卖部: approved four months ago; self-checks on time; patrolled, all in order;
- the owner acknowledged the safety notices of the three when they were registered;
- every demo venue dated back to its first workflow step, so it counts in the months since;

then every closed month back to the first is frozen (venues.scorecards.freeze), as the daily
jobs would have done."""

import datetime
import uuid

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from venues import scorecards
from venues.acknowledgements import acknowledge_at_registration
from venues.models import Acknowledgement, Patrol, Venue, VenueStatusChange, VillageCensus
from venues.workflows import hazards, patrols, selfchecks

from .demo_patrols import _answers as _patrol_answers
from .demo_selfchecks import _approved, _fix, _hazard, _on, _self_check, _venue

DAY, HOUR = datetime.timedelta(days=1), datetime.timedelta(hours=1)
MARKER = "木根农家乐（示例）"

def _created_when_first_submitted():
    """The demo makes its venues today and dates their workflow steps back; a venue counts as
    registered in a past month only if it existed then (venues.figures), so each is dated back
    to just before its first recorded step."""
    first_steps = (VenueStatusChange.objects.values("venue").annotate(first=Min("at"))
                   .values_list("venue", "first"))
    for venue_id, first in first_steps:
        Venue.objects.filter(pk=venue_id, created_at__gt=first).update(created_at=first - HOUR)


# village, census count, note, entered by
CENSUS = [
    ("青杠村（示例）", 14, "2026年村委会逐户摸排（示例）", "qinggang"),
    ("双河社区（示例）", 6, "社区网格员上门摸排（示例）", "town"),
    ("木根村（示例）", 5, "村民小组长报送汇总（示例）", "town"),
]


def _census(users):
    from .demo import _area_by_path

    counted_on = timezone.localdate() - 160 * DAY
    for path, expected, note, who in CENSUS:
        area = _area_by_path(path)
        if area is not None:
            VillageCensus.objects.update_or_create(area=area, defaults={
                "expected": expected, "counted_on": counted_on, "note": note, "updated_by": users[who]})


def _acknowledged(owner, venue, days_ago):
    acknowledge_at_registration(owner, venue)
    Acknowledgement.objects.filter(venue=venue).update(at=timezone.now() - days_ago * DAY)


def _patrolled(venue, inspector, days_ago, remarks):
    patrol = _on(days_ago, venue, lambda: patrols.record(
        venue, inspector, uuid.uuid4(), _patrol_answers(venue, inspector, {}), note=remarks))
    Patrol.objects.filter(pk=patrol.pk).update(visited_at=timezone.now() - days_ago * DAY)


def build_demo_history():
    """Build the history once; returns whether it built anything. Needs the demo accounts and
    villages (home.demo); the scorecards of closed months are frozen whenever they are missing."""
    from .demo import _area_by_path

    users = {user.username: user for user in get_user_model().objects.filter(
        username__in=["13800000001", "qinggang", "town"])}
    grids = [_area_by_path(path) for path in ["木根村（示例）/第一网格（示例）",
                                              "双河社区（示例）/第二网格（示例）"]]
    if len(users) < 3 or None in grids or Venue.objects.filter(name=MARKER).exists():
        scorecards.freeze_closed_months()
        return False
    owner, town = users["13800000001"], users["town"]
    mugen, shuanghe = grids
    with transaction.atomic():
        _census(users)

        farm = _venue(61, MARKER, "catering", mugen, owner, seats=40)
        _approved(farm, owner, town, 150)
        _acknowledged(owner, farm, 150)
        # The first self-check a week late; the blocked exit (major) fixed in time and closed.
        late = _on(112, farm, lambda: _self_check(farm, owner, {
            "exits_unlocked": ("营业时厨房后门从外面上了挂锁，只能从前门进出。",
                               "钥匙挂在后门旁，营业时安排厨师长负责开锁。")}))
        _on(111, farm, lambda: selfchecks.accept(late, town))
        exit_blocked = _hazard(late, "exits_unlocked")
        _on(105, farm, lambda: _fix(exit_blocked, owner, "挂锁已拆除，后门营业时保持可从内部打开。"))
        _on(103, farm, lambda: hazards.verify(exit_blocked, town, accepted=True))
        for days_ago in (80, 50, 20):
            check = _on(days_ago, farm, lambda: _self_check(farm, owner))
            _on(days_ago - 1, farm, lambda check=check: selfchecks.accept(check, town))
        _patrolled(farm, town, 70, "厨房整洁，燃气管道完好，灭火器在有效期内。")

        teahouse = _venue(62, "双河茶楼（示例）", "leisure", shuanghe, owner, floor_area=140)
        _approved(teahouse, owner, town, 138)
        _acknowledged(owner, teahouse, 138)
        # Overloaded sockets (general, a week to fix) fixed only after three weeks.
        sockets_check = _on(104, teahouse, lambda: _self_check(teahouse, owner, {
            "no_overloaded_sockets": ("茶水间一个插线板接了三个烧水壶和一台消毒柜。", "")}))
        _on(103, teahouse, lambda: selfchecks.accept(sockets_check, town))
        sockets = _hazard(sockets_check, "no_overloaded_sockets")
        _on(82, teahouse, lambda: _fix(sockets, owner, "烧水壶改为分开接到墙上插座，插线板已拆除。"))
        _on(80, teahouse, lambda: hazards.verify(sockets, town, accepted=True))
        # Electric bikes charged indoors, found six weeks ago and still open: a major hazard
        # past its deadline.
        exit_check = _on(42, teahouse, lambda: _self_check(teahouse, owner, {
            "ebike_not_indoors": ("员工把两辆电动自行车推进一楼楼梯间充电。",
                                  "已贴禁止室内充电的提示，店长每天下班前检查楼梯间。")}))
        _on(41, teahouse, lambda: selfchecks.accept(exit_check, town))

        shop = _venue(63, "木根小卖部（示例）", "shopping", mugen, owner, floor_area=45)
        _approved(shop, owner, town, 120)
        _acknowledged(owner, shop, 120)
        for days_ago in (92, 62, 31):
            check = _on(days_ago, shop, lambda: _self_check(shop, owner))
            _on(days_ago - 1, shop, lambda check=check: selfchecks.accept(check, town))
        _patrolled(shop, town, 45, "货物堆放整齐，电线规范，通道畅通。")
        _created_when_first_submitted()
    scorecards.freeze_closed_months()
    return True
