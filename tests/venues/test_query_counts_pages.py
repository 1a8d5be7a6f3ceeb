"""Every back-office page, the public card and the owner's pages take the same number of
queries whatever the data: measured with a little data, then again after the register, the
venue's own record (self-checks, hazards, history) and the audit log have grown (issue 8).
The lists have their own tests (test_back_office, test_export, test_selfcheck_admin,
test_staff_admin, tests/test_query_counts)."""

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

import pytest

from tests.factories import make_member
from tests.venues.test_selfcheck_admin import GENERAL, MAJOR, a_venue, rectified, submitted, town_office
from venues.models import AuditEntry, Hazard
from venues.roles import AUDITOR, TOWN_OFFICE
from venues.workflows import selfchecks

pytestmark = pytest.mark.django_db


def queries(client, url):
    client.get(url)  # start-up caches (site root paths, translations, permissions)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def grow(tree, venue, staff, start, count):
    """More venues with self-checks and hazards in two villages; another accepted self-check
    for ``venue`` with its failed items found again; more audit entries."""
    for n in range(start, start + count):
        other = a_venue(tree["qinggang-1" if n % 2 else "mugen-2"], f"测试店{n}")
        check = submitted(other, fail=[GENERAL, MAJOR])
        if n % 2:
            rectified(Hazard.objects.get(selfcheck=check, item_code=GENERAL))
        AuditEntry.objects.create(action="venue.reveal", object_type="venue", object_id=str(other.pk))
    selfchecks.accept(submitted(venue, fail=[GENERAL, MAJOR]), staff)


def test_detail_pages_and_the_dashboard_take_the_same_queries_as_data_grows(tree):
    staff = make_member(TOWN_OFFICE, tree["town"], office=town_office())
    auditor = make_member(AUDITOR, tree["town"])
    venue = a_venue(tree["qinggang-1"], "青杠副食店")
    grow(tree, venue, staff, 1, 2)
    hazard = Hazard.objects.filter(venue=venue).first()
    rectified(hazard)

    def measure():
        check = venue.selfchecks.order_by("-pk").first()
        as_staff, as_auditor, as_owner, anyone = Client(), Client(), Client(), Client()
        as_staff.force_login(staff)
        as_auditor.force_login(auditor)
        as_owner.force_login(venue.owner)
        return {
            "dashboard": queries(as_staff, "/admin/"),
            "venue": queries(as_staff, f"/admin/venues/venue/inspect/{venue.pk}/"),
            "self-check": queries(as_staff, f"/admin/venues/selfchecks/{check.pk}/"),
            "hazard": queries(as_staff, f"/admin/venues/hazards/{hazard.pk}/"),
            "audit log": queries(as_auditor, "/admin/venues/auditentry/"),
            "corrections": queries(as_staff, "/admin/venues/corrections/"),
            "owner": queries(as_owner, "/owner/"),
            "card": queries(anyone, f"/v/{venue.public_code}/"),
        }

    few = measure()
    grow(tree, venue, staff, 3, 6)
    assert measure() == few
