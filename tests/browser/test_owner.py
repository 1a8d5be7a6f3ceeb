"""An owner on a phone: signs up with the code from the text message, forgets the password
and sets a new one, claims a venue staff recorded. Zero axe findings on every owner page,
nothing from another origin, nothing wider than the screen."""

import datetime
import re

from django.utils import timezone

from tests.browser.conftest import axe_violations
from tests.browser.test_public import assert_fits_the_screen, assert_only_our_origin
from venues.models import VerificationCode

MOBILE = "13900005555"


def check(page, live_server):
    assert axe_violations(page) == [], page.url
    assert_fits_the_screen(page)
    assert_only_our_origin(page, live_server)


def latest_code():
    from venues import sms

    return re.search(r"(\d{6})", sms.outbox[-1]["text"]).group(1)


def test_signing_up_and_a_forgotten_password(phone, live_server, demo_site):
    page = phone
    page.goto("/owner/")
    page.wait_for_url("**/owner/login/?next=/owner/")
    check(page, live_server)
    page.get_by_role("link", name="还没有账号？注册").click()
    check(page, live_server)
    page.get_by_label("手机号码").fill("139 0000 5555")
    page.get_by_role("button", name="发送验证码").click()
    page.wait_for_url("**/owner/signup/confirm/")
    assert "6 位验证码已发送到 139****5555" in page.content()
    check(page, live_server)
    page.get_by_label("验证码").fill(latest_code())
    page.get_by_label("您的姓名").fill("王大妈")
    page.locator("#id_password1").fill("Shuanghe-2026")
    page.locator("#id_password2").fill("Shuanghe-2026")
    page.get_by_role("button", name="注册账号").click()
    page.wait_for_url("**/owner/")
    assert page.get_by_role("heading", name="我的场所").is_visible()
    check(page, live_server)

    page.get_by_role("button", name="退出登录").click()
    page.wait_for_url("**/owner/login/")
    # Some minutes later (a second code within a minute is refused):
    VerificationCode.objects.update(sent_at=timezone.now() - datetime.timedelta(minutes=5))
    page.get_by_role("link", name="忘记密码？").click()
    page.get_by_label("手机号码").fill(MOBILE)
    page.get_by_role("button", name="发送验证码").click()
    page.wait_for_url("**/owner/reset/confirm/")
    check(page, live_server)
    page.get_by_label("验证码").fill(latest_code())
    page.locator("#id_password1").fill("Shuanghe-2027")
    page.locator("#id_password2").fill("Shuanghe-2027")
    page.get_by_role("button", name="设置新密码").click()
    page.wait_for_url("**/owner/login/")
    page.get_by_label("手机号码").fill(MOBILE)
    page.get_by_label("密码").fill("Shuanghe-2027")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/owner/")


def test_claiming_a_venue_recorded_by_staff(phone, live_server, demo_site):
    from django.contrib.auth import get_user_model

    from home.demo import build_demo_venues
    from venues.models import Venue
    from venues.workflows import claims

    build_demo_venues()
    staff = get_user_model().objects.get(username="qinggang")
    # A 青杠村 venue without an owner account, as a census entry leaves it.
    venue = Venue.objects.filter(status="approved", name__startswith="青杠").first()
    Venue.objects.filter(pk=venue.pk).update(owner=None)
    venue.refresh_from_db()
    code = claims.issue(venue, staff)
    owner = get_user_model().objects.create_user(username="claimer", mobile=MOBILE, password="Shuanghe-2026")
    page = phone
    page.goto("/owner/login/")
    page.get_by_label("手机号码").fill(MOBILE)
    page.get_by_label("密码").fill("Shuanghe-2026")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/owner/")
    page.get_by_role("link", name="认领工作人员代为登记的场所").click()
    check(page, live_server)
    page.get_by_label("认领码").fill(code[:5] + "-" + code[5:])
    page.get_by_role("button", name="认领").click()
    page.wait_for_url("**/owner/")
    assert venue.name in page.content()
    venue.refresh_from_db()
    assert venue.owner == owner


def test_my_data_and_a_correction_request_on_a_phone(phone, live_server, demo_site):
    """The demo owner reads everything held about them, asks for a correction and sees it
    listed; the privacy notice opens from the footer."""
    from home.demo import build_demo_venues
    from venues.models import CorrectionRequest

    build_demo_venues()
    page = phone
    page.goto("/owner/login/")
    page.get_by_label("手机号码").fill("13800000001")
    page.get_by_label("密码").fill("Demo-owner-2024")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/owner/")
    page.get_by_role("link", name="我的账号").first.click()
    page.get_by_role("link", name="我的信息：查看、下载或更正").click()
    page.wait_for_url("**/owner/data/")
    assert page.get_by_role("heading", name="谁查看过您的完整号码").is_visible()
    check(page, live_server)
    page.get_by_role("link", name="申请更正信息").click()
    check(page, live_server)
    page.get_by_label("哪里不对，应该是什么").fill("联系人手机号应为13912345678")
    page.get_by_role("button", name="提交申请").click()
    page.wait_for_url("**/owner/data/")
    assert "申请已提交" in page.content() and "联系人手机号应为13912345678" in page.content()
    check(page, live_server)
    assert CorrectionRequest.objects.count() == 1
    page.get_by_role("link", name="个人信息保护说明").click()
    assert page.get_by_role("heading", name="个人信息保护说明").is_visible()
    check(page, live_server)
