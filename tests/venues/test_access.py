"""Staff see exactly their areas' subtrees (a lead office only its kinds); owners their own."""

import pytest

from tests.factories import UserFactory, make_staff, make_venue
from venues.access import venues_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def venues(tree):
    owner = UserFactory(username="owner")
    return {
        "qg-shop": make_venue(tree["qinggang-1"], "shopping", owner=owner),
        "qg-food": make_venue(tree["qinggang-2"], "catering", seats=40),
        "qg-village": make_venue(tree["qinggang"], "lodging", beds=10),
        "mg-shop": make_venue(tree["mugen-1"], "shopping"),
        "owner": owner,
    }


def names(user):
    return {v.pk for v in venues_for(user)}


def test_village_staff_see_their_village_and_its_grids_only(tree, venues):
    staff = make_staff(tree["qinggang"])
    assert names(staff) == {venues[k].pk for k in ("qg-shop", "qg-food", "qg-village")}


def test_grid_worker_sees_one_grid(tree, venues):
    worker = make_staff(tree["qinggang-1"])
    assert names(worker) == {venues["qg-shop"].pk}


def test_town_staff_see_the_whole_town(tree, venues):
    town = make_staff(tree["town"])
    assert len(names(town)) == 4


def test_lead_office_sees_its_kinds_within_its_areas(tree, venues):
    office = make_staff(tree["town"], kinds=["catering"])
    assert names(office) == {venues["qg-food"].pk}


def test_further_kinds_count_for_a_lead_office(tree, venues):
    from venues.models import VenueKind

    venues["qg-village"].other_kinds.add(VenueKind.objects.get(slug="catering"))
    office = make_staff(tree["town"], kinds=["catering"])
    assert names(office) == {venues["qg-food"].pk, venues["qg-village"].pk}


def test_the_seeded_offices_lead_the_plans_kinds(tree, venues):
    from venues.models import Office

    trade = make_staff(tree["town"], office=Office.objects.get(name="经发办"))
    assert names(trade) == {venues[k].pk for k in ("qg-shop", "qg-food", "qg-village", "mg-shop")}
    health = make_staff(tree["town"], office=Office.objects.get(name="社事办"))
    assert names(health) == set()
    # The town emergency office sees every kind, not only those it leads.
    emergency = make_staff(tree["qinggang"], office=Office.objects.get(name="应急办"))
    assert names(emergency) == {venues[k].pk for k in ("qg-shop", "qg-food", "qg-village")}


def test_kinds_no_office_leads_fall_to_the_town_emergency_office(db):
    from venues.models import VenueKind

    assert VenueKind.objects.get(slug="leisure").lead_office_names() == "应急办"
    assert VenueKind.objects.get(slug="hazardous").lead_office_names() == "应急办、综合行政执法"
    assert VenueKind.objects.get(slug="shopping").lead_office_names() == "经发办、食药监办"


def test_staff_of_several_areas_see_each(tree, venues):
    staff = make_staff(tree["qinggang-2"], tree["mugen"])
    assert names(staff) == {venues["qg-food"].pk, venues["mg-shop"].pk}


def test_owners_see_their_own_venues(venues):
    assert names(venues["owner"]) == {venues["qg-shop"].pk}
    assert names(UserFactory()) == set()


def test_anonymous_and_disabled_users_see_nothing(tree, venues):
    from django.contrib.auth.models import AnonymousUser

    assert names(AnonymousUser()) == set()
    staff = make_staff(tree["town"])
    staff.is_active = False
    assert names(staff) == set()


def test_staff_without_areas_see_nothing(venues):
    assert names(make_staff()) == set()


# --- The lists' area filters -----------------------------------------------------------------

def offered(user, chosen=""):
    from venues.access import area_filter_choices

    return [label for _value, label in area_filter_choices(user, chosen)]


def test_the_area_filter_goes_down_one_level_at_a_time(tree):
    town = make_staff(tree["town"])
    # The town and its villages; a grid only once its village is chosen.
    assert offered(town) == ["双河镇", "　木根村", "　青杠村"]  # in the tree's order
    assert offered(town, str(tree["qinggang"].pk)) == [
        "双河镇", "　青杠村", "　　青杠村第1网格", "　　青杠村第2网格"]
    assert offered(town, str(tree["qinggang-2"].pk)) == ["双河镇", "　青杠村", "　　青杠村第2网格"]
    # Village staff start at their village, and never see above it.
    village = make_staff(tree["qinggang"])
    assert offered(village) == ["青杠村", "　青杠村第1网格", "　青杠村第2网格"]
    assert offered(village, str(tree["qinggang-1"].pk)) == ["青杠村", "　青杠村第1网格"]


def test_the_area_filter_never_offers_an_area_outside_the_persons_own(tree):
    village = make_staff(tree["qinggang"])
    for chosen in (tree["mugen"].pk, tree["mugen-1"].pk, tree["town"].pk, "abc", 99999, "²", "１"):
        assert offered(village, str(chosen)) == ["青杠村", "　青杠村第1网格", "　青杠村第2网格"]
    # Someone with two areas starts from both.
    two_grids = make_staff(tree["qinggang-1"], tree["mugen-2"])
    assert offered(two_grids) == ["木根村第2网格", "青杠村第1网格"]
    assert offered(two_grids, str(tree["mugen-2"].pk)) == ["木根村第2网格"]
    assert offered(make_staff()) == []


def test_the_venue_list_offers_the_chosen_villages_grids(client, tree):
    make_venue(tree["qinggang-1"], name="青杠一店")
    make_venue(tree["mugen-1"], name="木根一店")
    client.force_login(make_staff(tree["town"]))
    def choice(area):
        return f'area={tree[area].pk}"'

    html = client.get("/admin/venues/venue/").content.decode()
    assert choice("qinggang") in html and choice("qinggang-1") not in html
    response = client.get("/admin/venues/venue/", {"area": tree["qinggang"].pk})
    html = response.content.decode()
    assert choice("qinggang-1") in html and choice("mugen-1") not in html
    assert {venue.name for venue in response.context["view"].queryset} == {"青杠一店"}
