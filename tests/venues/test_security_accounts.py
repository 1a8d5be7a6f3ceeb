"""Accounts and sessions (等保 level 2): the sign-in lockout on both sign-in pages, the
password rules of staff and owners, the staff password's age, the session's idle and
absolute lifetime, its cookies, and one session at a time where the town asks for it."""

import datetime
import os
import re
import secrets
import subprocess
import sys
import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.backends import cached_db
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import F
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext

import pytest
from axes.models import AccessAttempt

from tests.factories import PASSWORD, UserFactory, make_staff
from venues.forms import OwnerHelpForm, StaffForm
from venues.models import AuditEntry, PasswordHistory
from venues.roles import TOWN_OFFICE, VILLAGE_STAFF
from venues.security import SESSION_SAVED_AT, SIGNED_IN_AT

pytestmark = pytest.mark.django_db
User = get_user_model()
MOBILE = "13900001234"
OWNER_PASSWORD = "Shuanghe-2026"


def lockout_text(minutes):
    with translation.override("zh-hans"):
        return ngettext(
            "Too many failed sign-ins. Please try again in %(minutes)d minute.",
            "Too many failed sign-ins. Please try again in %(minutes)d minutes.",
            minutes,
        ) % {"minutes": minutes}


def move_attempts_back(minutes):
    """As if ``minutes`` had passed since the failed sign-ins."""
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - datetime.timedelta(minutes=minutes))


@pytest.fixture
def owner():
    user = UserFactory(mobile=MOBILE)
    user.set_password(OWNER_PASSWORD)
    user.save()
    return user


@pytest.fixture
def clerk(tree):
    return make_staff(tree["qinggang"], username="clerk")


def owner_login(client, password, mobile="139 0000 1234", **extra):
    return client.post("/owner/login/", {"mobile": mobile, "password": password}, **extra)


def admin_login(client, password, username="clerk", **extra):
    return client.post("/admin/login/", {"username": username, "password": password}, **extra)


# The lockout --------------------------------------------------------------------------------------

def test_five_failures_lock_the_owner_login_for_15_minutes(client, owner):
    for _attempt in range(4):
        response = owner_login(client, "wrong-password")
        assert response.status_code == 200
        assert lockout_text(15) not in response.content.decode()
    fifth = owner_login(client, "wrong-password")
    # The owner's own sign-in page, with the message beside the form.
    assert fifth.status_code == 429
    page = fifth.content.decode()
    assert lockout_text(15) in page and 'name="mobile"' in page and "owner-form" in page
    # The right password does not help while the lockout lasts, and the time counts down.
    move_attempts_back(10)
    refused = owner_login(client, OWNER_PASSWORD)
    assert refused.status_code == 429 and lockout_text(5) in refused.content.decode()
    assert "_auth_user_id" not in client.session
    # 15 minutes after the fifth failure it is over.
    move_attempts_back(5)
    assert owner_login(client, OWNER_PASSWORD)["Location"] == "/owner/"


def test_the_lockout_is_per_account_and_address(client, owner):
    other = UserFactory(mobile="13900005678")
    other.set_password(OWNER_PASSWORD)
    other.save()
    for _attempt in range(5):
        owner_login(client, "wrong-password")
    assert owner_login(client, OWNER_PASSWORD).status_code == 429
    # The same account from another address, and another account from this one, still sign in.
    assert owner_login(Client(), OWNER_PASSWORD, REMOTE_ADDR="10.1.2.3")["Location"] == "/owner/"
    assert owner_login(Client(), OWNER_PASSWORD, mobile="13900005678")["Location"] == "/owner/"
    # The mobile number, however it is typed, is the account.
    assert owner_login(Client(), OWNER_PASSWORD, mobile="+86 139-0000-1234").status_code == 429


def test_five_failures_lock_the_admin_login_for_15_minutes(client, clerk):
    for _attempt in range(4):
        assert admin_login(client, "wrong-password").status_code == 200
    fifth = admin_login(client, "wrong-password")
    assert fifth.status_code == 429
    page = fifth.content.decode()
    # Wagtail's own sign-in page, with the message.
    assert lockout_text(15) in page and 'name="username"' in page and "login" in page
    assert admin_login(client, PASSWORD).status_code == 429
    move_attempts_back(15)
    assert admin_login(client, PASSWORD)["Location"] == "/admin/"


def test_a_success_starts_the_count_again(client, owner):
    for _attempt in range(4):
        owner_login(client, "wrong-password")
    assert owner_login(client, OWNER_PASSWORD)["Location"] == "/owner/"
    client.post("/owner/logout/")
    for _attempt in range(4):
        assert owner_login(client, "wrong-password").status_code == 200


def test_a_password_reset_by_text_message_lifts_the_lockout(client, owner, sms_outbox):
    for _attempt in range(5):
        owner_login(client, "wrong-password")
    client.post("/owner/reset/", {"mobile": MOBILE})
    code = re.search(r"(\d{6})", sms_outbox[-1]["text"]).group(1)
    response = client.post("/owner/reset/confirm/", {
        "code": code, "password1": "New-Shuanghe-88", "password2": "New-Shuanghe-88"})
    assert response["Location"] == "/owner/login/"
    assert owner_login(client, "New-Shuanghe-88")["Location"] == "/owner/"


def test_staff_setting_a_password_lifts_the_lockout(client, tree, clerk):
    for _attempt in range(5):
        admin_login(client, "wrong-password")
    town = make_staff(tree["town"], permissions=(), username="town")
    town.groups.add(Group.objects.get(name=TOWN_OFFICE))
    manager = Client()
    manager.force_login(town)
    response = manager.post(reverse("venues_staff_password", args=[clerk.pk]),
                            {"password1": "Fresh-start-2026", "password2": "Fresh-start-2026"})
    assert response.status_code == 302
    assert admin_login(client, "Fresh-start-2026")["Location"] == "/admin/"


def test_staff_helping_an_owner_lifts_the_lockout(client, tree, owner, clerk):
    for _attempt in range(5):
        owner_login(client, "wrong-password")
    form = OwnerHelpForm({"password1": "Helped-2026", "reason": "带身份证到村委会核实"}, owner=owner)
    assert form.is_valid(), form.errors
    form.save(clerk)
    assert owner_login(client, "Helped-2026")["Location"] == "/owner/"


# Password rules ------------------------------------------------------------------------------------

def codes(password, user):
    try:
        validate_password(password, user)
    except ValidationError as error:
        return {e.code for e in error.error_list}
    return set()


def test_staff_passwords_need_length_and_three_kinds_of_character(clerk):
    assert "password_too_short" in codes("Ab-12345", clerk)
    assert "password_too_simple" in codes("abcdefgh12345", clerk)
    assert "password_too_simple" in codes("ABCDEFGH!!!!", clerk)
    assert codes("abcdefgh-12345", clerk) == set()
    assert codes("Qinggang-2026", clerk) == set()


def test_editors_without_a_staff_profile_follow_the_staff_rules(db):
    editor = UserFactory(username="editor2")
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    editor = User.objects.get(pk=editor.pk)  # without the permissions cached before
    assert "password_too_simple" in codes("shuanghe2026", editor)


def test_owners_need_eight_characters_and_no_common_or_numeric_password(owner):
    assert "password_too_short" in codes("Ab-1234", owner)
    assert "password_too_common" in codes("password123", owner)
    assert "password_entirely_numeric" in codes("2026202620", owner)
    assert codes("shuanghe26", owner) == set()
    assert codes("shuanghe26", None) == set()  # signing up: no account yet


def test_staff_may_not_reuse_one_of_their_last_five_passwords(clerk):
    passwords = [f"Rotation-{n}-2026" for n in range(6)]
    for password in passwords:
        assert codes(password, clerk) == set()
        clerk.set_password(password)
        clerk.save()
    assert PasswordHistory.objects.filter(user=clerk).count() == 5
    for recent in passwords[1:]:
        assert codes(recent, clerk) == {"password_reused"}
    assert codes(passwords[0], clerk) == set()  # six passwords ago


def test_every_new_password_is_stamped(owner, clerk):
    before = timezone.now()
    for user in (owner, clerk):
        user.set_password("Another-pass-2026")
        user.save(update_fields=["password"])
        assert User.objects.get(pk=user.pk).password_changed_at >= before
    assert not PasswordHistory.objects.filter(user=owner).exists()  # staff only


def test_the_staff_form_applies_the_staff_rules_and_saves_one_session(tree):
    town = make_staff(tree["town"], permissions=(), username="town")
    town.groups.add(Group.objects.get(name=TOWN_OFFICE))
    data = {"username": "zhangmin", "full_name": "张敏", "role": VILLAGE_STAFF, "office": "",
            "areas": [tree["qinggang"].pk], "password1": "qinggang26", "password2": "qinggang26",
            "single_session": "on"}
    form = StaffForm(data, manager=town)
    assert not form.is_valid() and "password1" in form.errors
    data.update(password1="Qinggang-2026!", password2="Qinggang-2026!")
    form = StaffForm(data, manager=town)
    assert form.is_valid(), form.errors
    user = form.save()
    assert user.staff_profile.single_session
    assert PasswordHistory.objects.filter(user=user).count() == 1
    edit = StaffForm(manager=town, staff_user=user)
    assert edit.initial["single_session"] is True


def test_owner_forms_apply_the_owner_rules(owner):
    form = OwnerHelpForm({"password1": "shuanghe26", "reason": "核实身份"}, owner=owner)
    assert form.is_valid(), form.errors


def test_wagtails_password_change_applies_the_staff_rules(client, clerk):
    client.force_login(clerk)

    def change(new):
        return client.post("/admin/account/", {
            "password-old_password": PASSWORD, "password-new_password1": new,
            "password-new_password2": new, "name_email-first_name": "敏", "name_email-last_name": "张",
            "name_email-email": "clerk@example.org", "locale-preferred_language": "zh-hans",
            "locale-current_time_zone": "", "theme-theme": "system", "theme-density": "default",
            "theme-contrast": "system", "theme-keyboard_shortcuts": "on"})

    weak = change("qinggang26")
    assert weak.status_code == 200
    clerk.refresh_from_db()
    assert clerk.check_password(PASSWORD)
    assert change("Qinggang-2026!").status_code == 302
    clerk.refresh_from_db()
    assert clerk.check_password("Qinggang-2026!")


def test_an_old_staff_password_sends_every_admin_page_to_the_password_change(client, clerk, settings):
    User.objects.filter(pk=clerk.pk).update(password_changed_at=timezone.now() - datetime.timedelta(days=91))
    client.force_login(clerk)
    for path in ["/admin/", "/admin/pages/", "/admin/venues/todo/"]:
        response = client.get(path)
        assert response.status_code == 302 and response["Location"] == "/admin/account/", path
    assert client.get("/admin/account/").status_code == 200
    settings.STAFF_PASSWORD_MAX_AGE_DAYS = 120
    assert client.get("/admin/").status_code == 200
    settings.STAFF_PASSWORD_MAX_AGE_DAYS = 90
    clerk.set_password("Renewed-pass-2026")
    clerk.save()
    client.force_login(clerk)
    assert client.get("/admin/").status_code == 200


# Sessions -----------------------------------------------------------------------------------------

def stored(client):
    return Session.objects.get(session_key=client.session.session_key)


def test_a_session_ends_after_30_idle_minutes(client, owner):
    client.force_login(owner)
    assert client.get("/owner/").status_code == 200
    remaining = stored(client).expire_date - timezone.now()
    assert datetime.timedelta(minutes=29) < remaining <= datetime.timedelta(minutes=30)
    # Activity within the 30 minutes moves the end on (the session is saved again once a
    # minute has passed since its last save: venues.security.keep_alive).
    session = client.session
    session[SESSION_SAVED_AT] -= 61
    session.save()
    Session.objects.filter(pk=client.session.session_key).update(
        expire_date=timezone.now() + datetime.timedelta(minutes=1))
    cache.delete(cached_db.KEY_PREFIX + client.session.session_key)
    assert client.get("/owner/").status_code == 200
    assert stored(client).expire_date - timezone.now() > datetime.timedelta(minutes=29)
    # 30 minutes without a request, and it is over. (With sessions on Redis, as in production,
    # the cached copy expires at the same moment: cached_db gives it the session's expiry.)
    Session.objects.filter(pk=client.session.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1))
    cache.delete(cached_db.KEY_PREFIX + client.session.session_key)
    assert client.get("/owner/")["Location"].startswith("/owner/login/")


def move_sign_in_back(client, hours):
    session = client.session
    session[SIGNED_IN_AT] -= hours * 3600
    session.save()


def test_a_session_ends_12_hours_after_the_sign_in_however_active(client, owner, clerk):
    client.force_login(owner)
    move_sign_in_back(client, 11.9)
    assert client.get("/owner/").status_code == 200
    move_sign_in_back(client, 0.2)
    assert client.get("/owner/")["Location"].startswith("/owner/login/")
    assert AuditEntry.objects.filter(action="session.expired", object_id=str(owner.pk)).exists()
    client.force_login(clerk)
    move_sign_in_back(client, 12.1)
    assert client.get("/admin/")["Location"].startswith("/admin/login/")


def test_session_and_csrf_cookies_are_httponly_and_same_site(client, owner):
    response = client.get("/owner/login/")
    csrf = response.cookies["csrftoken"]
    assert csrf["httponly"] and csrf["samesite"] == "Lax"
    response = owner_login(client, OWNER_PASSWORD)
    session = response.cookies["sessionid"]
    assert session["httponly"] and session["samesite"] == "Lax"


def test_production_cookies_are_secure():
    env = {**os.environ, "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
           "DJANGO_ALLOWED_HOSTS": "example.org", "DJANGO_SETTINGS_MODULE": "portal.settings.production",
           "FIELD_ENCRYPTION_KEYS": "LZk5px8PFj82FcrLlk_Z_Sukd_GcePrDi4th1zTwoxE=",
           "REDIS_URL": "redis://127.0.0.1:6379/0"}  # required in production; not connected to here
    code = ("from django.conf import settings as s; print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
            "s.SESSION_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE, s.SESSION_COOKIE_AGE)")
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True,
        cwd=Path(__file__).resolve().parents[2])
    assert out.stdout.split() == ["True", "True", "True", "Lax", "1800"]


def test_a_one_session_account_signing_in_again_ends_its_other_session(clerk):
    clerk.staff_profile.single_session = True
    clerk.staff_profile.save()
    first, second = Client(), Client()
    first.force_login(clerk)
    assert first.get("/admin/").status_code == 200
    second.force_login(User.objects.get(pk=clerk.pk))
    assert first.get("/admin/")["Location"].startswith("/admin/login/")
    assert second.get("/admin/").status_code == 200
    assert AuditEntry.objects.filter(action="session.replaced", object_id=str(clerk.pk)).exists()


def test_other_accounts_may_be_signed_in_twice(clerk):
    first, second = Client(), Client()
    first.force_login(clerk)
    second.force_login(clerk)
    assert first.get("/admin/").status_code == 200
    assert second.get("/admin/").status_code == 200


def test_the_one_session_survives_its_own_key_changing(client, clerk):
    """A password change gives the session a new key; it stays the account's one session."""
    clerk.staff_profile.single_session = True
    clerk.staff_profile.save()
    client.force_login(clerk)
    session = client.session
    session.cycle_key()
    session.save()
    client.cookies["sessionid"] = session.session_key
    assert client.get("/admin/").status_code == 200


# Audit entries of the events ------------------------------------------------------------------------

def test_sign_in_events_are_audited(client, owner):
    owner_login(client, "wrong-password")
    failed = AuditEntry.objects.get(action="login", outcome="failed")
    assert failed.detail["username"] == "139****1234"
    owner_login(client, OWNER_PASSWORD)
    assert AuditEntry.objects.filter(action="login", outcome="ok", actor=owner).exists()
    client.post("/owner/logout/")
    assert AuditEntry.objects.filter(action="logout", actor=owner).exists()
    for _attempt in range(5):
        owner_login(client, "wrong-password")
    assert AuditEntry.objects.filter(action="login.lockout", outcome="refused").exists()
    owner.set_password("Changed-2026")
    owner.save()
    assert AuditEntry.objects.filter(action="password.change", object_id=str(owner.pk)).exists()


def test_the_sign_in_time_is_kept_in_the_session(client, owner):
    owner_login(client, OWNER_PASSWORD)
    assert abs(client.session[SIGNED_IN_AT] - time.time()) < 60
