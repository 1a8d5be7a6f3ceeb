"""The town emergency office manages staff accounts, the area tree and moves venues between
grids, without being a superuser, and only within its own areas."""

from django.contrib.auth import get_user_model

import pytest

from tests.factories import UserFactory, make_member, make_venue
from venues.access import venues_for
from venues.models import Area, AreaLevel, AuditEntry, Office
from venues.roles import GRID_WORKER, LEAD_OFFICE, TOWN_OFFICE, VILLAGE_STAFF

pytestmark = pytest.mark.django_db
User = get_user_model()


member = make_member


def refused(response):
    """Wagtail answers a refused admin request by sending the person to the dashboard."""
    return response.status_code == 403 or (
        response.status_code == 302 and response["Location"].rstrip("/").endswith("/admin"))


@pytest.fixture
def town(tree, client):
    user = member(TOWN_OFFICE, tree["town"], username="town")
    client.force_login(user)
    return user


def new_account(tree, **changes):
    data = {
        "username": "zhangmin", "full_name": "张敏", "mobile": "139 0000 1111",
        "role": VILLAGE_STAFF, "office": "", "areas": [tree["qinggang"].pk],
        "password1": "Qinggang-2026!", "password2": "Qinggang-2026!",
    }
    data.update(changes)
    return data


def test_the_town_office_creates_a_staff_account_that_works(client, tree, town):
    response = client.post("/admin/venues/staff/add/", new_account(tree))
    assert response.status_code == 302
    created = User.objects.get(username="zhangmin")
    assert created.mobile == "13900001111"
    assert list(created.groups.values_list("name", flat=True)) == [VILLAGE_STAFF]
    assert list(created.staff_profile.areas.all()) == [tree["qinggang"]]
    assert AuditEntry.objects.filter(action="staff.create", object_id=str(created.pk), actor=town).exists()
    # The new colleague signs in and sees 青杠村's venues only.
    make_venue(tree["qinggang-1"], name="青杠副食店")
    make_venue(tree["mugen-1"], name="木根超市")
    client.logout()
    assert client.login(username="zhangmin", password="Qinggang-2026!")
    assert [v.name for v in venues_for(created)] == ["青杠副食店"]


def test_bad_input_is_explained_and_kept(client, tree, town):
    response = client.post("/admin/venues/staff/add/", new_account(
        tree, mobile="12345", password2="something-else", role=LEAD_OFFICE))
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"mobile", "password2", "office"}
    assert 'value="张敏"' in response.content.decode()
    assert not User.objects.filter(username="zhangmin").exists()


def test_a_weak_password_is_refused(client, tree, town):
    response = client.post("/admin/venues/staff/add/", new_account(tree, password1="12345678",
                                                                   password2="12345678"))
    assert "password1" in response.context["form"].errors


def test_areas_outside_ones_own_cannot_be_given(client, tree):
    manager = member(TOWN_OFFICE, tree["qinggang"])
    client.force_login(manager)
    response = client.post("/admin/venues/staff/add/", new_account(tree, areas=[tree["mugen"].pk]))
    assert "areas" in response.context["form"].errors
    assert not User.objects.filter(username="zhangmin").exists()


def test_a_manager_sees_and_changes_only_staff_within_their_areas(client, tree):
    manager = member(TOWN_OFFICE, tree["qinggang"], username="qgmanager")
    inside = member(GRID_WORKER, tree["qinggang-1"], username="qggrid")
    outside = member(VILLAGE_STAFF, tree["mugen"], username="mgstaff")
    boss = UserFactory(username="root", is_superuser=True)
    client.force_login(manager)
    listed = {p.username for p in client.get("/admin/venues/staff/").context["people"]}
    assert listed == {"qgmanager", "qggrid"}
    assert client.get(f"/admin/venues/staff/{inside.pk}/").status_code == 200
    assert client.get(f"/admin/venues/staff/{outside.pk}/").status_code == 404
    assert client.get(f"/admin/venues/staff/{boss.pk}/").status_code == 404
    assert client.post(f"/admin/venues/staff/{outside.pk}/password/",
                       {"password1": "Xyz-2026-pass", "password2": "Xyz-2026-pass"}).status_code == 404


def test_disabling_an_account_stops_its_sign_in(client, tree, town):
    colleague = member(VILLAGE_STAFF, tree["qinggang"], username="leaving")
    colleague.set_password("Leaving-2026!")
    colleague.save()
    data = new_account(tree, username="leaving", full_name="离职人员", mobile="", is_active="")
    del data["password1"], data["password2"]
    assert client.post(f"/admin/venues/staff/{colleague.pk}/", data).status_code == 302
    colleague.refresh_from_db()
    assert not colleague.is_active
    client.logout()
    assert not client.login(username="leaving", password="Leaving-2026!")


def test_nobody_disables_their_own_account(client, tree, town):
    data = new_account(tree, username="town", full_name="镇应急办", mobile="", role=TOWN_OFFICE,
                       areas=[tree["town"].pk], is_active="")
    del data["password1"], data["password2"]
    response = client.post(f"/admin/venues/staff/{town.pk}/", data)
    assert "is_active" in response.context["form"].errors


def test_a_new_password_for_someone_who_forgot(client, tree, town):
    colleague = member(VILLAGE_STAFF, tree["qinggang"], username="forgetful")
    response = client.post(f"/admin/venues/staff/{colleague.pk}/password/",
                           {"password1": "Remember-2026!", "password2": "Remember-2026!"})
    assert response.status_code == 302
    client.logout()
    assert client.login(username="forgetful", password="Remember-2026!")
    assert AuditEntry.objects.filter(action="staff.password", object_id=str(colleague.pk)).exists()


def test_a_lead_office_account_sees_its_offices_kinds(client, tree, town):
    office = Office.objects.get(name="社事办")
    client.post("/admin/venues/staff/add/", new_account(tree, role=LEAD_OFFICE, office=office.pk,
                                                        areas=[tree["town"].pk]))
    created = User.objects.get(username="zhangmin")
    make_venue(tree["qinggang-1"], "medical", name="青杠村卫生室", subtype="village_clinic",
               credit_code="", licence="unlicensed", no_code_reason="村集体")
    make_venue(tree["qinggang-1"], name="青杠副食店")
    assert [v.name for v in venues_for(created)] == ["青杠村卫生室"]


@pytest.mark.parametrize("role", [VILLAGE_STAFF, GRID_WORKER, LEAD_OFFICE])
def test_other_roles_do_not_manage_staff_or_areas(client, tree, role):
    client.force_login(member(role, tree["qinggang"]))
    village = tree["qinggang"].pk
    for url in ["/admin/venues/staff/", "/admin/venues/staff/add/", f"/admin/venues/areas/{village}/add/",
                f"/admin/venues/areas/{village}/"]:
        assert refused(client.get(url)), url


# The area tree


def test_adding_a_grid_to_a_village(client, tree, town):
    response = client.post(f"/admin/venues/areas/{tree['qinggang'].pk}/add/",
                           {"name": "青杠村第3网格", "level": AreaLevel.GRID, "code": ""})
    assert response.status_code == 302
    grid = Area.objects.get(name="青杠村第3网格")
    assert grid.get_parent() == tree["qinggang"]
    assert "青杠村第3网格" in client.get("/admin/venues/areas/").content.decode()


def test_an_area_cannot_sit_at_its_parents_level_or_repeat_a_name(client, tree, town):
    url = f"/admin/venues/areas/{tree['qinggang'].pk}/add/"
    response = client.post(url, {"name": "青杠村第1网格", "level": AreaLevel.VILLAGE})
    assert set(response.context["form"].errors) == {"name", "level"}


def test_renaming_an_area(client, tree, town):
    grid = tree["qinggang-2"]
    client.post(f"/admin/venues/areas/{grid.pk}/", {"name": "青杠村老街网格", "level": AreaLevel.GRID})
    assert Area.objects.get(pk=grid.pk).name == "青杠村老街网格"


def test_only_an_empty_area_is_deleted(client, tree, town):
    make_venue(tree["qinggang-1"])
    client.post(f"/admin/venues/areas/{tree['qinggang-1'].pk}/delete/")
    assert Area.objects.filter(pk=tree["qinggang-1"].pk).exists()
    client.post(f"/admin/venues/areas/{tree['qinggang-2'].pk}/delete/")
    assert not Area.objects.filter(pk=tree["qinggang-2"].pk).exists()


def test_areas_outside_ones_scope_are_not_found(client, tree):
    client.force_login(member(TOWN_OFFICE, tree["qinggang"]))
    assert client.get(f"/admin/venues/areas/{tree['mugen'].pk}/").status_code == 404
    assert client.post(f"/admin/venues/areas/{tree['mugen-2'].pk}/delete/").status_code == 404
    assert Area.objects.filter(pk=tree["mugen-2"].pk).exists()
    listed = {a.name for a in client.get("/admin/venues/areas/").context["areas"]}
    assert listed == {"青杠村", "青杠村第1网格", "青杠村第2网格"}


# Moving venues


def test_moving_a_venue_to_another_grid(client, tree, town):
    venue = make_venue(tree["qinggang-1"], name="青杠副食店")
    qinggang_staff = member(VILLAGE_STAFF, tree["qinggang"])
    response = client.post(f"/admin/venues/venue/{venue.pk}/move/",
                           {"area": tree["mugen-2"].pk, "reason": "地址在木根村"})
    assert response.status_code == 302
    venue.refresh_from_db()
    assert venue.area == tree["mugen-2"]
    assert not venues_for(qinggang_staff).filter(pk=venue.pk).exists()
    entry = AuditEntry.objects.get(action="venue.move")
    assert entry.detail["reason"] == "地址在木根村" and entry.actor == town
    assert "地址在木根村" in client.get(f"/admin/venues/venue/inspect/{venue.pk}/").content.decode()


def test_a_move_needs_a_reason_and_an_area_in_scope(client, tree):
    venue = make_venue(tree["qinggang-1"])
    client.force_login(member(TOWN_OFFICE, tree["qinggang"]))
    response = client.post(f"/admin/venues/venue/{venue.pk}/move/",
                           {"area": tree["mugen-2"].pk, "reason": ""})
    assert set(response.context["form"].errors) == {"area", "reason"}
    venue.refresh_from_db()
    assert venue.area == tree["qinggang-1"]


def test_village_staff_do_not_move_venues(client, tree):
    venue = make_venue(tree["qinggang-1"])
    client.force_login(member(VILLAGE_STAFF, tree["qinggang"]))
    assert refused(client.post(f"/admin/venues/venue/{venue.pk}/move/",
                               {"area": tree["qinggang-2"].pk, "reason": "x"}))
    venue.refresh_from_db()
    assert venue.area == tree["qinggang-1"]


def test_the_staff_list_downloads_with_masked_mobiles(client, tree, town):
    member(VILLAGE_STAFF, tree["qinggang"], username="qgstaff", mobile="13900005678", full_name="王五")
    member(VILLAGE_STAFF, tree["mugen"], username="mgstaff")
    response = client.get("/admin/venues/staff/?role=" + VILLAGE_STAFF + "&export=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    import io

    from openpyxl import load_workbook

    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("用户名", "姓名", "手机号码")
    assert {row[0] for row in rows[1:]} == {"qgstaff", "mgstaff"}
    qg = next(row for row in rows if row[0] == "qgstaff")
    assert qg[1:3] == ("王五", "139****5678")


@pytest.mark.parametrize("url", ["/admin/venues/staff/", "/admin/venues/areas/", "/admin/"])
def test_lists_run_a_constant_number_of_queries(client, tree, town, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    def grow(n):
        for i in range(n):
            village = Area.objects.get(pk=tree["mugen"].pk)
            grid = village.add_child(name=f"木根村新网格{n}-{i}", level=AreaLevel.GRID)
            member(GRID_WORKER, grid, username=f"grid-{n}-{i}")
            make_venue(grid, name=f"新店{n}-{i}", status="submitted")

    count()  # caches warm up on the first request
    grow(2)
    few = count()
    grow(10)
    assert count() == few
