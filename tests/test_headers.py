"""Security headers on every kind of page (portal/middleware.py and the SECURE_* settings),
and `manage.py check --deploy` with the production settings: nothing reported, nothing
silenced."""

import io
import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.middleware.csrf import get_token

import pytest
from PIL import Image

from portal.middleware import ADMIN_POLICY, SITE_POLICY, PrivatePageCacheMiddleware
from tests.factories import (
    UserFactory,
    make_area_tree,
    make_notice,
    make_registration_page,
    make_staff,
    make_venue,
)
from venues import photos
from venues.models import VenueStatus

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parent.parent

SITE = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; media-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
ADMIN = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; media-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-src 'self'; frame-ancestors 'self'"
)


def test_the_policies_are_the_ones_written_here():
    # Spelled out once more, so that a change to a policy is a deliberate change to this test.
    assert SITE_POLICY == SITE
    assert ADMIN_POLICY == ADMIN
    assert "unsafe-inline" not in SITE and "unsafe-eval" not in SITE + ADMIN
    assert "script-src 'self';" in ADMIN


def cache_control(response):
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


def assert_common_headers(response):
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def assert_site_page(response, status=200):
    assert response.status_code == status
    assert response["Content-Security-Policy"] == SITE
    assert_common_headers(response)


def assert_private(response):
    assert {"no-store", "private"} <= cache_control(response), response.get("Cache-Control")


def assert_cacheable(response):
    directives = cache_control(response)
    assert not directives & {"no-store", "private", "no-cache"}, directives


@pytest.fixture
def tree(db):
    return make_area_tree()


@pytest.fixture
def notice(notice_index):
    return make_notice(notice_index)


@pytest.fixture
def venue(tree):
    return make_venue(tree["qinggang-1"], "catering", name="青杠农家饭庄", status=VenueStatus.APPROVED)


@pytest.fixture
def owner(client):
    user = UserFactory(username="13900007777", mobile="13900007777")
    client.force_login(user)
    return user


@pytest.fixture
def staff(tree, client):
    user = make_staff(tree["town"], permissions=("access_admin", "view_venue", "add_venue"))
    client.force_login(user)
    return user


# --- Anonymous public pages: the site policy, cacheable ----------------------------------------

def test_home_page(client, home):
    response = client.get("/")
    assert_site_page(response)
    assert_cacheable(response)


def test_a_notice(client, notice):
    response = client.get(notice.url)
    assert_site_page(response)
    assert_cacheable(response)


def test_search(client, notice):
    response = client.get("/search/?q=通知")
    assert_site_page(response)
    assert_cacheable(response)


def test_the_public_venue_card(client, home, venue):
    response = client.get(f"/v/{venue.public_code}/")
    assert_site_page(response)
    assert_cacheable(response)


def test_a_page_that_is_not_there(client, home):
    response = client.get("/no-such-page/")
    assert_site_page(response, status=404)
    assert_cacheable(response)


def test_robots_txt_keeps_its_own_public_cache_header_even_for_a_signed_in_person(client, home, owner):
    response = client.get("/robots.txt")
    assert response["Content-Security-Policy"] == SITE
    assert {"public", "max-age=86400"} <= cache_control(response)


# --- Forms and signed-in people: never cached -------------------------------------------------

def test_the_owner_login_page_has_a_form_and_is_not_cached(client, home):
    response = client.get("/owner/login/")
    assert_site_page(response)
    assert_private(response)


def test_a_public_page_for_a_signed_in_person_is_not_cached(client, notice, owner):
    response = client.get(notice.url)
    assert_site_page(response)
    assert_private(response)


def test_a_public_page_whose_view_uses_the_csrf_token_is_not_cached(rf):
    def form_view(request):
        get_token(request)  # what {% csrf_token %} does in a template
        return HttpResponse("<form method='post'></form>")

    assert_private(PrivatePageCacheMiddleware(form_view)(rf.get("/a-page-with-a-form/")))
    plain = PrivatePageCacheMiddleware(lambda request: HttpResponse("text"))
    assert "Cache-Control" not in plain(rf.get("/a-plain-page/"))


# --- Personal data: no-store --------------------------------------------------------------------

def test_an_owner_page(client, home, owner):
    response = client.get("/owner/")
    assert_site_page(response)
    assert_private(response)


def test_the_registration_page_for_a_signed_in_owner(client, home, owner):
    page = make_registration_page(home)
    for path in [page.url, page.url + "new/"]:
        response = client.get(path, follow=True)
        assert_site_page(response)
        assert_private(response)


def test_an_admin_page_for_staff(client, home, staff):
    response = client.get("/admin/")
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == ADMIN
    assert_common_headers(response)
    assert_private(response)


def test_the_admin_login_page(client, home):
    response = client.get("/admin/login/")
    assert response["Content-Security-Policy"] == ADMIN
    assert_private(response)


def test_a_venue_photo(client, home, staff, venue):
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), "grey").save(buffer, "JPEG")
    photo = photos.add_photo(venue, SimpleUploadedFile("storefront.jpg", buffer.getvalue()), "storefront",
                             staff)
    response = client.get(f"/owner/photos/{photo.pk}/")
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == SITE
    assert response["X-Content-Type-Options"] == "nosniff"
    assert_private(response)


def test_the_venue_list_export(client, home, staff, venue):
    response = client.get("/admin/venues/venue/?export=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Security-Policy"] == ADMIN
    assert response["X-Content-Type-Options"] == "nosniff"
    assert_private(response)


def test_a_wagtail_preview_is_framed_by_the_admin_only(client, notice, staff):
    """Wagtail renders a preview through the middleware with a made-up request for the page's
    public URL; the response at /admin/ must still carry the admin policy and SAMEORIGIN."""
    staff.is_superuser = True
    staff.save()
    client.force_login(staff)
    response = client.get(f"/admin/pages/{notice.pk}/view_draft/")
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == ADMIN
    assert_private(response)
    # The preview panel's frame (here "preview unavailable": nothing was sent from the editor;
    # tests/browser/test_csp.py shows a real preview in the frame).
    response = client.get(f"/admin/pages/{notice.pk}/edit/preview/?in_preview_panel=true")
    assert response["Content-Security-Policy"] == ADMIN
    assert response["X-Frame-Options"] == "SAMEORIGIN"


# --- The deploy check -----------------------------------------------------------------------------

def production_env(**extra):
    env = {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_SETTINGS_MODULE": "portal.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "example.gov.cn",
        "PUBLIC_BASE_URL": "https://example.gov.cn",
        # Never connected to by `check`; PostgreSQL as in production. CI passes its own.
        "DATABASE_URL": os.environ.get("DATABASE_URL", "postgres://jiuxiao@127.0.0.1:5432/jiuxiao"),
        # Production refuses to start without Redis; `check` does not connect to it either.
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        "FIELD_ENCRYPTION_KEYS": "LZk5px8PFj82FcrLlk_Z_Sukd_GcePrDi4th1zTwoxE=",
    }
    env.update(extra)
    return env


def manage(*args, env):
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py, fixed arguments
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True,
        timeout=120,
    )


def test_the_deploy_check_passes_with_the_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNINGS" not in output and "ERRORS" not in output
    assert "System check identified no issues (0 silenced)." in output


def test_production_silences_no_check_and_sends_the_security_headers():
    code = (
        "from django.conf import settings as s; "
        "print(s.SILENCED_SYSTEM_CHECKS, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, "
        "s.SECURE_HSTS_PRELOAD, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.X_FRAME_OPTIONS, s.DEBUG, s.SECURE_PROXY_SSL_HEADER)"
    )
    result = manage("shell", "-c", code, env=production_env())
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == (
        "[] 31536000 True True True True True DENY False ('HTTP_X_FORWARDED_PROTO', 'https')"
    )
    assert settings.SILENCED_SYSTEM_CHECKS == []


@pytest.mark.parametrize("secret", ["", "too-short", "a" * 60, "django-insecure-" + "x1y2z3w4" * 6])
def test_production_refuses_a_missing_or_weak_secret_key(secret):
    result = manage("check", env=production_env(DJANGO_SECRET_KEY=secret))
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set in production" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = manage("check", env=production_env(DJANGO_ALLOWED_HOSTS=""))
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS" in result.stderr


def test_hsts_and_the_https_redirect_are_sent_under_production_values(client, home, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert client.get("/").status_code == 301
    response = client.get("/", headers={"X-Forwarded-Proto": "https"})
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["Content-Security-Policy"] == SITE
