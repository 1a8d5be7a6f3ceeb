"""Every threshold at, just under and just over its limit; 以下 includes the number."""

from decimal import Decimal

import pytest

from venues.models import VenueKind
from venues.rules.classification import FactError, classify, parse_facts

pytestmark = pytest.mark.django_db


def check(slug, **params):
    kind = VenueKind.objects.get(slug=slug).as_rule()
    return classify(kind, parse_facts({k: str(v) for k, v in params.items()}))


@pytest.mark.parametrize("slug, limit", [
    ("shopping", 300), ("leisure", 200), ("hazardous", 100),
])
@pytest.mark.parametrize("offset, qualifies", [
    (Decimal("-0.5"), True), (Decimal(0), True), (Decimal("0.5"), False),
])
def test_floor_area_kinds(slug, limit, offset, qualifies):
    assert check(slug, floor_area=limit + offset).qualifies is qualifies


@pytest.mark.parametrize("slug, fact, limit", [
    ("catering", "seats", 100), ("lodging", "beds", 50),
])
@pytest.mark.parametrize("offset, qualifies", [(-1, True), (0, True), (1, False)])
def test_seat_and_bed_kinds(slug, fact, limit, offset, qualifies):
    assert check(slug, **{fact: limit + offset}).qualifies is qualifies


def test_reasons_say_why_in_chinese():
    assert check("shopping", floor_area="280").reasons == ["建筑面积 280㎡，不超过 300㎡：属于购物场所"]
    assert check("shopping", floor_area="300.5").reasons == [
        "建筑面积 300.5㎡，超过 300㎡：不属于九小场所中的购物场所"
    ]
    assert check("catering", seats=120).reasons == [
        "额定就餐人数 120人，超过 100人：不属于九小场所中的餐饮场所"
    ]


@pytest.mark.parametrize("floors, area, qualifies", [
    ("1", 200, True),
    ("1,2,3", 150, True),
    ("3", "200.5", False),
    ("2,3,4", 150, False),  # one floor above the third is enough to fall outside
    ("4", 100, False),
    ("-1", 100, False),  # a basement
    ("-1,1", 100, False),
])
def test_entertainment_needs_low_floors_and_small_area(floors, area, qualifies):
    assert check("entertainment", floors=floors, floor_area=area).qualifies is qualifies


def test_entertainment_names_the_basement():
    reasons = check("entertainment", floors="-1,1", floor_area=100).reasons
    assert "地下1层" in reasons[0]


@pytest.mark.parametrize("subtype", ["health_centre", "village_clinic"])
def test_health_centres_and_village_clinics_always_count(subtype):
    result = check("medical", subtype=subtype, beds=200)
    assert result.qualifies
    assert "属于医疗场所" in result.reasons[0]


@pytest.mark.parametrize("subtype", ["clinic", "pet_clinic", "sanatorium", "nursing_home", "welfare_home"])
@pytest.mark.parametrize("beds, qualifies", [(29, True), (30, True), (31, False)])
def test_other_medical_venues_by_beds(subtype, beds, qualifies):
    assert check("medical", subtype=subtype, beds=beds).qualifies is qualifies


@pytest.mark.parametrize("subtype, fact, limit", [
    ("boarding_school", "beds", 50),
    ("boarding_kindergarten", "beds", 50),
    ("school", "people", 500),
    ("kindergarten", "people", 100),
])
@pytest.mark.parametrize("offset, qualifies", [(-1, True), (0, True), (1, False)])
def test_education_by_type(subtype, fact, limit, offset, qualifies):
    assert check("education", subtype=subtype, **{fact: limit + offset}).qualifies is qualifies


@pytest.mark.parametrize("staff, dorm, qualifies", [
    (49, 0, True), (50, 0, True), (51, 0, False),
    (51, 29, True), (51, 30, True), (51, 31, False),  # a small dormitory is enough
    (200, 30, True),
    (51, None, False),  # no dormitory at all
    (None, 20, True),  # a small dormitory decides it without the staff count
])
def test_production_by_staff_or_dormitory(staff, dorm, qualifies):
    params = {name: value for name, value in [("staff", staff), ("dorm", dorm)] if value is not None}
    assert check("production", **params).qualifies is qualifies


def test_thresholds_are_data_the_town_edits():
    kind = VenueKind.objects.get(slug="shopping")
    kind.max_floor_area = Decimal(250)
    kind.save()
    assert not check("shopping", floor_area=280).qualifies


@pytest.mark.parametrize("slug, params", [
    ("shopping", {}),
    ("entertainment", {"floor_area": 100}),
    ("medical", {"beds": 10}),
    ("medical", {"subtype": "clinic"}),
    ("education", {"subtype": "school"}),
    ("production", {"dorm": 40}),  # a dormitory too large to decide it: staff count needed
    ("production", {}),
])
def test_missing_facts_are_reported(slug, params):
    with pytest.raises(FactError) as raised:
        check(slug, **params)
    assert "请填写" in str(raised.value)


@pytest.mark.parametrize("params, message", [
    ({"floor_area": "-1"}, "不能为负数"),
    ({"floor_area": "abc"}, "必须是数字"),
    ({"floor_area": "NaN"}, "必须是数字"),
    ({"seats": "1.5"}, "必须是数字"),
    ({"floors": "1,x"}, "楼层"),
    ({"floors": "0"}, "楼层"),
    ({"floor_area": "1E+999999999"}, "过大"),
    ({"floor_area": "1E+5000"}, "过大"),
    ({"seats": "99999999999999999999"}, "过大"),
    # A number written out in full in the answer would be a megabyte long.
    ({"floor_area": "1e-999999"}, "两位小数"),
    ({"floor_area": "120.555"}, "两位小数"),
])
def test_bad_facts_are_rejected(params, message):
    with pytest.raises(FactError) as raised:
        parse_facts(params)
    assert message in str(raised.value)


def test_an_area_with_two_decimals_or_trailing_zeros_is_accepted():
    two, three = parse_facts({"floor_area": "120.50"}), parse_facts({"floor_area": "120.500"})
    assert two["floor_area"] == three["floor_area"] == Decimal("120.5")


def test_unknown_subtype_is_rejected():
    with pytest.raises(FactError):
        check("medical", subtype="spaceport", beds=1)


# The JSON endpoint the registration form and other systems use.

def test_classify_endpoint_answers_json(client):
    response = client.get("/owner/classify/", {"category": "shopping", "floor_area": "280"})
    assert response.status_code == 200
    assert response.json() == {
        "qualifies": True, "kind": "shopping", "reasons": ["建筑面积 280㎡，不超过 300㎡：属于购物场所"],
    }


def test_classify_endpoint_takes_floors_as_a_list(client):
    response = client.get("/owner/classify/", {"category": "entertainment", "floors": "1,2",
                                                "floor_area": "180"})
    assert response.json()["qualifies"] is True


@pytest.mark.parametrize("params", [
    {"category": "spaceport", "floor_area": "10"},
    {"floor_area": "10"},
    {"category": "shopping"},
    {"category": "shopping", "floor_area": "-5"},
    {"category": "shopping", "floor_area": "lots"},
    {"category": "catering", "seats": "many"},
])
def test_classify_endpoint_rejects_bad_requests_in_chinese(client, params):
    response = client.get("/owner/classify/", params)
    assert response.status_code == 400
    message = response.json()["error"]
    assert any("\u4e00" <= char <= "\u9fff" for char in message)


# The town edits kinds in the admin.

@pytest.fixture
def admin_client(client):
    from tests.factories import UserFactory

    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    return client


def kind_edit_url(kind):
    return f"/admin/snippets/venues/venuekind/edit/{kind.pk}/"


def test_the_town_changes_a_threshold_in_the_admin(admin_client):
    from wagtail.test.utils.form_data import querydict_from_html

    kind = VenueKind.objects.get(slug="shopping")
    page = admin_client.get(kind_edit_url(kind))
    assert page.status_code == 200
    data = querydict_from_html(page.content.decode(), form_id="w-editor-form")
    data["max_floor_area"] = "250"
    admin_client.post(kind_edit_url(kind), data)

    kind.refresh_from_db()
    assert kind.max_floor_area == Decimal(250)
    assert not check("shopping", floor_area=280).qualifies


def test_a_kind_cannot_lose_a_limit_its_rule_needs(admin_client):
    from wagtail.test.utils.form_data import querydict_from_html

    kind = VenueKind.objects.get(slug="entertainment")
    page = admin_client.get(kind_edit_url(kind))
    data = querydict_from_html(page.content.decode(), form_id="w-editor-form")
    data["max_floor"] = ""
    response = admin_client.post(kind_edit_url(kind), data)

    assert response.status_code == 200
    assert "此类场所的判定规则需要填写这一上限" in response.content.decode()
    kind.refresh_from_db()
    assert kind.max_floor == 3


def test_content_editors_cannot_change_kinds(client):
    from home.roles import EDITORS
    from tests.factories import UserFactory

    client.force_login(UserFactory(groups=[EDITORS]))
    response = client.get(kind_edit_url(VenueKind.objects.get(slug="shopping")))
    assert response.status_code in (302, 403)


def test_the_town_office_role_may_edit_kinds(client):
    from django.contrib.auth.models import Group

    from tests.factories import UserFactory, make_area_tree
    from venues.models import StaffProfile
    from venues.roles import TOWN_OFFICE, VILLAGE_STAFF

    tree = make_area_tree()
    town = UserFactory(groups=[TOWN_OFFICE])
    StaffProfile.objects.create(user=town).areas.set([tree["town"]])
    village = UserFactory()
    village.groups.add(Group.objects.get(name=VILLAGE_STAFF))
    kind = VenueKind.objects.get(slug="shopping")

    client.force_login(town)
    assert client.get(kind_edit_url(kind)).status_code == 200
    client.force_login(village)
    assert client.get(kind_edit_url(kind)).status_code in (302, 403)
