"""诚信 in a browser: an owner on a 360 px phone signs in, opens their venue's integrity page from
their home page, reads the level and its reasons, and sends a reply asking for a re-check; the
page fits the screen with zero axe findings before and after."""

import uuid

from django.utils import timezone, translation

import pytest

from tests.browser.conftest import axe_violations
from tests.browser.test_public import assert_fits_the_screen, assert_only_our_origin
from tests.factories import PASSWORD, UserFactory, approve, make_area_tree, make_home, make_staff, make_venue
from venues import schedule
from venues.models import Area, IntegrityReply, Refusal, ReplyStatus

MOBILE = "13900000071"
SHOP = "青杠诚信便利店"


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def world(transactional_db, django_db_serialized_rollback):
    make_home()
    tree = {key: Area.objects.get(pk=area.pk) for key, area in make_area_tree().items()}
    owner = UserFactory(username=MOBILE, mobile=MOBILE)
    shop = approve(make_venue(tree["qinggang-1"], "shopping", owner=owner, name=SHOP))
    Refusal.objects.create(venue=shop, occurred_on=timezone.localdate(), note="拒绝进入",
                           recorded_by=make_staff(tree["qinggang"]), submission_id=uuid.uuid4())
    schedule.refresh_venue(shop)
    return {"owner": owner, "shop": shop}


def check(page, live_server):
    page.wait_for_timeout(300)
    assert axe_violations(page) == [], page.url
    assert_only_our_origin(page, live_server)
    assert_fits_the_screen(page)


def test_an_owner_reads_the_level_and_asks_for_a_recheck_on_a_phone(phone, live_server, world):
    shop = world["shop"]
    page = phone
    page.goto("/owner/login/")
    page.get_by_label("手机号码").fill(MOBILE)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/owner/")
    url = f"/owner/venues/{shop.pk}/integrity/"
    page.locator(f'a[href="{url}"]').click()
    page.wait_for_url(f"**{url}")
    assert page.locator("#integrity-level").inner_text().startswith("C")
    assert "拒不配合检查" in page.locator("#integrity-reasons").inner_text()
    check(page, live_server)
    page.locator("#id_text").fill("当天店里无人，并非拒绝检查，请复核。")
    page.locator("#id_recheck").check()
    page.locator("#integrity-reply-form button[type=submit]").click()
    page.wait_for_url(f"**{url}#replies")
    reply = IntegrityReply.objects.get(venue=shop)
    assert (reply.status, reply.level) == (ReplyStatus.REQUESTED, "C")
    assert "当天店里无人，并非拒绝检查，请复核。" in page.locator("#replies").inner_text()
    check(page, live_server)
