"""Demo self-checks and hazards (issue 7): the self-check page, and venues in every state of
the self-check and the hazard loop, each made through the workflows as people would, then
dated back to when it happened in its story. All names and numbers are invented (示例).

- 青杠鲜果超市: months of accepted self-checks; one hazard closed, one fixed and awaiting re-check
- 青杠小吃店: the first self-check due in two days
- 青杠五金店: never checked, overdue
- 青杠山居客栈: submitted yesterday, awaiting review, with an open major hazard
- 双河健身房: a fix rejected on re-check (open again, now overdue); the latest self-check returned
- 木根村卫生室: a self-check half filled in
- 青杠老街杂货店: no account; checked with the grid worker, confirmed by the owner's name

The demo owner 13800000001 holds all but the last."""

import datetime
import io

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from PIL import Image, ImageDraw

from venues import schedule
from venues.models import (
    Answer,
    EvidencePhoto,
    Hazard,
    HazardEvent,
    Message,
    SelfCheck,
    Venue,
    VenueKind,
    VenueStatusChange,
)
from venues.schedule import add_months
from venues.validators import credit_code_check_char
from venues.workflows import hazards, registration, selfchecks

DAY = datetime.timedelta(days=1)
FIRST_VENUE = "青杠鲜果超市（示例）"


# The self-check page -----------------------------------------------------------------------

def selfcheck_page():
    """The demo's self-check page, its texts from home.selfcheck (in our own words)."""
    from .models import SelfCheckPage
    from .selfcheck import DEMO_TEXTS

    return SelfCheckPage(search_description="经营者用手机按清单开展场所安全自查。", **DEMO_TEXTS)


@transaction.atomic
def ensure_selfcheck_page():
    """A demo made before the self-check opened gets the page once, in place of the "coming
    soon" page it had at the same address, and the home page's entrance follows it."""
    from .demo import _add
    from .models import HomePage, SelfCheckPage, StandardPage

    home = HomePage.objects.first()
    if home is None or SelfCheckPage.objects.exists():
        return None
    services = StandardPage.objects.child_of(home).filter(slug="services").first() or home
    page = selfcheck_page()
    placeholder = StandardPage.objects.child_of(services).filter(slug=page.slug).first()
    before = placeholder.get_prev_sibling() if placeholder else None
    if placeholder is not None:
        old_pk = placeholder.pk
        placeholder.delete()
    page = _add(services, page)
    if before is not None:
        page.move(before, pos="right")
    if placeholder is not None:
        entrances = list(home.entrances.raw_data)
        for entrance in entrances:
            if entrance["value"].get("page") == old_pk:
                entrance["value"]["page"] = page.pk
        home.entrances = entrances
        home.save_revision().publish()
    return page


# Photos ------------------------------------------------------------------------------------

def _photo(scene, fixed=False):
    """A small drawing standing in for a phone photo of a problem (or of its fix)."""
    image = Image.new("RGB", (480, 360), "#e8e4da")
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 280, 480, 360], fill="#9e9e9e")  # the floor
    if scene == "exit":
        draw.rectangle([300, 60, 420, 280], fill="#6d4c41")  # the back door
        draw.rectangle([320, 30, 400, 52], fill="#2e7d32")  # its exit sign
        if not fixed:
            for x, y in [(280, 220), (330, 220), (300, 170), (380, 230)]:
                draw.rectangle([x, y, x + 60, y + 60], fill="#c8a165", outline="#7a5c2e", width=3)
    elif scene == "extinguisher":
        draw.rounded_rectangle([200, 110, 280, 280], radius=20, fill="#c62828")
        draw.ellipse([205, 60, 275, 130], fill="white", outline="black", width=4)
        angle_end = (255, 80) if fixed else (215, 105)  # the needle: green band or red band
        draw.line([(240, 95), angle_end], fill="black", width=5)
    elif scene == "sockets":
        draw.rectangle([100, 240, 380, 270], fill="white", outline="black", width=3)
        for n in range(2 if fixed else 6):
            x = 115 + n * 45
            draw.rectangle([x, 200, x + 25, 240], fill="#424242")
            draw.line([(x + 12, 200), (x + 12 - 30 + n * 10, 40)], fill="#212121", width=4)
    elif scene == "wiring":
        if fixed:
            draw.rectangle([40, 100, 440, 116], fill="white", outline="#757575", width=2)  # conduit
        else:
            points = [(40 + 20 * n, 110 + (15 if n % 2 else -15)) for n in range(21)]
            draw.line(points, fill="#212121", width=4)
    elif scene == "light":
        draw.rectangle([180, 60, 300, 110], fill="#fafafa" if fixed else "#616161", outline="black", width=3)
        if fixed:
            draw.polygon([(190, 110), (290, 110), (360, 280), (120, 280)], fill="#fff59d")
    elif scene == "ebike":
        draw.ellipse([120, 200, 200, 280], outline="black", width=8)
        draw.ellipse([280, 200, 360, 280], outline="black", width=8)
        draw.line([(160, 240), (240, 180), (320, 240)], fill="#1565c0", width=10)
        draw.line([(240, 180), (420, 120)], fill="#212121", width=3)  # the charger lead
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return SimpleUploadedFile(f"{scene}.jpg", buffer.getvalue(), content_type="image/jpeg")


# Going back in time ------------------------------------------------------------------------

# What a workflow step writes for a venue, and the times it sets.
_DATED = [
    (VenueStatusChange, "venue", ["at"]),
    (SelfCheck, "venue", ["created_at", "updated_at", "submitted_at", "reviewed_at"]),
    (Hazard, "venue", ["found_at", "rectified_at", "closed_at"]),
    (HazardEvent, "hazard__venue", ["at"]),
    (EvidencePhoto, "venue", ["uploaded_at"]),
    (Message, "venue", ["created_at", "sms_sent_at"]),
]


def _on(days_ago, venue, step):
    """Take ``step`` now, then move what it wrote for ``venue`` ``days_ago`` days back, as if
    it had happened then (a hazard's deadline moves with the day it was found)."""
    since = timezone.now()
    result = step()
    shift = days_ago * DAY
    for model, venue_field, fields in _DATED:
        for row in model.objects.filter(**{venue_field: venue}):
            changes = {name: getattr(row, name) - shift for name in fields
                       if getattr(row, name) is not None and getattr(row, name) >= since}
            if isinstance(row, Hazard) and row.found_at >= since:
                changes["deadline"] = row.deadline - shift
            if changes:
                model.objects.filter(pk=row.pk).update(**changes)
    schedule.refresh_venue(venue)
    return result


def _days_ago_for_due_in(days):
    """How long ago a monthly venue was approved for its first self-check to be due in
    ``days`` days (or as near as the lengths of months allow, never overdue)."""
    today = timezone.localdate()

    def due_in(ago):
        return (add_months(today - ago * DAY, 1) - today).days

    return min(range(25, 36), key=lambda ago: (not 0 <= due_in(ago) <= 3, abs(due_in(ago) - days)))


# Filling in, as a person would -------------------------------------------------------------

def _answers(check, fails, uses_gas=False):
    """Every item answered: "does not apply" where it may be and does not (gas only where gas
    is used), "yes" elsewhere, and "no" with the note and interim measure in ``fails``."""
    answers = {}
    for item in check.items:
        code = item["code"]
        if code in fails:
            note, interim = fails[code]
            answers[code] = {"answer": Answer.NO, "note": note, "interim_measure": interim}
        elif item["allow_not_applicable"] and not (uses_gas and item["group_code"] == "gas"):
            answers[code] = {"answer": Answer.NOT_APPLICABLE}
        else:
            answers[code] = {"answer": Answer.YES}
    return answers


SCENES = {"exits_clear": "exit", "extinguisher_condition": "extinguisher", "no_overloaded_sockets": "sockets",
          "wiring_in_conduit": "wiring", "emergency_lighting": "light", "ebike_not_indoors": "ebike"}


def _self_check(venue, user, fails=None, assisted=False, confirmed_by="", groups=None):
    """A self-check filled in by ``user`` with a photo of each failed item; submitted unless
    ``groups`` says how many groups of a draft are done."""
    fails = fails or {}
    check = selfchecks.start(venue, user, assisted=assisted)
    answers = _answers(check, fails, uses_gas=venue.uses_gas)
    if groups is not None:
        asked = {item["code"] for _name, items in check.groups()[:groups] for item in items}
        selfchecks.save_answers(check, user, {code: answers[code] for code in asked}, step=groups)
        return check
    selfchecks.save_answers(check, user, answers, step=len(check.groups()))
    for code in fails:
        selfchecks.add_photo(check, code, _photo(SCENES.get(code, "exit")), user)
    return selfchecks.submit(check, user, confirmed_by_name=confirmed_by)


def _fix(hazard, owner, note):
    hazards.add_after_photo(hazard, _photo(SCENES.get(hazard.item_code, "exit"), fixed=True), owner)
    return hazards.rectify(hazard, owner, note)


def _hazard(check, code):
    return Hazard.objects.get(selfcheck=check, item_code=code)


# The venues (numbered from 41: the census sheet of home.demo_census uses 21 to 30) -----------

def _venue(number, name, kind, area, owner, **facts):
    body = f"92500156MA6{number:06d}"
    venue = Venue(
        name=name, kind=VenueKind.objects.get(slug=kind), area=area, licence="licensed",
        address=f"双河镇{area.get_parent().name.replace('（示例）', '')}示例路{number}号",
        credit_code=body + credit_code_check_char(body), operator_name=f"示例经营者{number}",
        operator_mobile=f"1380000{number:04d}", owner=owner, **facts,
    )
    venue.full_clean()
    venue.save()
    return venue


def _approved(venue, owner, reviewer, days_ago):
    def approve():
        registration.perform(venue, "submit", owner)
        registration.perform(venue, "approve", reviewer)
    _on(days_ago, venue, approve)
    venue.refresh_from_db()


STORY_VENUES = [FIRST_VENUE, "青杠小吃店（示例）", "青杠五金店（示例）", "青杠山居客栈（示例）",
                "双河健身房（示例）", "木根村卫生室（示例）", "青杠老街杂货店（示例）"]


def demo_selfchecks_exist():
    return Venue.objects.filter(name__in=STORY_VENUES).exists()


def build_demo_selfchecks():
    """The stories above, once: nothing is made when they exist already or when the demo
    accounts and villages they belong to are missing. True when they were made now."""
    from .demo import _area_by_path

    users = {user.username: user for user in get_user_model().objects.filter(
        username__in=["13800000001", "qinggang", "grid", "town"])}
    grids = {path: _area_by_path(path) for path in [
        "青杠村（示例）/第一网格（示例）", "青杠村（示例）/第二网格（示例）",
        "双河社区（示例）/第一网格（示例）", "木根村（示例）/第一网格（示例）"]}
    if demo_selfchecks_exist() or len(users) < 4 or None in grids.values():
        return False
    with transaction.atomic():
        _stories(users["13800000001"], users["qinggang"], users["grid"], users["town"], *grids.values())
        schedule.refresh()
    return True


def _stories(owner, village, grid, town, qg1, qg2, sh1, mg1):
    # Months of accepted self-checks; one hazard closed (销号), one fixed, awaiting re-check.
    shop = _venue(41, FIRST_VENUE, "shopping", qg1, owner, floor_area=90)
    _approved(shop, owner, village, 130)
    first = _on(100, shop, lambda: _self_check(shop, owner))
    _on(98, shop, lambda: selfchecks.accept(first, village))
    second = _on(70, shop, lambda: _self_check(shop, owner, {
        "no_overloaded_sockets": ("收银台下面一个插线板上插了冰柜、灯箱等6个电器。", "")}))
    _on(69, shop, lambda: selfchecks.accept(second, village))
    sockets = _hazard(second, "no_overloaded_sockets")
    _on(66, shop, lambda: _fix(sockets, owner, "拆掉了多余的插头，冰柜改接墙上的专用插座。"))
    _on(64, shop, lambda: hazards.verify(sockets, grid, accepted=True))
    third = _on(40, shop, lambda: _self_check(shop, owner))
    _on(39, shop, lambda: selfchecks.accept(third, village))
    fourth = _on(11, shop, lambda: _self_check(shop, owner, {
        "exits_clear": ("后门通道上堆了十几箱水果，只能侧身通过。", "")}))
    _on(10, shop, lambda: selfchecks.accept(fourth, village))
    _on(6, shop, lambda: _fix(_hazard(fourth, "exits_clear"), owner,
                              "水果箱全部搬进库房，通道已清空，地上画了禁止堆放线。"))

    # The first self-check due in two days.
    snacks = _venue(42, "青杠小吃店（示例）", "catering", qg1, owner, seats=24, uses_gas=True)
    _approved(snacks, owner, village, _days_ago_for_due_in(2))

    # Never checked: overdue.
    hardware = _venue(43, "青杠五金店（示例）", "shopping", qg2, owner, floor_area=60)
    _approved(hardware, owner, village, 75)

    # Submitted yesterday, awaiting review; an open major hazard (red).
    inn = _venue(44, "青杠山居客栈（示例）", "lodging", qg2, owner, beds=10)
    _approved(inn, owner, village, 45)
    _on(1, inn, lambda: _self_check(inn, owner, {
        "emergency_lighting": ("二楼走廊的应急灯按下测试按钮不亮。", ""),
        "ebike_not_indoors": ("有住客晚上把电动自行车推进大堂充电。",
                              "大堂贴了禁止停放充电的提示，夜班人员每晚巡查，请住客到院外充电点充电。"),
    }))

    # A fix rejected on re-check, open again and now overdue; the latest self-check returned.
    gym = _venue(45, "双河健身房（示例）", "leisure", sh1, owner, floor_area=150)
    _approved(gym, owner, town, 100)
    checked = _on(55, gym, lambda: _self_check(gym, owner, {
        "extinguisher_condition": ("前台和器械区的两具灭火器，压力表指针都在红区。", "")}))
    _on(54, gym, lambda: selfchecks.accept(checked, town))
    extinguishers = _hazard(checked, "extinguisher_condition")
    _on(50, gym, lambda: _fix(extinguishers, owner, "已经把灭火器拿去检查了。"))
    _on(49, gym, lambda: hazards.verify(
        extinguishers, town, accepted=False,
        reason="照片里的压力表指针仍在红区。请更换或充装合格的灭火器后再报告整改。"))
    # The re-check gave a week from then (verify() refuses dates in the past, so set it after).
    Hazard.objects.filter(pk=extinguishers.pk).update(deadline=timezone.localdate() - 42 * DAY)
    careless = _on(8, gym, lambda: _self_check(gym, owner))
    _on(6, gym, lambda: selfchecks.return_(
        careless, town, "灭火器的问题还没有整改，这次却每一项都选了“是”。请到现场逐项检查后重新自查。"))

    # A self-check half filled in (two groups done).
    clinic = _venue(46, "木根村卫生室（示例）", "medical", mg1, owner, floor_area=80)
    _approved(clinic, owner, town, _days_ago_for_due_in(1))
    _on(1, clinic, lambda: _self_check(clinic, owner, groups=2))

    # No account: recorded by the village, checked with the grid worker, the owner confirming
    # by name on the worker's screen; the hazard found is past its deadline.
    corner = Venue(
        name="青杠老街杂货店（示例）", kind=VenueKind.objects.get(slug="shopping"), area=qg1,
        address="双河镇青杠村老街27号（示例）", licence="unlicensed",
        no_code_reason="尚未办理营业执照（示例）",
        operator_name="王秀英（示例）", operator_mobile="13800000047", floor_area=40,
    )
    corner.full_clean()
    _on(60, corner, lambda: registration.record(corner, village))
    corner.refresh_from_db()
    assisted = _on(12, corner, lambda: _self_check(corner, grid, {
        "wiring_in_conduit": ("里屋的电线直接钉在木板墙上，没有穿管保护。", "")},
        assisted=True, confirmed_by="王秀英"))
    _on(11, corner, lambda: selfchecks.accept(assisted, village))
