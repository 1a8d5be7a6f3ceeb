"""The back office's second factor (venues.otp): every admin URL the resolver knows asks an
unverified session for a one-time code; setup, verify and backup codes; no bypass in
production."""

import importlib
import re
import sys
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from django.contrib.auth.models import AnonymousUser
from django.core.checks import run_checks
from django.test import RequestFactory
from django.urls import Resolver404, URLResolver, get_resolver, resolve, reverse
from django.urls.resolvers import RegexPattern
from django.utils import timezone, translation

import pytest
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import UserFactory, make_staff
from venues import otp
from venues.checks import second_factor_required

pytestmark = pytest.mark.django_db

# What an unverified session may still open under /admin/: Wagtail's pages for anonymous
# visitors (sign-in, password reset, and two assets without data: the icon sprite and the
# JavaScript translation catalogue), signing out, and the second factor's own two pages.
EXPECTED_EXEMPT = {
    "wagtailadmin_login",
    "wagtailadmin_logout",
    "wagtailadmin_password_reset",
    "wagtailadmin_password_reset_done",
    "wagtailadmin_password_reset_confirm",
    "wagtailadmin_password_reset_complete",
    "wagtailadmin_sprite",
    "wagtailadmin_javascript_catalog",
    "venues_otp_setup",
    "venues_otp_verify",
}

CONVERTER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")
REGEX_GROUP = re.compile(r"\((?:[^()]|\([^()]*\))*\)")


def _route_example(route):
    return CONVERTER.sub(lambda m: "1" if m["converter"] == "int" else "x", route)


def _regex_example(regex):
    """An example for the few regex patterns Wagtail and modeladmin use: each group becomes 1
    (all of them accept digits), ``.*`` becomes x."""
    text = REGEX_GROUP.sub("1", regex.lstrip("^").rstrip("$"))
    return text.replace(".*", "x").replace("\\.", ".")


def admin_urls():
    """(name, example path, pattern route) for every URL pattern under admin/."""
    def walk(patterns, parts):
        for pattern in patterns:
            here = [*parts, pattern.pattern]
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, here)
            else:
                example = "".join(
                    _regex_example(str(p)) if isinstance(p, RegexPattern) else _route_example(str(p))
                    for p in here
                )
                # As Django joins a route (ResolverMatch.route): without a regex's leading ^.
                yield pattern.name, "/" + example, "".join(str(p).removeprefix("^") for p in here)

    return [url for url in walk(get_resolver().url_patterns, []) if url[1].startswith("/admin/")]


@pytest.fixture
def otp_on(settings):
    settings.OTP_REQUIRED_FOR_ADMIN = True


@pytest.fixture
def superuser(db):
    return UserFactory(is_superuser=True, is_staff=True)


def _totp_code(device):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def _verified(client, user, device):
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def _target(response):
    """(path, next) of a redirect."""
    location = urlsplit(response["Location"])
    return location.path, parse_qs(location.query).get("next", [None])[0]


def test_the_examples_reach_every_admin_pattern():
    urls = admin_urls()
    assert len(urls) > 100
    for name, path, route in urls:
        try:
            match = resolve(path)
        except Resolver404:
            pytest.fail(f"{path} ({name}) does not resolve")
        assert match.route == route, (path, route, match.route)


def test_the_exempt_patterns_are_exactly_these():
    names = {name for name, *_ in admin_urls()}
    assert otp.EXEMPT_URL_NAMES == EXPECTED_EXEMPT
    assert names >= EXPECTED_EXEMPT


@pytest.mark.parametrize("has_device", [False, True], ids=["no device", "device"])
def test_every_admin_url_redirects_an_unverified_session(client, otp_on, superuser, has_device):
    if has_device:
        otp.new_backup_codes(superuser)
    expected = reverse("venues_otp_verify" if has_device else "venues_otp_setup")
    client.force_login(superuser)
    checked = 0
    for name, path, _route in admin_urls():
        if name in EXPECTED_EXEMPT:
            continue
        for method in (client.get, client.post):
            response = method(path)
            assert response.status_code == 302, (path, name, response.status_code)
            assert _target(response)[0] == expected, (path, name, response["Location"])
        checked += 1
    assert checked > 100


def test_the_middleware_redirects_before_any_url_is_resolved(otp_on, superuser):
    """Run on the path alone, the middleware answers before a view, or a 404 for a path
    that matches nothing, could be reached."""
    def the_page(request):
        pytest.fail(f"{request.path} reached its view unverified")

    middleware = otp.SecondFactorMiddleware(the_page)
    factory = RequestFactory()
    superuser.is_verified = lambda: False
    paths = [path for name, path, _ in admin_urls() if name not in EXPECTED_EXEMPT]
    paths += ["/admin/no-such-page/", "/admin/no-such-page", "/admin/pages/999999/edit/",
              "/admin/venues/venue/inspect/../../../login/"]
    for path in paths:
        for method in (factory.get, factory.post, factory.head):
            request = method(path)
            request.user = superuser
            response = middleware(request)
            assert response.status_code == 302, path
            assert _target(response)[0] == reverse("venues_otp_setup"), path


def test_the_exempt_pages_open_without_a_second_factor(client, otp_on, superuser):
    client.force_login(superuser)
    for name in ["venues_otp_setup", "wagtailadmin_javascript_catalog", "wagtailadmin_sprite"]:
        assert client.get(reverse(name)).status_code == 200, name
    assert client.post(reverse("wagtailadmin_logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_verified_session_reaches_the_dashboard(client, otp_on):
    staff = make_staff()
    device = StaticDevice.objects.create(user=staff, name="backup")
    _verified(client, staff, device)
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    assert client.get(reverse("venues_otp_verify")).status_code == 302  # nothing left to do


def test_without_the_setting_nothing_is_asked(client, settings, superuser):
    settings.OTP_REQUIRED_FOR_ADMIN = False
    client.force_login(superuser)
    assert client.get(reverse("wagtailadmin_home")).status_code == 200


def test_setting_up_an_authenticator_app(client, otp_on):
    staff = make_staff()
    client.force_login(staff)
    response = client.get("/admin/account/")
    assert _target(response) == (reverse("venues_otp_setup"), "/admin/account/")
    setup = client.get(response["Location"])
    assert setup.status_code == 200
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    secret = "".join(setup.context["secret_groups"])
    content = setup.content.decode()
    assert "<svg" in content and " ".join(setup.context["secret_groups"]) in content
    assert client.get(reverse("venues_otp_setup")).context["secret_groups"] == setup.context[
        "secret_groups"], "reloading keeps the same secret"
    from base64 import b32decode

    assert b32decode(secret) == device.bin_key

    wrong = client.post(reverse("venues_otp_setup"), {"code": "000000", "next": "/admin/account/"})
    assert wrong.status_code == 200 and not TOTPDevice.objects.get(pk=device.pk).confirmed
    assert wrong.context["form"].errors["code"]
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)

    done = client.post(reverse("venues_otp_setup"),
                       {"code": _totp_code(device), "next": "/admin/account/"})
    assert _target(done) == (reverse("venues_otp_backup_codes"), "/admin/account/")
    codes_page = client.get(done["Location"])
    codes = codes_page.context["codes"]
    assert len(codes) == len(set(codes)) == 10
    stored = StaticToken.objects.filter(device__user=staff).values_list("token", flat=True)
    assert sorted(stored) == sorted(codes)
    assert all(code in codes_page.content.decode() for code in codes)
    # Shown once: the next visit goes straight on.
    again = client.get(done["Location"])
    assert again.status_code == 302 and again["Location"] == "/admin/account/"
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    account = client.get("/admin/account/")
    assert account.status_code == 200
    assert reverse("venues_otp_setup") in account.content.decode(), "a new phone, from the account page"


def test_an_unverified_user_with_a_device_cannot_add_another(client, otp_on):
    """Otherwise a stolen password would be enough to enrol the thief's own phone."""
    staff = make_staff()
    otp.new_backup_codes(staff)
    client.force_login(staff)
    response = client.get(reverse("venues_otp_setup"))
    assert _target(response)[0] == reverse("venues_otp_verify")
    response = client.post(reverse("venues_otp_setup"), {"code": "123456"})
    assert _target(response)[0] == reverse("venues_otp_verify")
    assert not TOTPDevice.objects.filter(user=staff).exists()


def test_an_app_code_verifies_a_session(client, otp_on):
    staff = make_staff()
    device = TOTPDevice.objects.create(user=staff, name="authenticator", confirmed=True)
    client.force_login(staff)
    key_before = client.session.session_key
    response = client.post(reverse("venues_otp_verify"),
                           {"code": _totp_code(device), "next": "/admin/pages/"})
    assert response.status_code == 302 and response["Location"] == "/admin/pages/"
    assert client.session.session_key != key_before, "a new session key once verified"
    assert client.get(reverse("wagtailadmin_home")).status_code == 200


def test_a_backup_code_works_once(client, otp_on):
    staff = make_staff()
    code = otp.new_backup_codes(staff)[0]
    client.force_login(staff)
    response = client.post(reverse("venues_otp_verify"), {"code": f" {code.upper()} "})
    assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
    assert client.get(reverse("wagtailadmin_home")).status_code == 200
    assert StaticToken.objects.filter(device__user=staff).count() == 9

    client.logout()
    client.force_login(staff)
    StaticDevice.objects.filter(user=staff).update(throttling_failure_count=0)
    again = client.post(reverse("venues_otp_verify"), {"code": code})
    assert again.status_code == 200
    assert _target(client.get(reverse("wagtailadmin_home")))[0] == reverse("venues_otp_verify")


def test_a_wrong_code_is_refused_in_chinese(client, otp_on):
    staff = make_staff()
    otp.new_backup_codes(staff)
    TOTPDevice.objects.create(user=staff, name="authenticator", confirmed=True)
    client.force_login(staff)
    for wrong in ["000000", "notacode"]:
        StaticDevice.objects.filter(user=staff).update(throttling_failure_count=0)
        TOTPDevice.objects.filter(user=staff).update(throttling_failure_count=0)
        response = client.post(reverse("venues_otp_verify"), {"code": wrong})
        assert response.status_code == 200
        with translation.override("zh-hans"):
            expected = translation.gettext(
                "That code is not right, or it has been used already. Enter the code your app "
                "shows now, or an unused backup code."
            )
        assert expected in response.content.decode()
        assert response.context["form"].errors["code"] == [expected]
        assert response.wsgi_request.LANGUAGE_CODE == "zh-hans"
    assert DEVICE_ID_SESSION_KEY not in client.session


def test_repeated_wrong_codes_slow_down(client, otp_on):
    from venues.otp_views import _throttled_message

    staff = make_staff()
    code = otp.new_backup_codes(staff)[0]
    last_failure = timezone.now()
    StaticDevice.objects.filter(user=staff).update(
        throttling_failure_count=5, throttling_failure_timestamp=last_failure
    )
    client.force_login(staff)
    response = client.post(reverse("venues_otp_verify"), {"code": code})
    assert response.status_code == 200
    # Five failures in a row: the next try waits 2⁴ seconds.
    expected = _throttled_message(last_failure + timedelta(seconds=16))
    assert response.context["form"].errors["code"] == [expected]
    assert StaticToken.objects.filter(token=code).exists(), "the code is not used up"


def test_next_stays_on_this_site(client, otp_on):
    staff = make_staff()
    code = otp.new_backup_codes(staff)[0]
    client.force_login(staff)
    response = client.post(reverse("venues_otp_verify"),
                           {"code": code, "next": "https://evil.example/admin/"})
    assert response["Location"] == reverse("wagtailadmin_home")


def test_owners_are_not_asked(client, otp_on):
    owner = UserFactory(mobile="13800000077")
    client.force_login(owner)
    assert client.get("/owner/").status_code == 200
    assert client.get("/owner/messages/").status_code == 200
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code in (302, 403)
    assert "second-factor" not in response.get("Location", "")
    assert not otp.needs_second_factor(owner)
    assert not otp.needs_second_factor(AnonymousUser())


def test_anonymous_visitors_are_sent_to_sign_in(client, otp_on):
    response = client.get(reverse("venues_otp_setup"))
    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == reverse("wagtailadmin_login")


def test_demo_staff_get_backup_codes_kept_until_used(db):
    from home.demo import DEMO_ACCOUNTS, build_demo_site, demo_backup_codes, ensure_demo_accounts

    build_demo_site()
    ensure_demo_accounts()
    codes = demo_backup_codes()
    staff = [username for username, *_ in DEMO_ACCOUNTS if not username.isdigit()]
    assert sorted(codes) == sorted(staff)
    assert all(len(user_codes) == 5 for user_codes in codes.values())
    assert demo_backup_codes() == codes, "printed again, not replaced"
    StaticToken.objects.filter(device__user__username="town").delete()
    renewed = demo_backup_codes()
    assert len(renewed["town"]) == 5 and renewed["town"] != codes["town"]


def test_the_deploy_check_refuses_turning_it_off(settings):
    settings.DEBUG = False
    settings.OTP_REQUIRED_FOR_ADMIN = False
    assert [error.id for error in second_factor_required(None)] == ["venues.E101"]
    assert "venues.E101" in {m.id for m in run_checks(include_deployment_checks=True)}
    settings.OTP_REQUIRED_FOR_ADMIN = True
    assert second_factor_required(None) == []
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != "venues.otp.SecondFactorMiddleware"]
    assert [error.id for error in second_factor_required(None)] == ["venues.E102"]


def test_production_settings_refuse_turning_it_off(monkeypatch):
    import portal.settings.base as base

    # What production reads from the environment, as base.py would have read it.
    monkeypatch.setattr(base, "SECRET_KEY", "production-like-" + "abcdefghij" * 5)
    monkeypatch.setattr(base, "ALLOWED_HOSTS", ["shuanghe.example.cn"])
    monkeypatch.setattr(base, "FIELD_ENCRYPTION_KEYS", ["LZk5px8PFj82FcrLlk_Z_Sukd_GcePrDi4th1zTwoxE="])
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")  # required; not connected to here
    monkeypatch.delitem(sys.modules, "portal.settings.production", raising=False)
    production = importlib.import_module("portal.settings.production")
    assert production.OTP_REQUIRED_FOR_ADMIN is True
    middleware = production.MIDDLEWARE
    assert (middleware.index("django.contrib.auth.middleware.AuthenticationMiddleware")
            < middleware.index("django_otp.middleware.OTPMiddleware")
            < middleware.index("venues.otp.SecondFactorMiddleware"))

    monkeypatch.setattr(base, "OTP_REQUIRED_FOR_ADMIN", False)
    monkeypatch.delitem(sys.modules, "portal.settings.production")
    with pytest.raises(RuntimeError, match="OTP_REQUIRED_FOR_ADMIN"):
        importlib.import_module("portal.settings.production")


def test_second_factor_events_are_audited(client, otp_on):
    from venues.models import AuditEntry

    staff = make_staff()
    code = otp.new_backup_codes(staff)[0]
    client.force_login(staff)
    client.post(reverse("venues_otp_verify"), {"code": "wrongcode"})
    StaticDevice.objects.filter(user=staff).update(throttling_failure_count=0)
    client.post(reverse("venues_otp_verify"), {"code": code})
    entries = AuditEntry.objects.filter(action__startswith="second_factor.").order_by("pk")
    assert [(e.action, e.outcome, e.actor_id) for e in entries] == [
        ("second_factor.failed", "failed", staff.pk),
        ("second_factor.verified", "ok", staff.pk),
    ]
    assert entries[1].detail == {"device": "StaticDevice"}
    assert code not in str(entries[0].detail) + str(entries[1].detail)
