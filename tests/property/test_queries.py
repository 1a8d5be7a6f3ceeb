"""Pages that read their address (lists with filters and a search box, the public
search, the notices, the classification hint): whatever the parameters hold, NUL bytes
included (which PostgreSQL refuses in text), the answer is a page, never a server error."""

from urllib.parse import quote

from django.contrib.auth.models import Group

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from tests.factories import UserFactory
from venues.roles import AUDITOR

from .strategies import form_data

pytestmark = pytest.mark.django_db

PAGES = {
    # url: (parameters it reads, values worth trying, who asks)
    "/admin/venues/venue/": (["q", "status", "kind", "licence", "outside", "area", "p", "o"],
                             ["approved", "shopping", "licensed", "yes", "no"], "town"),
    "/admin/venues/staff/": (["q", "role", "export"], ["xlsx"], "town"),
    "/admin/venues/corrections/": (["show"], ["all", "open"], "town"),
    "/admin/venues/auditentry/": (["q", "outcome", "action", "days", "p"], ["7", "failed", "venue.reveal"],
                                  "auditor"),
    "/search/": (["q", "page"], ["双河", "通知 公告"], None),
    "/notices/": (["kind", "year", "page"], ["shopping", "2025"], None),
}


@pytest.fixture
def people(town):
    auditor = UserFactory(username="auditor")
    auditor.groups.add(Group.objects.get(name=AUDITOR))
    return {"town": town, "auditor": auditor}


@pytest.mark.parametrize("url", PAGES)
@given(data=st.data())
def test_lists_and_searches_answer_any_query(client, notice_index, people, url, data):
    names, values, who = PAGES[url]
    if who:
        client.force_login(people[who])
    params = data.draw(form_data(names, values, max_values=2), label="params")
    response = client.get(url, params)
    assert response.status_code in (200, 302, 400, 404)


@given(params=form_data(["category", "floor_area", "floors", "seats", "beds", "staff", "dorm", "people",
                         "subtype"], ["shopping", "entertainment", "medical", "education", "production"]))
# A NUL byte (which PostgreSQL refuses in text) was looked up as the kind: a server error.
@example(params={"category": ["\x00"]})
def test_classifying_answers_json_or_a_message(client, db, params):
    response = client.get("/owner/classify/", params)
    assert response.status_code in (200, 400)
    if response.status_code == 200 or response["Content-Type"] == "application/json":
        assert response.json()


@given(code=st.text(max_size=12))
@example(code="\x00")  # looked up as it was: a server error on PostgreSQL
def test_the_door_card_address_answers_any_code(client, db, code):
    response = client.get(f"/v/{quote(code, safe='')}/")
    assert response.status_code in (400, 404)
