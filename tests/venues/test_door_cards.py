"""The public venue card behind each door's QR code, and the printable door cards."""

import pytest

from home.models import SiteSettings
from tests.factories import make_staff, make_venue
from venues.models import VenueStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(tree):
    return make_venue(tree["qinggang-1"], "catering", name="青杠农家饭庄", seats=60,
                      status=VenueStatus.APPROVED, operator_name="王秀英",
                      operator_mobile="13912345678", contact_name="李四", contact_mobile="13700000000")


def test_public_card_shows_the_venue_and_nothing_personal(client, home, approved):
    html = client.get(f"/v/{approved.public_code}/").content.decode()
    assert "青杠农家饭庄" in html and "餐饮场所" in html and "青杠村" in html and "已批准" in html
    for personal in ["王秀英", "13912345678", "李四", "13700000000", approved.credit_code]:
        assert personal not in html


def test_public_card_accepts_a_lower_case_code(client, home, approved):
    assert client.get(f"/v/{approved.public_code.lower()}/").status_code == 200


@pytest.mark.parametrize("status", [s for s in VenueStatus if s != VenueStatus.APPROVED])
def test_only_approved_venues_have_a_public_card(client, home, tree, status):
    venue = make_venue(tree["qinggang-1"], status=status)
    assert client.get(f"/v/{venue.public_code}/").status_code == 404


def test_unknown_codes_are_not_found(client, home):
    assert client.get("/v/ZZZZZZZZ/").status_code == 404


def test_public_card_links_to_the_report_page_editors_chose(client, home, approved):
    from home.models import HazardReportPage
    from tests.factories import add_page

    report = add_page(home, HazardReportPage(title="隐患举报", slug="report"))
    SiteSettings.objects.create(site=home.get_site(), report_page=report, phone="023-1")
    html = client.get(f"/v/{approved.public_code}/").content.decode()
    assert f'href="/report/?venue={approved.public_code}"' in html


def test_door_card_carries_a_qr_code_of_the_configured_address(client, settings, tree, approved):
    settings.PUBLIC_BASE_URL = "https://safety.example.gov.cn"
    client.force_login(make_staff(tree["qinggang"]))
    response = client.get(f"/admin/venues/venue/{approved.pk}/card/", headers={"Host": "127.0.0.1"})
    html = response.content.decode()
    assert response.status_code == 200
    assert f"https://safety.example.gov.cn/v/{approved.public_code}/" in html
    assert '<svg role="img"' in html and "<title>青杠农家饭庄的二维码</title>" in html
    assert "13912345678" not in html and "王秀英" not in html
    assert "door-card.css" in html


def test_the_qr_code_encodes_the_public_card_address(client, settings, tree, approved):
    from venues.qr import qr_svg

    settings.PUBLIC_BASE_URL = "https://safety.example.gov.cn"
    client.force_login(make_staff(tree["qinggang"]))
    html = client.get(f"/admin/venues/venue/{approved.pk}/card/").content.decode()
    expected = qr_svg(f"https://safety.example.gov.cn/v/{approved.public_code}/", "青杠农家饭庄的二维码")
    assert expected in html


def test_door_cards_only_for_approved_venues_in_scope(client, tree, approved):
    submitted = make_venue(tree["qinggang-1"], status=VenueStatus.SUBMITTED)
    other_village = make_venue(tree["mugen-1"], status=VenueStatus.APPROVED)
    client.force_login(make_staff(tree["qinggang"]))
    assert client.get(f"/admin/venues/venue/{submitted.pk}/card/").status_code == 404
    assert client.get(f"/admin/venues/venue/{other_village.pk}/card/").status_code == 404


def test_a_sheet_prints_every_approved_venue_of_a_village(client, tree, approved):
    make_venue(tree["qinggang-2"], name="青杠小卖部", status=VenueStatus.APPROVED)
    make_venue(tree["qinggang-2"], name="青杠草稿店", status=VenueStatus.DRAFT)
    make_venue(tree["mugen-1"], name="木根超市", status=VenueStatus.APPROVED)
    client.force_login(make_staff(tree["qinggang"]))

    html = client.get(f"/admin/venues/area/{tree['qinggang'].pk}/cards/").content.decode()
    assert html.count('class="door-card"') == 2
    assert "青杠农家饭庄" in html and "青杠小卖部" in html
    assert "青杠草稿店" not in html and "木根超市" not in html

    grid = client.get(f"/admin/venues/area/{tree['qinggang-2'].pk}/cards/").content.decode()
    assert grid.count('class="door-card"') == 1

    assert client.get(f"/admin/venues/area/{tree['mugen'].pk}/cards/").status_code == 404
    assert client.get(f"/admin/venues/area/{tree['town'].pk}/cards/").status_code == 404


def test_a_revoked_code_stops_working(client, home, tree, approved):
    from venues.models import AuditEntry

    old = approved.public_code
    staff = make_staff(tree["qinggang"])
    client.force_login(staff)
    client.post(f"/admin/venues/venue/{approved.pk}/reissue-code/")
    approved.refresh_from_db()
    assert approved.public_code != old
    client.logout()
    assert client.get(f"/v/{old}/").status_code == 404
    assert client.get(f"/v/{approved.public_code}/").status_code == 200
    entry = AuditEntry.objects.get(action="venue.reissue_code")
    assert entry.actor == staff and entry.detail == {"revoked": old}


def test_only_reviewers_in_scope_revoke_codes(client, tree, approved):
    old = approved.public_code
    client.force_login(make_staff(tree["mugen"]))
    assert client.post(f"/admin/venues/venue/{approved.pk}/reissue-code/").status_code == 404
    client.force_login(make_staff(tree["town"], permissions=("access_admin", "view_venue")))
    refused = client.post(f"/admin/venues/venue/{approved.pk}/reissue-code/")
    # Wagtail turns a refusal in the admin into a return to the dashboard with a message.
    assert (refused.status_code, refused.get("Location")) in ((403, None), (302, "/admin/"))
    approved.refresh_from_db()
    assert approved.public_code == old


def test_the_venue_list_offers_the_sheet_of_the_area_filtered_by_within_scope(client, tree, approved):
    def sheet_link(user, area):
        client.force_login(user)
        html = client.get("/admin/venues/venue/", {"area": area.pk}).content.decode()
        return f'href="/admin/venues/area/{area.pk}/cards/"' in html

    assert sheet_link(make_staff(tree["qinggang"]), tree["qinggang"])
    assert sheet_link(make_staff(tree["qinggang"]), tree["qinggang-1"])
    # A grid worker may filter by their village, but its sheet is not theirs to print.
    assert not sheet_link(make_staff(tree["qinggang-1"]), tree["qinggang"])
    assert not sheet_link(make_staff(tree["qinggang"]), tree["mugen"])
