"""Owners' accounts by mobile number: codes by text message (hashed, 10 minutes, 5 tries,
once, rate-limited), sign-up, sign-in, password reset, mobile change, the message box and
claiming a census record."""

import datetime
import re

from django.contrib.auth import get_user_model
from django.utils import timezone

import pytest

from tests.factories import UserFactory, make_staff, make_venue
from venues.models import AuditEntry, CodePurpose, Message, VenueStatus, VerificationCode
from venues.workflows import claims, codes

pytestmark = pytest.mark.django_db
User = get_user_model()
MOBILE = "13900001234"


def last_code(outbox):
    return re.search(r"(\d{6})", outbox[-1]["text"]).group(1)


# The code rules


def test_a_code_is_sent_stored_hashed_and_accepted_once(sms_outbox):
    codes.send_code(MOBILE, CodePurpose.SIGN_UP)
    code = last_code(sms_outbox)
    assert sms_outbox[-1]["mobile"] == MOBILE and sms_outbox[-1]["template"] == "verification_code"
    assert code not in VerificationCode.objects.get().code_hash
    codes.check_code(MOBILE, CodePurpose.SIGN_UP, code)
    with pytest.raises(codes.CodeError):
        codes.check_code(MOBILE, CodePurpose.SIGN_UP, code)


def test_a_code_expires_after_ten_minutes(sms_outbox):
    codes.send_code(MOBILE, CodePurpose.SIGN_UP)
    VerificationCode.objects.update(sent_at=timezone.now() - datetime.timedelta(minutes=10, seconds=1))
    with pytest.raises(codes.CodeError, match="过期"):
        codes.check_code(MOBILE, CodePurpose.SIGN_UP, last_code(sms_outbox))


def test_five_wrong_tries_use_the_code_up(sms_outbox):
    codes.send_code(MOBILE, CodePurpose.SIGN_UP)
    right = last_code(sms_outbox)
    wrong = "000000" if right != "000000" else "111111"
    for left in (4, 3, 2, 1):
        with pytest.raises(codes.CodeError, match=f"还可以再试 {left} 次"):
            codes.check_code(MOBILE, CodePurpose.SIGN_UP, wrong)
    with pytest.raises(codes.CodeError, match="错误次数过多"):
        codes.check_code(MOBILE, CodePurpose.SIGN_UP, wrong)
    with pytest.raises(codes.CodeError, match="错误次数过多"):
        codes.check_code(MOBILE, CodePurpose.SIGN_UP, right)


def test_a_code_works_only_for_its_purpose_and_a_new_one_replaces_it(sms_outbox):
    codes.send_code(MOBILE, CodePurpose.SIGN_UP)
    first = last_code(sms_outbox)
    with pytest.raises(codes.CodeError):
        codes.check_code(MOBILE, CodePurpose.RESET_PASSWORD, first)
    VerificationCode.objects.update(sent_at=timezone.now() - datetime.timedelta(minutes=2))
    codes.send_code(MOBILE, CodePurpose.SIGN_UP)
    second = last_code(sms_outbox)
    if first != second:
        with pytest.raises(codes.CodeError):
            codes.check_code(MOBILE, CodePurpose.SIGN_UP, first)
    codes.check_code(MOBILE, CodePurpose.SIGN_UP, second)


def test_sending_is_limited_per_number(sms_outbox):
    codes.send_code(MOBILE, CodePurpose.SIGN_UP)
    with pytest.raises(codes.CodeError, match="秒后"):
        codes.send_code(MOBILE, CodePurpose.SIGN_UP)
    for _ in range(codes.PER_NUMBER_PER_HOUR - 1):
        VerificationCode.objects.update(sent_at=timezone.now() - datetime.timedelta(minutes=5))
        codes.send_code(MOBILE, CodePurpose.SIGN_UP)
    VerificationCode.objects.update(sent_at=timezone.now() - datetime.timedelta(minutes=5))
    with pytest.raises(codes.CodeError, match="分钟后"):
        codes.send_code(MOBILE, CodePurpose.SIGN_UP)
    assert len(sms_outbox) == codes.PER_NUMBER_PER_HOUR


def test_sending_is_limited_per_address(sms_outbox):
    for n in range(codes.PER_ADDRESS_PER_HOUR):
        codes.send_code(f"139{n:08d}", CodePurpose.SIGN_UP, "203.0.113.9")
    with pytest.raises(codes.CodeError):
        codes.send_code("13700000000", CodePurpose.SIGN_UP, "203.0.113.9")
    codes.send_code("13700000000", CodePurpose.SIGN_UP, "203.0.113.10")


# Signing up and in


def sign_up(client, sms_outbox, mobile=MOBILE, password="Shuanghe-2026", name="王大妈"):
    response = client.post("/owner/signup/", {"mobile": mobile})
    assert response.status_code == 302, response.context["form"].errors
    return client.post("/owner/signup/confirm/", {
        "code": last_code(sms_outbox), "full_name": name, "password1": password, "password2": password})


def test_signing_up_with_a_mobile_number(client, sms_outbox):
    response = sign_up(client, sms_outbox, mobile="139-0000-1234")
    assert response.status_code == 302 and response["Location"] == "/owner/"
    user = User.objects.get(mobile=MOBILE)
    assert user.full_name == "王大妈" and not hasattr(user, "staff_profile")
    assert "我的场所" in client.get("/owner/").content.decode()
    client.post("/owner/logout/")
    assert client.login(mobile="139 0000 1234", password="Shuanghe-2026")


def test_a_wrong_code_keeps_what_was_typed(client, sms_outbox):
    client.post("/owner/signup/", {"mobile": MOBILE})
    right = last_code(sms_outbox)
    response = client.post("/owner/signup/confirm/", {
        "code": "000000" if right != "000000" else "111111", "full_name": "王大妈",
        "password1": "Shuanghe-2026", "password2": "Shuanghe-2026"})
    assert response.status_code == 200
    assert "验证码不正确" in str(response.context["form"].errors["code"])
    assert 'value="王大妈"' in response.content.decode()
    assert not User.objects.filter(mobile=MOBILE).exists()


def test_a_number_with_an_account_is_sent_to_sign_in(client, sms_outbox):
    UserFactory(mobile=MOBILE)
    response = client.post("/owner/signup/", {"mobile": MOBILE})
    assert "已有账号" in str(response.context["form"].errors["mobile"])
    assert sms_outbox == []


def test_signing_in_and_back_to_where_one_was_going(client, sms_outbox):
    sign_up(client, sms_outbox)
    client.post("/owner/logout/")
    assert client.get("/owner/messages/")["Location"] == "/owner/login/?next=/owner/messages/"
    response = client.post("/owner/login/", {"mobile": MOBILE, "password": "wrong-one",
                                              "next": "/owner/messages/"})
    assert "手机号或密码不正确" in response.content.decode()
    response = client.post("/owner/login/", {"mobile": MOBILE, "password": "Shuanghe-2026",
                                              "next": "/owner/messages/"})
    assert response["Location"] == "/owner/messages/"
    client.post("/owner/logout/")
    response = client.post("/owner/login/", {"mobile": MOBILE, "password": "Shuanghe-2026",
                                              "next": "https://evil.example/"})
    assert response["Location"] == "/owner/"


def test_staff_do_not_sign_in_on_the_owner_site(client, tree):
    staff = make_staff(tree["qinggang"], mobile=MOBILE)
    staff.set_password("Staff-pass-2026")
    staff.save()
    response = client.post("/owner/login/", {"mobile": MOBILE, "password": "Staff-pass-2026"})
    assert response.status_code == 200
    client.force_login(staff)
    assert "后台" in client.get("/owner/").content.decode()


def test_a_forgotten_password(client, sms_outbox):
    owner = UserFactory(mobile=MOBILE)
    client.post("/owner/reset/", {"mobile": MOBILE})
    response = client.post("/owner/reset/confirm/", {
        "code": last_code(sms_outbox), "password1": "New-Shuanghe-88", "password2": "New-Shuanghe-88"})
    assert response["Location"] == "/owner/login/"
    assert client.login(mobile=MOBILE, password="New-Shuanghe-88")
    assert AuditEntry.objects.filter(action="owner.reset_password", object_id=str(owner.pk)).exists()


def test_changing_the_mobile_number_needs_a_code_sent_to_the_new_one(client, sms_outbox):
    owner = UserFactory(mobile=MOBILE)
    owner.set_password("Shuanghe-2026")
    owner.save()
    client.force_login(owner)
    response = client.post("/owner/account/mobile/", {"mobile": "13600009999", "password": "Shuanghe-2026"})
    assert response.status_code == 302 and sms_outbox[-1]["mobile"] == "13600009999"
    client.post("/owner/account/mobile/confirm/", {"code": last_code(sms_outbox)})
    owner.refresh_from_db()
    assert owner.mobile == "13600009999"
    assert client.get("/owner/account/").status_code == 200  # still signed in


# The owner's pages


def test_the_home_page_lists_only_ones_own_venues_with_what_to_do(client, tree):
    owner, other = UserFactory(mobile=MOBILE), UserFactory(mobile="13600000000")
    make_venue(tree["qinggang-1"], owner=owner, name="王家小卖部", status=VenueStatus.RETURNED)
    make_venue(tree["qinggang-1"], owner=other, name="别人的饭店")
    client.force_login(owner)
    html = client.get("/owner/").content.decode()
    assert "王家小卖部" in html and "别人的饭店" not in html
    assert "修改" in html  # what to do next for a returned registration


def test_an_operator_with_an_account_sees_the_venue(client, tree, sms_outbox):
    make_venue(tree["qinggang-1"], owner=UserFactory(), name="李家饭店", operator_mobile=MOBILE)
    sign_up(client, sms_outbox)
    assert "李家饭店" in client.get("/owner/").content.decode()


def test_messages_are_kept_and_marked_read_when_opened(client, tree):
    owner = UserFactory(mobile=MOBILE)
    message = Message.objects.create(recipient=owner, subject="王家小卖部：已批准",
                                     body="您的登记已审核通过。")
    Message.objects.create(recipient=UserFactory(), subject="别人的消息", body="x")
    client.force_login(owner)
    html = client.get("/owner/messages/").content.decode()
    assert "王家小卖部：已批准" in html and "别人的消息" not in html
    client.get(f"/owner/messages/{message.pk}/")
    message.refresh_from_db()
    assert message.read_at is not None
    other = Message.objects.get(subject="别人的消息")
    assert client.get(f"/owner/messages/{other.pk}/").status_code == 404


def test_claiming_a_census_record(client, tree):
    staff = make_staff(tree["qinggang"], permissions=("access_admin", "view_venue", "add_venue"))
    venue = make_venue(tree["qinggang-1"], name="青杠小面馆", status=VenueStatus.APPROVED)
    code = claims.issue(venue, staff)
    owner = UserFactory(mobile=MOBILE)
    client.force_login(owner)
    response = client.post("/owner/claim/", {"code": "WRONG12345"})
    assert "认领码无效" in response.content.decode()
    response = client.post("/owner/claim/", {"code": f"{code[:5]}-{code[5:].lower()}"})
    assert response["Location"] == "/owner/"
    venue.refresh_from_db()
    assert venue.owner == owner


def test_village_staff_help_an_owner_who_lost_phone_and_password(client, tree):
    from django.contrib.auth.models import Group

    from venues.roles import GRID_WORKER, VILLAGE_STAFF

    owner = UserFactory(mobile=MOBILE)
    venue = make_venue(tree["qinggang-1"], owner=owner, status=VenueStatus.APPROVED)
    staff = make_staff(tree["qinggang"], permissions=())
    staff.groups.add(Group.objects.get(name=VILLAGE_STAFF))
    client.force_login(staff)
    url = f"/admin/venues/venue/{venue.pk}/owner-help/"
    response = client.post(url, {"mobile": "13600001111", "password1": "", "reason": ""})
    assert "reason" in response.context["form"].errors
    response = client.post(url, {"mobile": "13600001111", "password1": "Help-me-2026!",
                                 "reason": "本人持身份证到村委会办理"})
    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.mobile == "13600001111" and owner.check_password("Help-me-2026!")
    entry = AuditEntry.objects.get(action="owner.help")
    assert entry.actor == staff and entry.detail["reason"] == "本人持身份证到村委会办理"
    # A grid worker cannot (no review right), nor staff of another village (not found).
    grid_worker = make_staff(tree["qinggang-1"], permissions=())
    grid_worker.groups.add(Group.objects.get(name=GRID_WORKER))
    client.force_login(grid_worker)
    assert client.get(url)["Location"].rstrip("/").endswith("/admin")
    elsewhere = make_staff(tree["mugen"], permissions=())
    elsewhere.groups.add(Group.objects.get(name=VILLAGE_STAFF))
    client.force_login(elsewhere)
    assert client.get(url).status_code == 404
