"""The venue list, detail and review actions as staff meet them in the admin."""

from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from tests.factories import UserFactory, make_staff, make_venue
from venues.models import VenueStatus
from venues.roles import LEADER, VILLAGE_STAFF

pytestmark = pytest.mark.django_db
LIST = "/admin/venues/venue/"


def inspect_url(venue):
    return f"/admin/venues/venue/inspect/{venue.pk}/"


def review_url(venue):
    return f"/admin/venues/venue/{venue.pk}/review/"


def staff_in(area, role=VILLAGE_STAFF, **fields):
    user = make_staff(area, permissions=(), **fields)
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def venues(tree):
    return {
        "qg": make_venue(tree["qinggang-1"], name="青杠副食店", status=VenueStatus.SUBMITTED),
        "qg2": make_venue(tree["qinggang-2"], "catering", name="青杠农家饭庄", seats=150),
        "mg": make_venue(tree["mugen-1"], name="木根超市", status=VenueStatus.SUBMITTED),
    }


def listed(client, **params):
    response = client.get(LIST, params)
    assert response.status_code == 200
    return {venue.name for venue in response.context["view"].queryset}


def test_village_staff_list_only_their_village(client, tree, venues):
    client.force_login(staff_in(tree["qinggang"]))
    assert listed(client) == {"青杠副食店", "青杠农家饭庄"}


def test_search_finds_chinese_substrings_within_scope(client, tree, venues):
    client.force_login(staff_in(tree["qinggang"]))
    assert listed(client, q="副食") == {"青杠副食店"}
    assert listed(client, q="超市") == set()  # 木根超市 is another village's


def test_filters_work_and_offer_only_areas_in_scope(client, tree, venues):
    client.force_login(staff_in(tree["qinggang"]))
    assert listed(client, status="submitted") == {"青杠副食店"}
    assert listed(client, outside="yes") == {"青杠农家饭庄"}
    assert listed(client, outside="no") == {"青杠副食店"}
    assert listed(client, kind="catering") == {"青杠农家饭庄"}
    assert listed(client, licence="licensed") == {"青杠副食店", "青杠农家饭庄"}
    assert listed(client, area=str(tree["qinggang-2"].pk)) == {"青杠农家饭庄"}
    assert listed(client, area=str(tree["mugen"].pk)) == set()
    html = client.get(LIST).content.decode()
    assert "青杠村第1网格" in html
    assert "木根村" not in html


def test_a_guessed_id_outside_scope_is_not_found(client, tree, venues):
    client.force_login(staff_in(tree["qinggang"]))
    assert client.get(inspect_url(venues["qg"])).status_code == 200
    assert client.get(inspect_url(venues["mg"])).status_code == 404
    assert client.post(review_url(venues["mg"]), {"action": "approve"}).status_code == 404
    venues["mg"].refresh_from_db()
    assert venues["mg"].status == VenueStatus.SUBMITTED


def test_detail_shows_classification_duplicates_and_history(client, tree, venues):
    twin = make_venue(tree["qinggang-2"], name="青杠副食店（分店）",
                      credit_code=venues["qg"].credit_code)
    client.force_login(staff_in(tree["qinggang"]))
    html = client.get(inspect_url(venues["qg"])).content.decode()
    assert "建筑面积 120㎡，不超过 300㎡：属于购物场所" in html
    assert twin.name in html
    assert "暂无变更" in html


def test_staff_approve_from_the_detail_page(client, tree, venues):
    client.force_login(staff_in(tree["qinggang"], username="qg-staff"))
    html = client.get(inspect_url(venues["qg"])).content.decode()
    assert "批准" in html and "退回修改" in html
    response = client.post(review_url(venues["qg"]), {"action": "approve"}, follow=True)
    venues["qg"].refresh_from_db()
    assert venues["qg"].status == VenueStatus.APPROVED
    assert "已批准" in response.content.decode()


def test_returning_needs_a_reason_and_keeps_the_state_without_one(client, tree, venues):
    client.force_login(staff_in(tree["qinggang"]))
    response = client.post(review_url(venues["qg"]), {"action": "return", "reason": ""}, follow=True)
    assert "请填写原因" in response.content.decode()
    venues["qg"].refresh_from_db()
    assert venues["qg"].status == VenueStatus.SUBMITTED

    client.post(review_url(venues["qg"]), {"action": "return", "reason": "照片不清晰"})
    venues["qg"].refresh_from_db()
    assert venues["qg"].status == VenueStatus.RETURNED
    assert venues["qg"].history.get().reason == "照片不清晰"


def test_a_double_click_approves_once(client, tree, venues):
    client.force_login(staff_in(tree["qinggang"]))
    client.post(review_url(venues["qg"]), {"action": "approve"})
    response = client.post(review_url(venues["qg"]), {"action": "approve"}, follow=True)
    assert venues["qg"].history.count() == 1
    assert "请刷新页面" in response.content.decode()


def test_leaders_read_but_cannot_review(client, tree, venues):
    client.force_login(staff_in(tree["town"], role=LEADER))
    assert len(listed(client)) == 3
    html = client.get(inspect_url(venues["qg"])).content.decode()
    assert 'name="action"' not in html
    client.post(review_url(venues["qg"]), {"action": "approve"})
    venues["qg"].refresh_from_db()
    assert venues["qg"].status == VenueStatus.SUBMITTED


def test_content_editors_see_no_venue_data(client, venues):
    from home.roles import EDITORS

    client.force_login(UserFactory(groups=[EDITORS]))
    assert client.get(LIST).status_code in (302, 403)
    assert client.get(inspect_url(venues["qg"])).status_code in (302, 403, 404)


def test_nobody_edits_a_venue_through_a_raw_form(client, tree, venues):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    assert client.get(f"/admin/venues/venue/edit/{venues['qg'].pk}/").status_code == 404
    assert client.get(f"/admin/venues/venue/delete/{venues['qg'].pk}/").status_code == 404
    assert client.get("/admin/venues/venue/create/").status_code == 404


def test_the_list_runs_a_constant_number_of_queries(client, tree):
    client.force_login(staff_in(tree["town"]))

    def count():
        client.get(LIST)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(LIST).status_code == 200
        return len(queries)

    for n in range(3):
        make_venue(tree["qinggang-1"], name=f"店{n}")
    few = count()
    for n in range(3, 25):
        make_venue(tree["mugen-2"], "catering", name=f"店{n}", seats=20)
    assert count() == few


@pytest.mark.parametrize("probe", [
    # Each would empty the list if it were applied, so a leak would show.
    {"kind__venues__operator_name": "不存在的人"},
    {"owner__password__startswith": "zz"},
    {"history__actor__password__startswith": "zz"},
    {"operator_id_number__startswith": "9999"},
    {"area__path__startswith": "9999"},
])
def test_the_list_ignores_lookups_it_does_not_offer(client, tree, venues, probe):
    """A guessed ORM lookup in the address must not filter, so it reveals nothing."""
    client.force_login(staff_in(tree["qinggang"]))
    assert listed(client, **probe) == {"青杠副食店", "青杠农家饭庄"}


@pytest.mark.parametrize("params", [
    {"area": "abc"}, {"area": "²"}, {"kind": "abc"}, {"status": "nonsense"}, {"outside": "maybe"},
    {"licence": "<script>"}, {"p": "x"}, {"o": "zz"},
])
def test_bad_filter_values_never_break_the_list(client, tree, venues, params):
    client.force_login(staff_in(tree["qinggang"]))
    assert client.get(LIST, params).status_code in (200, 302)


def test_a_non_numeric_id_is_not_found(client, tree, venues):
    client.force_login(staff_in(tree["qinggang"]))
    assert client.get("/admin/venues/venue/inspect/abc/").status_code == 404
    assert client.get("/admin/venues/venue/inspect/²/").status_code == 404  # a digit, not a number


def test_a_lead_office_is_offered_only_its_kinds(client, tree, venues):
    from venues.roles import LEAD_OFFICE

    office = staff_in(tree["town"], role=LEAD_OFFICE, kinds=["catering"])
    client.force_login(office)
    assert listed(client) == {"青杠农家饭庄"}
    html = client.get(LIST).content.decode()
    assert "餐饮场所" in html
    assert "?kind=shopping" not in html and "购物场所" not in html


def test_the_detail_page_shows_the_operator_with_masked_numbers(client, tree):
    venue = make_venue(tree["qinggang-1"], name="青杠小卖部", licence="unlicensed", credit_code="",
                       no_code_reason="未办证", operator_name="李四", operator_mobile="13912345678",
                       operator_id_number="11010519491231002X")
    client.force_login(staff_in(tree["qinggang"]))
    html = client.get(f"/admin/venues/venue/inspect/{venue.pk}/").content.decode()
    assert "李四" in html and "139****5678" in html and "110105********002X" in html
    assert "13912345678" not in html and "11010519491231002X" not in html


def test_a_huge_list_counts_only_up_to_its_limit(client, tree, monkeypatch):
    from venues import admin_views

    monkeypatch.setattr(admin_views, "COUNT_LIMIT", 3)
    client.force_login(staff_in(tree["town"]))
    for n in range(5):
        make_venue(tree["qinggang-1"], name=f"店{n}")
    response = client.get(LIST, {"q": "店"})
    html = response.content.decode()
    assert response.context["result_count"] == "3+"
    assert response.context["all_count"] == "3+"
    assert "3+" in html
    assert len(response.context["object_list"]) == 3  # the rest is found by narrowing the list

    make_venue(tree["mugen-1"], name="木根超市")
    assert client.get(LIST, {"q": "超市"}).context["result_count"] == 1


def test_the_kind_filter_finds_main_and_other_kinds_once_each(client, tree):
    from venues.models import VenueKind

    make_venue(tree["qinggang-1"], "catering", name="青杠饭店", seats=20)
    both = make_venue(tree["qinggang-1"], "shopping", name="青杠超市带餐饮")
    both.other_kinds.add(VenueKind.objects.get(slug="catering"))
    make_venue(tree["qinggang-1"], "shopping", name="青杠副食店")
    client.force_login(staff_in(tree["qinggang"]))
    listed = [venue.name for venue in client.get(LIST, {"kind": "catering"}).context["view"].queryset]
    assert sorted(listed) == ["青杠超市带餐饮", "青杠饭店"]
    assert list(client.get(LIST, {"kind": "nonsense"}).context["view"].queryset) == []


def test_the_list_sorts_by_name_only(client, tree):
    # Kinds in another order than the default (most recently changed first).
    for name, kind, fields in (("乙店", "catering", {"seats": 20}), ("甲店", "shopping", {}),
                               ("丙店", "lodging", {"beds": 10})):
        make_venue(tree["qinggang-1"], kind, name=name, **fields)
    from venues.models import Venue

    client.force_login(staff_in(tree["qinggang"]))
    by_name = [venue.name for venue in client.get(LIST, {"o": "0"}).context["view"].queryset]
    # In the database's own collation.
    assert by_name == list(Venue.objects.order_by("name").values_list("name", flat=True))
    assert [v.name for v in client.get(LIST, {"o": "-0"}).context["view"].queryset] == by_name[::-1]
    # Other columns are not offered for sorting, and asking for them keeps the default order.
    response = client.get(LIST)
    default = [venue.name for venue in response.context["view"].queryset]
    assert 'href="?o=0"' in response.content.decode() and 'href="?o=1"' not in response.content.decode()
    assert [venue.name for venue in client.get(LIST, {"o": "1"}).context["view"].queryset] == default
