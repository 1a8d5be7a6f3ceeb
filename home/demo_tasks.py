"""Demo tasks (督办) from the town office (demo account ``town``), each made through
venues.workflows.tasks as people would, then dated back to when it happened. All names are
invented (示例).

- 检查燃气报警器: the restaurants of 青杠村 that use gas, given to 青杠村; acknowledged by the
  village staff, two venues reported on (one with a problem), one still to report
- 餐饮场所燃气和食品安全联合检查: every approved restaurant of the town, given to 食药监办 (demo
  account ``food``), not yet acknowledged
- 临时建筑经营场所汛前检查: given to 青杠村 and 木根村 without a list of venues, due five days
  ago; 青杠村 has closed its part, 木根村 has not (overdue)"""

import datetime
import uuid

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from venues.models import (
    Office,
    Task,
    TaskAssignment,
    TaskEvent,
    TaskEventAction,
    Venue,
    VenueKind,
    VenueStatus,
)
from venues.validators import credit_code_check_char
from venues.workflows import registration, tasks

DAY = datetime.timedelta(days=1)
GAS_TASK = "检查燃气报警器（示例）"
TITLES = [GAS_TASK, "餐饮场所燃气和食品安全联合检查（示例）", "临时建筑经营场所汛前检查（示例）"]


def _restaurant(number, name, area, recorder, **facts):
    """A restaurant using gas, recorded by the village staff (numbered from 81: the other demo
    modules use lower numbers)."""
    body = f"92500156MA6{number:06d}"
    venue = Venue(
        name=name, kind=VenueKind.objects.get(slug="catering"), area=area, licence="licensed",
        address=f"双河镇青杠村示例路{number}号", credit_code=body + credit_code_check_char(body),
        operator_name=f"示例经营者{number}", operator_mobile=f"1380000{number:04d}", uses_gas=True, **facts,
    )
    venue.full_clean()
    return registration.record(venue, recorder)


def _backdate(task, days_ago, due_in):
    """The task as given ``days_ago`` and due in ``due_in`` days (negative: already past)."""
    today = timezone.localdate()
    given = timezone.now() - days_ago * DAY
    Task.objects.filter(pk=task.pk).update(created_at=given, due_on=today + due_in * DAY)
    TaskEvent.objects.filter(task=task, action=TaskEventAction.DISPATCH).update(at=given)
    task.refresh_from_db()
    return task


def _give(town, title, description, due_in, venues=None, **assignees):
    return tasks.dispatch(town, title=title, description=description,
                          due_on=timezone.localdate() + max(due_in, 0) * DAY, venues=venues,
                          submission_id=uuid.uuid4(), **assignees)


def build_demo_tasks():
    """Build them once; True when something was built (nothing when they exist already or when
    the demo accounts and villages are missing)."""
    from .demo import _area_by_path

    users = {user.username: user for user in get_user_model().objects.filter(
        username__in=["town", "qinggang", "grid", "food"])}
    places = {path: _area_by_path(path) for path in [
        "青杠村（示例）", "青杠村（示例）/第一网格（示例）", "青杠村（示例）/第二网格（示例）",
        "木根村（示例）"]}
    food_office = Office.objects.filter(name="食药监办").first()
    if (Task.objects.filter(title__in=TITLES).exists() or len(users) < 4 or None in places.values()
            or food_office is None):
        return False
    with transaction.atomic():
        _stories(users, places, food_office)
    return True


def _stories(users, places, food_office):
    town, village, grid = users["town"], users["qinggang"], users["grid"]
    qinggang = places["青杠村（示例）"]
    grid1, grid2 = places["青杠村（示例）/第一网格（示例）"], places["青杠村（示例）/第二网格（示例）"]
    hotpot = _restaurant(81, "青杠老灶火锅（示例）", grid1, village, seats=40)
    noodles = _restaurant(82, "青杠牛肉面馆（示例）", grid2, village, seats=20)
    _restaurant(83, "青杠柴火鸡（示例）", grid2, village, seats=50)
    snacks = Venue.objects.filter(name="青杠小吃店（示例）").first()

    # The gas alarms of 青杠村's restaurants that use gas.
    gas_venues = Venue.objects.filter(status=VenueStatus.APPROVED, kind__slug="catering", uses_gas=True,
                                      area__path__startswith=qinggang.path)
    gas = _give(town, GAS_TASK, "请逐家检查使用燃气的餐饮场所：是否安装了可燃气体报警器并能正常报警，"
                "报警器是否与切断阀联动，软管是否老化、超过2米或穿墙。发现问题当场告知整改并在系统中说明。",
                10, venues=gas_venues, areas=[qinggang])
    _backdate(gas, 4, 10)
    part = TaskAssignment.objects.get(task=gas, area=qinggang)
    tasks.acknowledge(part, village)
    if snacks is not None:
        tasks.report(part, grid, snacks, "done", "报警器按测试键能正常报警，切断阀联动正常。")
    tasks.report(part, grid, hotpot, "problem", "报警器按测试键不响，已要求经营者三日内更换，之后复查。")
    tasks.report(part, village, noodles, "done", "")

    # The food office's joint check of every restaurant in the town.
    joint = _give(town, TITLES[1], "请会同各村（社区）对全镇餐饮场所开展一次燃气使用和食品安全联合检查，"
                  "重点查看燃气管道、报警器和后厨卫生，逐家填报检查结果。",
                  20, venues=Venue.objects.filter(status=VenueStatus.APPROVED, kind__slug="catering"),
                  offices=[food_office])
    _backdate(joint, 1, 20)

    # Overdue: 青杠村 has done its part, 木根村 has not.
    mugen = places["木根村（示例）"]
    flood = _give(town, TITLES[2], "汛期前请对辖区内临时建筑中的经营场所开展一次检查：屋面和墙体是否稳固，"
                  "周边有无滑坡、积水隐患，用电线路是否架空。检查完请在小结中写明检查家数和发现的问题。",
                  0, areas=[qinggang, mugen])
    _backdate(flood, 20, -5)
    tasks.finish(TaskAssignment.objects.get(task=flood, area=qinggang), village,
                 "检查临时建筑内经营场所3家，其中1家屋面漏雨，已督促经营者在汛前修缮完毕。")
