"""The audit log: complete entries (who, role, area, address, action, object, outcome, time),
never changed or deleted by the application, read by auditors only, kept at least 184 days;
personal numbers shown in full only by a deliberate, audited request."""

import datetime
import io

from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.utils import timezone

import pytest

from tests.factories import UserFactory, make_member, make_venue
from venues.models import AuditEntry, ImmutableAudit, VenueStatus
from venues.roles import AUDITOR, TOWN_OFFICE, VILLAGE_STAFF

pytestmark = pytest.mark.django_db
MOBILE, ID_NUMBER = "13912345678", "11010519491231002X"


member = make_member


@pytest.fixture
def venue(tree):
    owner = UserFactory(mobile="13687654321", username="owner")
    return make_venue(tree["qinggang-1"], name="青杠小卖部", status=VenueStatus.SUBMITTED, owner=owner,
                      licence="unlicensed", credit_code="", no_code_reason="未办证",
                      operator_mobile=MOBILE, operator_id_number=ID_NUMBER)


def test_an_entry_says_who_in_which_role_and_area_from_where_did_what_and_how(client, tree, venue):
    staff = member(VILLAGE_STAFF, tree["qinggang"], username="qgstaff")
    client.force_login(staff)
    client.post(f"/admin/venues/venue/{venue.pk}/review/", {"action": "approve"}, REMOTE_ADDR="203.0.113.7")
    entry = AuditEntry.objects.get(action="venue.approve")
    assert (entry.actor, entry.role, entry.area) == (staff, VILLAGE_STAFF, "青杠村")
    assert entry.address == "203.0.113.7"
    assert (entry.object_type, entry.object_id, entry.outcome) == ("venue", str(venue.pk), "ok")
    assert timezone.now() - entry.at < datetime.timedelta(minutes=1)


def test_the_application_cannot_change_or_delete_entries(venue):
    entry = AuditEntry.objects.create(action="venue.test", object_type="venue", object_id=str(venue.pk))
    entry.action = "venue.forged"
    with pytest.raises(ImmutableAudit):
        entry.save()
    with pytest.raises(ImmutableAudit):
        entry.delete()
    with pytest.raises(ImmutableAudit):
        AuditEntry.objects.filter(pk=entry.pk).update(action="venue.forged")
    with pytest.raises(ImmutableAudit):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get(pk=entry.pk).action == "venue.test"


def test_auditors_read_and_filter_the_log_and_nobody_else_does(client, tree, venue):
    AuditEntry.objects.create(action="venue.reveal", object_type="venue", object_id=str(venue.pk))
    AuditEntry.objects.create(action="staff.create", object_type="user", object_id="1", outcome="failed")
    auditor = UserFactory(username="auditor")
    auditor.groups.add(Group.objects.get(name=AUDITOR))
    client.force_login(auditor)
    listed = client.get("/admin/venues/auditentry/?action=venue.reveal")
    assert listed.status_code == 200
    assert [e.action for e in listed.context["object_list"]] == ["venue.reveal"]
    failed = client.get("/admin/venues/auditentry/?outcome=failed").context["object_list"]
    assert [e.action for e in failed] == ["staff.create"]
    # Lookups the list does not offer are ignored (no probing through query parameters).
    everything = len(client.get("/admin/venues/auditentry/").context["object_list"])
    probe = client.get("/admin/venues/auditentry/?actor__password__startswith=x").context["object_list"]
    assert len(probe) == everything >= 2
    assert client.get("/admin/venues/auditentry/create/").status_code in (302, 403)
    entry = AuditEntry.objects.first()
    assert client.get(f"/admin/venues/auditentry/edit/{entry.pk}/").status_code in (302, 403)
    assert client.post(f"/admin/venues/auditentry/delete/{entry.pk}/").status_code in (302, 403)
    assert AuditEntry.objects.filter(pk=entry.pk).exists()
    # The town office, whose work is audited, does not read the log.
    client.force_login(member(TOWN_OFFICE, tree["town"]))
    assert client.get("/admin/venues/auditentry/")["Location"].rstrip("/").endswith("/admin")


def test_numbers_in_full_only_through_the_audited_button(client, tree, venue):
    staff = member(VILLAGE_STAFF, tree["qinggang"])
    client.force_login(staff)
    pages = [f"/admin/venues/venue/inspect/{venue.pk}/", "/admin/venues/venue/",
             "/admin/venues/venue/?export=csv"]
    for url in pages:
        response = client.get(url)
        content = b"".join(response.streaming_content) if response.streaming else response.content
        text = content.decode("utf-8-sig")
        assert MOBILE not in text and ID_NUMBER not in text and "13687654321" not in text, url
    assert not AuditEntry.objects.filter(action="venue.reveal").exists()
    revealed = client.post(f"/admin/venues/venue/{venue.pk}/reveal/").content.decode()
    assert MOBILE in revealed and ID_NUMBER in revealed and "13687654321" in revealed
    entry = AuditEntry.objects.get(action="venue.reveal")
    assert entry.actor == staff and entry.object_id == str(venue.pk)
    # Owners' own pages mask them too.
    client.force_login(venue.owner)
    for url in ["/owner/", "/owner/account/"]:
        text = client.get(url).content.decode()
        assert MOBILE not in text and "13687654321" not in text, url


def test_exports_are_recorded(client, tree, venue):
    client.force_login(member(VILLAGE_STAFF, tree["qinggang"]))
    client.get("/admin/venues/venue/?export=xlsx")
    entry = AuditEntry.objects.get(action="venue.export")
    assert entry.detail["rows"] == 1 and entry.detail["format"] == "xlsx"


def test_the_purge_keeps_at_least_184_days(venue):
    old = AuditEntry.objects.create(action="venue.old", object_type="venue", object_id="1")
    recent = AuditEntry.objects.create(action="venue.recent", object_type="venue", object_id="1")
    # The application cannot backdate an entry; the test moves it with plain SQL.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("UPDATE venues_auditentry SET at = %s WHERE id = %s",
                       [timezone.now() - datetime.timedelta(days=185), old.pk])
        cursor.execute("UPDATE venues_auditentry SET at = %s WHERE id = %s",
                       [timezone.now() - datetime.timedelta(days=183), recent.pk])
    with pytest.raises(CommandError):
        call_command("purge_audit", "--days", "30", stdout=io.StringIO())
    call_command("purge_audit", stdout=io.StringIO())
    remaining = set(AuditEntry.objects.values_list("action", flat=True))
    assert "venue.old" not in remaining and {"venue.recent", "audit.purge"} <= remaining


def test_every_kind_of_event_is_complete(client, tree, venue):
    """Sign-in (failed and ok), sign-out, a password change, a review, a full view and an
    export: each entry has its time, address, action, object and outcome, and who (with
    role) whenever someone was signed in."""
    from django.utils.crypto import get_random_string

    staff = member(VILLAGE_STAFF, tree["qinggang"], username="qgstaff")
    password = "Qg-" + get_random_string(12)
    staff.set_password(password)
    staff.save()
    ip = {"REMOTE_ADDR": "198.51.100.23"}
    client.post("/admin/login/", {"username": "qgstaff", "password": "wrong-password"}, **ip)
    client.post("/admin/login/", {"username": "qgstaff", "password": password}, **ip)
    client.post(f"/admin/venues/venue/{venue.pk}/review/", {"action": "approve"}, **ip)
    client.post(f"/admin/venues/venue/{venue.pk}/reveal/", **ip)
    client.get("/admin/venues/venue/?export=xlsx", **ip)
    client.post("/admin/logout/", **ip)
    actions = {entry.action: entry for entry in AuditEntry.objects.all()}
    expected = {"login", "password.change", "venue.approve", "venue.reveal", "venue.export", "logout"}
    assert expected <= set(actions)
    for entry in AuditEntry.objects.exclude(action="password.change"):  # set outside a request
        assert entry.at and entry.action and entry.object_type and entry.outcome, entry
        assert entry.address == "198.51.100.23", entry
        if entry.actor is not None:
            assert entry.role == VILLAGE_STAFF and entry.area == "青杠村", entry
    assert AuditEntry.objects.filter(action="login", outcome="failed").exists()
