"""The Django side of the benchmark suite (bench/run starts it with the server's settings and
database in the environment; docs/performance.md):

    python bench/prepare.py template            migrate; the site's pages (the demo site, no venues)
    python bench/prepare.py data N SEED OUT K   N generated venues (venues.scale_data), the
                                                accounts the suite signs in with, and the pages
                                                it measures with their query counts -> OUT (JSON);
                                                K self-checks ready to submit -> OUT.submissions
    python bench/prepare.py submitted '[ids]'   how many of those are submitted now

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
    from home.demo_public_reports import ensure_report_page

    ensure_report_page()


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
    from home.models import HazardReportPage, SelfCheckPage
    from notices.models import NoticePage
    from venues import scale_data
    from venues.models import AreaLevel

    notice = NoticePage.objects.live().filter(title__endswith=scale_data.MARKER).order_by("pk").first()
    selfcheck_page = SelfCheckPage.objects.live().first()
    report_page = HazardReportPage.objects.live().first()
    village = next(area for area in [*venues[0].area.get_ancestors(), venues[0].area]
                   if area.level == AreaLevel.VILLAGE)
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
        # 报告 and 告知 (issue 9): the owner's reports, the staff's list of them, and the rates of
        # every notice owners acknowledge over the whole scope (one pass over its venues).
        ("owner_reports", "owner: reports to the town", "/owner/reports/", "owner"),
        ("staff_reports", "staff: owners' reports", "/admin/venues/reports/?show=all", "staff"),
        ("staff_acknowledgements", "staff: notices owners acknowledge", "/admin/venues/acknowledgements/",
         "staff"),
        # 巡查, 群众举报 and 督办 (issue 10): the patrol worklist of the first venue's village (a
        # town-wide person chooses a village first), the public report form, the staff's lists.
        ("staff_patrols", "staff: patrol worklist (a village)",
         f"/admin/venues/patrols/?village={village.pk}", "staff"),
        ("public_report", "public hazard report form", path_of(report_page.url), "visitor"),
        ("staff_public_reports", "staff: public hazard reports", "/admin/venues/public-reports/", "staff"),
        ("staff_tasks", "staff: tasks", "/admin/venues/tasks/?show=all", "staff"),
        # Dashboards and 考核激励 (issue 11): this month's figures over the whole scope with the
        # previous month, charts and the 六清 panel; one figure's drill-down list; the month's
        # scorecards computed live.
        ("staff_supervision", "staff: supervision dashboard (this month, by village)",
         "/admin/venues/dashboard/", "staff"),
        ("staff_supervision_list", "staff: drill-down list (hazards not yet closed)",
         "/admin/venues/dashboard/list/?figure=hazards_open", "staff"),
        ("staff_scorecards", "staff: this month's scorecards (live)", "/admin/venues/scorecards/", "staff"),
        # 诚信 and 企业安全分析报告 (issue 12): the owner's integrity page, a venue's monthly report as
        # a page and as a PDF, the staff's re-check queue and serious cases, and the town's report
        # for the quarter over the whole scope.
        ("owner_integrity", "owner: a venue's integrity level", f"/owner/venues/{venues[0].pk}/integrity/",
         "owner"),
        ("owner_venue_report", "owner: a venue's safety analysis report (last month)",
         f"/owner/venues/{venues[0].pk}/report/", "owner"),
        ("owner_venue_report_pdf", "owner: the same report as PDF",
         f"/owner/venues/{venues[0].pk}/report.pdf", "owner"),
        ("staff_rechecks", "staff: integrity re-checks", "/admin/venues/integrity/rechecks/", "staff"),
        ("staff_cases", "staff: serious integrity cases", "/admin/venues/cases/", "staff"),
        ("staff_town_report", "staff: the town's safety analysis report (this quarter)",
         "/admin/venues/analysis/", "staff"),
    ]


def submissions(count, owner_venues, out):
    """``count`` owners' self-checks, complete and ready to submit, one per venue (none of the
    measured owner's): the lines bench/submit.lua POSTs, "path<TAB>cookie<TAB>body", written to
    ``out`` (fewer where the register has fewer venues). Returns the self-checks' ids, and one
    more ready self-check for counting queries with its owner's cookie.
    Every answer is "yes" (a failed item would need a photo uploaded first). Each POST carries
    its owner's session and a CSRF cookie and token made as Django makes them."""
    from urllib.parse import urlencode

    from django.conf import settings
    from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret

    from home import selfcheck
    from venues import scale_data
    from venues.models import Answer, VenueStatus
    from venues.workflows import selfchecks

    page = selfcheck.selfcheck_page()
    venues = (scale_data.generated_venues().filter(status=VenueStatus.APPROVED, owner__isnull=False)
              .exclude(pk__in=[v.pk for v in owner_venues]).exclude(selfchecks__status="draft")
              .select_related("owner").order_by("-pk")[: count + 1])
    sessions, lines, ids, checks = {}, [], [], []
    for venue in venues:
        check = selfchecks.start(venue, venue.owner)
        answers = {item["code"]: {"answer": Answer.YES} for item in check.items}
        selfchecks.save_answers(check, venue.owner, answers, step=len(check.groups()))
        checks.append(check)
        if venue.owner_id not in sessions:
            sessions[venue.owner_id] = session_cookie(venue.owner)
        secret = _get_new_csrf_string()
        cookie = f"{sessions[venue.owner_id]}; {settings.CSRF_COOKIE_NAME}={secret}"
        body = urlencode({"csrfmiddlewaretoken": _mask_cipher_secret(secret), "declare": "on"})
        lines.append("\t".join([path_of(selfcheck.submit_url(check, page)), cookie, body]))
        ids.append(check.pk)
    # A small register has fewer venues than the run could submit: the list is shorter then,
    # and bench/run's rounds end when it runs out.
    spare = checks.pop()
    lines.pop()
    ids.pop()
    Path(out).write_text("\n".join(lines) + "\n")
    return ids, spare, sessions[spare.venue.owner_id]


def count_submission_queries(check, cookie):
    """Queries of one submission (the spare self-check), as the suite's POST runs it."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from home import selfcheck

    client = Client(raise_request_exception=False)
    headers = {"HTTP_HOST": "127.0.0.1", "HTTP_X_FORWARDED_PROTO": "https", "HTTP_COOKIE": cookie}
    client.get("/_floor/text/", secure=True, **headers)  # start-up caches, as for the pages
    with CaptureQueriesContext(connection) as queries:
        response = client.post(path_of(selfcheck.submit_url(check)), {"declare": "on"}, secure=True,
                               **headers)
    return {"queries": len(queries.captured_queries), "status": response.status_code}


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


def data(venues, seed, out, submission_count):
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
    measured = [{"name": name, "label": label, "path": path, "who": who, **counts[name]}
                for name, label, path, who in page_list]
    # The submission: a POST per ready self-check (bench/submit.lua), each sent once.
    ids, spare, spare_cookie = submissions(submission_count, owned, out + ".submissions")
    first = Path(out + ".submissions").read_text().split("\n", 1)[0].split("\t")
    cookies["submitter"] = first[1]
    measured.append({"name": "selfcheck_submit", "label": "self-check submission (POST, each once)",
                  "path": first[0], "who": "submitter", "script": out + ".submissions",
                  "selfchecks": ids, **count_submission_queries(spare, spare_cookie)})
    result = {
        "venues": venues, "seed": seed, "generate_seconds": round(generated, 1),
        "counts": dict(summary.counts), "cookies": cookies, "pages": measured,
    }
    Path(out).write_text(json.dumps(result, ensure_ascii=False, indent=1))


def submitted(ids):
    """How many of these self-checks are submitted (after the suite's POSTs)."""
    from venues.models import SelfCheck, SelfCheckStatus

    return SelfCheck.objects.filter(pk__in=ids, status=SelfCheckStatus.SUBMITTED).count()


if __name__ == "__main__":
    setup()
    if sys.argv[1] == "template":
        template()
    elif sys.argv[1] == "data":
        data(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], int(sys.argv[5]))
    elif sys.argv[1] == "submitted":
        print(submitted(json.loads(sys.argv[2])))
    else:
        sys.exit(__doc__)
