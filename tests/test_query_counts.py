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
    client.get(url)  # warm the per-process caches (site root paths)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == status, url
    return len(queries)


def test_public_pages_run_a_constant_number_of_queries(client, home, notice_index, training_index):
    add_page(home, StandardPage(title="实施方案", slug="plan", body=stream("九小场所的范围。")))
    # More than one page of results from the start, so pagination is exercised both times.
    add_content(notice_index, training_index, 1, 11)
    few = {url: count_queries(client, url) for url in URLS}
    few["404"] = count_queries(client, "/no-such-page/", status=404)
    add_content(notice_index, training_index, 12, 15)
    many = {url: count_queries(client, url) for url in URLS}
    many["404"] = count_queries(client, "/no-such-page/", status=404)
    assert many == few
