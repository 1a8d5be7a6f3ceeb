"""Demo patrols (巡查) by the demo grid worker in 青杠村（示例）第一网格, made through the patrol
workflow as the worker would, then dated back. All names and notes are invented (示例).

- 青杠鲜果超市: visited five weeks ago, everything in order
- 青杠老街杂货店: visited three weeks ago, everything in order
- 青杠小吃店: visited two days ago; the extension leads behind the counter were overloaded, which
  became a hazard (with its photo) for the owner to fix

The other venues of the grid's worklist have never been patrolled, so they come first among
equals."""

import datetime
import uuid

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from venues.checklists import checklist_for
from venues.models import Answer, Patrol, Venue
from venues.workflows import patrols

from .demo_selfchecks import _on, _photo

DAY = datetime.timedelta(days=1)

VISITS = [
    # venue, days ago, {failed item: (note, interim measure)}, overall remarks
    ("青杠鲜果超市（示例）", 35, {}, "货架整齐，灭火器在有效期内，后门通道畅通。"),
    ("青杠老街杂货店（示例）", 21, {}, "店内整洁，货物堆放整齐，灭火器在有效期内。"),
    ("青杠小吃店（示例）", 2, {
        "no_overloaded_sockets": ("收银台后面一个插线板同时接了电饭煲、消毒柜和电热水壶。",
                                  ""),
    }, "已当面提醒店主分开接线，三天内整改后拍照上传。"),
]


def _answers(venue, user, fails):
    """Every item answered: "no" for ``fails``, "does not apply" where it may be (gas only
    where gas is used), "yes" elsewhere."""
    _versions, items = checklist_for(venue, user)
    answers = {}
    for item in items:
        code = item["code"]
        if code in fails:
            note, interim = fails[code]
            answers[code] = {"answer": Answer.NO, "note": note, "interim_measure": interim}
        elif item["allow_not_applicable"] and not (venue.uses_gas and item["group_code"] == "gas"):
            answers[code] = {"answer": Answer.NOT_APPLICABLE}
        else:
            answers[code] = {"answer": Answer.YES}
    return answers


def build_demo_patrols():
    """Build them once; True when something was built. Nothing is made without the demo grid
    worker and the venues of the self-check stories (home.demo_selfchecks)."""
    grid = get_user_model().objects.filter(username="grid").first()
    venues = {venue.name: venue for venue in Venue.objects.filter(name__in=[name for name, *_ in VISITS])}
    if grid is None or len(venues) < len(VISITS) or Patrol.objects.filter(venue__in=venues.values()).exists():
        return False
    with transaction.atomic():
        for name, days_ago, fails, remarks in VISITS:
            venue = venues[name]
            photos = {code: [_photo("sockets")] for code in fails}

            def visit(venue=venue, fails=fails, remarks=remarks, photos=photos):
                return patrols.record(venue, grid, uuid.uuid4(), _answers(venue, grid, fails), note=remarks,
                                      photos=photos)

            patrol = _on(days_ago, venue, visit)
            Patrol.objects.filter(pk=patrol.pk).update(visited_at=timezone.now() - days_ago * DAY)
    return True
