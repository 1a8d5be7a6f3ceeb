"""The villages' census counts (/admin/venues/census-counts/): each village in the person's
scope with its count and the approved venues beside it; one row per village however often the
form is sent; and the dashboards' registration coverage reads the count."""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext

import pytest

from tests.factories import approve, make_member, make_venue
from venues import figures
from venues.models import Area, AuditEntry, Office, VillageCensus
from venues.roles import TOWN_OFFICE, VILLAGE_STAFF

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(tree):
    return {
        "qg_staff": make_member(VILLAGE_STAFF, tree["qinggang"], full_name="李青"),
        "town": make_member(TOWN_OFFICE, tree["town"], office=Office.objects.get(is_town_office=True)),
    }


@pytest.fixture
def venues(tree):
    for n, (grid, status) in enumerate([("qinggang-1", "approved"), ("qinggang-2", "approved"),
                                        ("qinggang-2", "submitted"), ("mugen-1", "approved")]):
        venue = make_venue(Area.objects.get(pk=tree[grid].pk), "shopping", name=f"店{n}")
        if status == "approved":
            approve(venue)
        else:
            venue.status = status
            venue.save()


def edit_url(area):
    return reverse("venues_census_count_edit", args=[area.pk])


def test_the_list_shows_only_the_villages_in_scope_with_counts_and_approved_venues(client, tree, people,
                                                                                      venues):
    VillageCensus.objects.create(area=tree["qinggang"], expected=5, counted_on=datetime.date(2026, 6, 1),
                                 note="六月摸排", updated_by=people["town"])
    client.force_login(people["qg_staff"])
    html = client.get(reverse("venues_census_counts")).content.decode()
    assert "青杠村" in html and "木根村" not in html
    row = html[html.index("青杠村"):]
    row = row[:row.index("</tr>")]
    # The count, its date and note, and the two approved venues (the submitted one not yet).
    assert "<td>5</td>" in row and "<td>2</td>" in row and "2026-06-01" in row and "六月摸排" in row
    client.force_login(people["town"])
    html = client.get(reverse("venues_census_counts")).content.decode()
    assert "青杠村" in html and "木根村" in html and "未填写" in html


def test_a_village_outside_the_scope_is_not_found(client, tree, people):
    client.force_login(people["qg_staff"])
    assert client.get(edit_url(tree["mugen"])).status_code == 404
    response = client.post(edit_url(tree["mugen"]), {"expected": 3, "counted_on": "2026-10-01"})
    assert response.status_code == 404 and not VillageCensus.objects.exists()
    # A grid or the town is not a village: not found either.
    assert client.get(edit_url(tree["qinggang-1"])).status_code == 404


def test_a_double_submit_makes_one_row(client, tree, people):
    client.force_login(people["qg_staff"])
    data = {"expected": 12, "counted_on": "2026-10-01", "note": "十月复核"}
    assert client.post(edit_url(tree["qinggang"]), data).status_code == 302
    assert client.post(edit_url(tree["qinggang"]), {**data, "expected": 13}).status_code == 302
    census = VillageCensus.objects.get()
    assert (census.area_id, census.expected, census.note) == (tree["qinggang"].pk, 13, "十月复核")
    assert census.updated_by == people["qg_staff"]
    assert AuditEntry.objects.filter(action="census_count.change").count() == 2
    html = client.get(reverse("venues_census_counts")).content.decode()
    assert "李青" in html and "13" in html


def test_the_form_says_what_is_missing(client, tree, people):
    client.force_login(people["qg_staff"])
    response = client.post(edit_url(tree["qinggang"]), {"expected": "", "counted_on": ""})
    assert response.status_code == 200 and not VillageCensus.objects.exists()
    assert "这个字段是必填项" in response.content.decode()


def test_the_dashboards_coverage_reads_the_count(client, tree, people, venues):
    period = figures.Period(figures.MONTH, timezone.localdate().replace(day=1))
    assert figures.totals(people["qg_staff"], period).expected is None
    client.force_login(people["qg_staff"])
    client.post(edit_url(tree["qinggang"]), {"expected": 8, "counted_on": "2026-10-01"})
    row = figures.totals(people["qg_staff"], period)
    assert row.expected == 8
    assert row.rate("coverage") == 25.0  # 2 approved of 8


def test_the_count_is_not_below_the_approved_venues_at_most_100000_and_not_in_the_future(client, tree, people,
                                                                                         venues):
    client.force_login(people["qg_staff"])
    url = edit_url(tree["qinggang"])
    # 青杠村 has two approved venues now: a census cannot have counted fewer.
    response = client.post(url, {"expected": 1, "counted_on": "2026-10-01"})
    html = response.content.decode()
    assert response.status_code == 200 and not VillageCensus.objects.exists()
    assert escape(gettext("%(village)s already has %(count)s approved venues registered: the census count "
                          "cannot be lower.") % {"village": "青杠村", "count": 2}) in html
    assert 'min="2"' in html
    response = client.post(url, {"expected": 100001, "counted_on": "2026-10-01"})
    assert gettext("Enter a number of at most %(max)s.") % {"max": 100000} in response.content.decode()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(url, {"expected": 5, "counted_on": tomorrow.isoformat()})
    assert gettext("The census date cannot be in the future.") in response.content.decode()
    assert not VillageCensus.objects.exists()
    today = timezone.localdate().isoformat()
    assert client.post(url, {"expected": 2, "counted_on": today}).status_code == 302
    assert VillageCensus.objects.get().expected == 2


def test_the_audit_keeps_the_count_before_and_after(client, tree, people):
    client.force_login(people["qg_staff"])
    client.post(edit_url(tree["qinggang"]), {"expected": 12, "counted_on": "2026-10-01", "note": "十月"})
    client.post(edit_url(tree["qinggang"]), {"expected": 15, "counted_on": "2026-10-20", "note": "复核"})
    first, second = AuditEntry.objects.filter(action="census_count.change").order_by("pk")
    assert first.detail["before"] is None and first.detail["after"]["expected"] == 12
    assert second.detail["before"] == {"expected": 12, "counted_on": "2026-10-01", "note": "十月"}
    assert second.detail["after"] == {"expected": 15, "counted_on": "2026-10-20", "note": "复核"}


def test_the_village_name_is_the_edit_link_in_a_scrolling_region(client, tree, people):
    client.force_login(people["qg_staff"])
    html = client.get(reverse("venues_census_counts")).content.decode()
    link = f'<a href="{edit_url(tree["qinggang"])}" aria-label="填写青杠村的摸排数">青杠村</a>'
    assert f'<th scope="row">{link}</th>' in html
    assert 'role="region" aria-labelledby="census-caption" aria-describedby="census-hint"' in html
    assert gettext("On a narrow screen, swipe the table sideways to see every column.") in html
