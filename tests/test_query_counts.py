"""Public pages run a constant number of queries however many notices there are."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from home.models import StandardPage
from notices.models import TrainingPage, TrainingTopic
from tests.factories import add_page, attach, make_document, make_notice, stream
from venues.models import VenueKind

pytestmark = pytest.mark.django_db

URLS = [
    "/",
    "/plan/",
    "/notices/",
    "/notices/?year=2025&kind=catering",
    "/notices/notice-1/",
    "/search/?q=灭火器",
    "/feeds/notices/",
    "/feeds/notices/atom/",
    "/training/",
    "/training/training-1/",
    "/sitemap.xml",
]


def add_content(notice_index, training_index, start, count):
    kinds = list(VenueKind.objects.all()[:3])
    topic, _ = TrainingTopic.objects.get_or_create(name="消防器材使用")
    first_notice = notice_index.get_children().first()
    for n in range(start, start + count):
        notice = make_notice(notice_index, n, kinds=kinds, body=stream("检查灭火器。"))
        attach(notice, make_document(f"附件{n}"))
        if first_notice:
            # The notice every round measures gains attachments too.
            attach(first_notice.specific, make_document(f"补充附件{n}"))
        page = TrainingPage(title=f"培训{n}", slug=f"training-{n}", topic=topic,
                            body=stream("灭火器的使用。"))
        page.kinds = kinds
        add_page(training_index, page)


def count_queries(client, url, status=200):
    client.get(url)  # warm the caches (site root paths; the menu and footer: home.chrome)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == status, url
    return len(queries)


def test_public_pages_run_a_constant_number_of_queries(client, home, notice_index, training_index, settings):
    settings.PAGE_CACHE_SECONDS = 0  # the pages as rendered (a stored page costs none: test_page_cache)
    add_page(home, StandardPage(title="实施方案", slug="plan", body=stream("九小场所的范围。")))
    # More than one page of results from the start, so pagination is exercised both times.
    add_content(notice_index, training_index, 1, 11)
    few = {url: count_queries(client, url) for url in URLS}
    few["404"] = count_queries(client, "/no-such-page/", status=404)
    add_content(notice_index, training_index, 12, 15)
    many = {url: count_queries(client, url) for url in URLS}
    many["404"] = count_queries(client, "/no-such-page/", status=404)
    assert many == few


def test_the_owners_home_runs_a_constant_number_of_queries(client, home):
    """/owner/ shows each venue's registration, self-check and hazards (home.selfcheck): the
    same queries for one venue as for several, each with self-checks and open hazards."""
    from tests.factories import (
        UserFactory,
        approve,
        fill_selfcheck,
        make_area_tree,
        make_registration_page,
        make_selfcheck_page,
        make_venue,
    )
    from venues.workflows import selfchecks

    make_registration_page(home)
    make_selfcheck_page(home)
    tree = make_area_tree()
    owner = UserFactory(mobile="13900001111")
    client.force_login(owner)

    def add_venue(n):
        venue = approve(make_venue(tree["qinggang-1"], owner=owner, name=f"青杠店{n}"))
        check = fill_selfcheck(selfchecks.start(venue, owner), owner, fail=["extinguishers_present"])
        selfchecks.submit(check, owner)
        selfchecks.start(venue, owner)  # and a draft to continue
        make_venue(tree["qinggang-2"], owner=owner, name=f"草稿店{n}")

    add_venue(0)
    few = count_queries(client, "/owner/")
    for n in range(1, 4):
        add_venue(n)
    assert count_queries(client, "/owner/") == few
