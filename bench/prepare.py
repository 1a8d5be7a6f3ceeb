"""The Django side of the benchmark suite (bench/run starts it with the server's settings and
database in the environment; docs/performance.md):

    python bench/prepare.py template            migrate; the site's pages (the demo site, no venues)
    python bench/prepare.py data N SEED OUT     N generated venues (venues.scale_data), the
                                                accounts the suite signs in with, and the pages
                                                it measures with their query counts -> OUT (JSON)

The accounts: an owner ("bench-owner") holding OWNER_VENUES approved venues, one with a draft
self-check, and a member of the town office ("bench-staff") whose scope is the whole generated
district. Their session cookies are made here, as Django's test client makes them
(``force_login``: the real session store, the sign-in signals), and the staff session is
marked as having passed the second factor with a backup-code device, as
django_otp.login does after a right code (venues.otp). No password is ever typed.

Queries per page are counted here with the test client against the same database and the
same settings (CaptureQueriesContext), on the third request, so that start-up caches (the
site's root paths, translations) do not count and a public page is in the page cache.
"""

import json
import os
import sys
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

OWNER_VENUES = 5
SEARCH_QUERY = "消防"  # two characters, as people type on a phone
STAFF_SEARCH = "火锅"  # a word of the generated venue names (venues.scale_data.WORDS)


def setup():
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.production")
    django.setup()


def template():
    import logging

    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from home.demo import build_demo_site
    from home.demo_selfchecks import ensure_selfcheck_page

    logging.getLogger("wagtail").setLevel(logging.WARNING)
    build_demo_site()
    ensure_selfcheck_page()


def path_of(url):
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def accounts():
    """(owner, staff, the owner's venues, the draft self-check)."""
    import secrets

    from django.contrib.auth.models import Group
    from django.utils import timezone

    from django_otp.plugins.otp_static.models import StaticDevice

    from venues import scale_data
    from venues.models import Area, AreaLevel, Office, StaffProfile, User, VenueStatus
    from venues.roles import TOWN_OFFICE
    from venues.workflows import selfchecks

    now = timezone.now()
    owner = User.objects.create(username="bench-owner", mobile="16999990001", full_name="压测经营者",
                                date_joined=now, password_changed_at=now)
    owner.set_password(secrets.token_urlsafe(16))
    owner.save()
    venues = list(scale_data.generated_venues().filter(status=VenueStatus.APPROVED, owner__isnull=False)
                  .order_by("pk")[:OWNER_VENUES])
    for venue in venues:
        venue.owner = owner
        venue.save(update_fields=["owner"])
    check = selfchecks.start(venues[0], owner)

    staff = User.objects.create(username="bench-staff", full_name="压测工作人员", date_joined=now,
                                password_changed_at=now)
    staff.set_password(secrets.token_urlsafe(16))
    staff.save()
    staff.groups.add(Group.objects.get(name=TOWN_OFFICE))
    town_office = Office.objects.filter(is_town_office=True).first()
    profile = StaffProfile.objects.create(user=staff, office=town_office)
    profile.areas.set(Area.objects.filter(name__endswith=scale_data.MARKER, level=AreaLevel.DISTRICT))
    StaticDevice.objects.create(user=staff, name="bench", confirmed=True)
    return User.objects.get(pk=owner.pk), User.objects.get(pk=staff.pk), venues, check


def session_cookie(user, second_factor=False):
    from django.conf import settings
    from django.test import Client

    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_static.models import StaticDevice

    client = Client()
    client.force_login(user)
    if second_factor:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = StaticDevice.objects.get(user=user).persistent_id
        session.save()
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def pages(owner, staff, venues, check):
    """The pages measured: (name, label, path, who)."""
    from home.models import SelfCheckPage
    from notices.models import NoticePage
    from venues import scale_data

    notice = NoticePage.objects.live().filter(title__endswith=scale_data.MARKER).order_by("pk").first()
    selfcheck_page = SelfCheckPage.objects.live().first()
    group = path_of(selfcheck_page.url) + selfcheck_page.reverse_subpage("group", args=(check.pk, 1))
    card = scale_data.generated_venues().filter(status="approved").order_by("-pk").first()
    from django.templatetags.static import static

    # "anonymous" gets public pages from the page cache (home.page_cache); "visitor" is an
    # anonymous visitor with a session cookie (an unknown one), whom the cache never serves.
    return [
        ("floor_text", "floor: text", "/_floor/text/", "anonymous"),
        ("floor_session", "floor: session and user", "/_floor/session/", "owner"),
        ("static", "a static file (bootstrap.min.css)", static("bootstrap/css/bootstrap.min.css"),
         "anonymous"),
        ("home_cached", "home page, cached", "/", "anonymous"),
        ("home", "home page, uncached", "/", "visitor"),
        ("notice_cached", "a notice, cached", path_of(notice.url), "anonymous"),
        ("notice", "a notice, uncached", path_of(notice.url), "visitor"),
        ("notices_cached", "notices list, cached", path_of(notice.get_parent().url), "anonymous"),
        ("notices", "notices list, uncached", path_of(notice.get_parent().url), "visitor"),
        ("search", f"search ({SEARCH_QUERY})", f"/search/?q={SEARCH_QUERY}", "anonymous"),
        ("venue_card", "public venue card", f"/v/{card.public_code}/", "anonymous"),
        ("owner_home", f"/owner/ ({len(venues)} venues)", "/owner/", "owner"),
        ("selfcheck_form", "self-check form (group 1 of a draft)", group, "owner"),
        ("staff_venues", "staff: venue list", "/admin/venues/venue/", "staff"),
        ("staff_inspect", "staff: venue detail", f"/admin/venues/venue/inspect/{venues[0].pk}/", "staff"),
        ("staff_search", f"staff: venue search ({STAFF_SEARCH})", f"/admin/venues/venue/?q={STAFF_SEARCH}",
         "staff"),
        ("dashboard", "staff: dashboard", "/admin/", "staff"),
    ]


def count_queries(page_list, cookies):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for name, _, path, who in page_list:
        client = Client(raise_request_exception=False)
        headers = {"HTTP_HOST": "127.0.0.1", "HTTP_X_FORWARDED_PROTO": "https"}
        if who != "anonymous":
            headers["HTTP_COOKIE"] = cookies[who]
        # Twice: a process stores a public page on its second request (home.page_cache).
        client.get(path, secure=True, **headers)
        client.get(path, secure=True, **headers)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path, secure=True, **headers)
        counts[name] = {"queries": len(queries.captured_queries), "status": response.status_code}
    return counts


def data(venues, seed, out):
    import logging
    import time

    from venues import scale_data

    logging.getLogger("wagtail").setLevel(logging.WARNING)
    started = time.perf_counter()
    summary = scale_data.generate(venues, seed=seed)
    generated = time.perf_counter() - started
    owner, staff, owned, check = accounts()
    from django.db import connection

    with connection.cursor() as cursor:  # the state autovacuum would reach: no vacuum during the rounds
        cursor.execute("VACUUM ANALYZE")
    from django.conf import settings

    cookies = {"owner": session_cookie(owner), "staff": session_cookie(staff, second_factor=True),
               "visitor": f"{settings.SESSION_COOKIE_NAME}=unknown-visitor-session"}
    page_list = pages(owner, staff, owned, check)
    counts = count_queries(page_list, cookies)
    result = {
        "venues": venues, "seed": seed, "generate_seconds": round(generated, 1),
        "counts": dict(summary.counts), "cookies": cookies,
        "pages": [{"name": name, "label": label, "path": path, "who": who, **counts[name]}
                  for name, label, path, who in page_list],
    }
    Path(out).write_text(json.dumps(result, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    setup()
    if sys.argv[1] == "template":
        template()
    elif sys.argv[1] == "data":
        data(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4])
    else:
        sys.exit(__doc__)
