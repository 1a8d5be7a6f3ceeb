"""The staff dashboard lists what waits for the person, within their own scope."""


from django.db import connection

import pytest

from tests.factories import make_member, make_venue
from venues.models import VenueStatus
from venues.roles import GRID_WORKER, VILLAGE_STAFF

pytestmark = pytest.mark.django_db


member = make_member


def test_reviewers_see_the_registrations_waiting_in_their_village(client, tree):
    make_venue(tree["qinggang-1"], status=VenueStatus.SUBMITTED)
    make_venue(tree["qinggang-2"], status=VenueStatus.SUBMITTED)
    make_venue(tree["qinggang-2"], status=VenueStatus.RESUBMITTED)
    make_venue(tree["mugen-1"], status=VenueStatus.SUBMITTED)
    make_venue(tree["qinggang-1"], status=VenueStatus.APPROVED)
    client.force_login(member(VILLAGE_STAFF, tree["qinggang"]))
    html = client.get("/admin/").content.decode()
    assert "待办" in html
    assert '?status=submitted">新提交待审核的登记</a>：<strong>2</strong>' in html
    assert '?status=resubmitted">重新提交待审核的登记</a>：<strong>1</strong>' in html


def test_nothing_waiting_says_so(client, tree):
    make_venue(tree["mugen-1"], status=VenueStatus.SUBMITTED)
    client.force_login(member(VILLAGE_STAFF, tree["qinggang"]))
    assert "暂无待办事项" in client.get("/admin/").content.decode()


def test_grid_workers_have_no_review_to_do(client, tree):
    make_venue(tree["qinggang-1"], status=VenueStatus.SUBMITTED)
    client.force_login(member(GRID_WORKER, tree["qinggang-1"]))
    assert "待审核" not in client.get("/admin/").content.decode()


def test_escalations_come_first_with_the_venues_whose_self_check_is_overdue(client, tree):
    import datetime

    from django.utils import timezone
    from django.utils.translation import gettext as _

    from tests.factories import UserFactory, approve
    from venues.models import Venue
    from venues.workflows import hazards

    past = timezone.localdate() - datetime.timedelta(days=3)
    late = approve(make_venue(tree["qinggang-1"], owner=UserFactory(), name="逾期店"))
    hazards.record(late, late.owner, source="selfcheck", severity="general", description="灭火器过期",
                   deadline=past)
    Venue.objects.filter(pk=late.pk).update(selfcheck_due_on=past)
    closed = make_venue(tree["qinggang-2"], status=VenueStatus.CLOSED, name="已关闭的店")
    Venue.objects.filter(pk=closed.pk).update(selfcheck_due_on=past)  # closed: not asked any more
    make_venue(tree["qinggang-2"], status=VenueStatus.SUBMITTED)
    client.force_login(member(VILLAGE_STAFF, tree["qinggang"]))
    html = client.get("/admin/").content.decode()
    todo = html[html.index('id="todo-heading"'):]
    overdue_hazards = (f'href="/admin/venues/hazards/?overdue=yes">{_("Overdue hazards")}'
                       "</a>：<strong>1</strong>")
    overdue_venues = (f'href="/admin/venues/venue/?selfcheck=overdue">'
                      f'{_("Venues whose self-check is overdue")}</a>：<strong>1</strong>')
    registrations = 'href="/admin/venues/venue/?status=submitted"'
    assert todo.index(overdue_hazards) < todo.index(overdue_venues) < todo.index(registrations)
    # The link lists that venue only.
    listed = client.get("/admin/venues/venue/?selfcheck=overdue").context["view"].queryset
    assert [venue.name for venue in listed] == ["逾期店"]
    # Grid workers see them too, within their grid.
    client.force_login(member(GRID_WORKER, tree["qinggang-2"]))
    assert "?selfcheck=overdue" not in client.get("/admin/").content.decode()
    client.force_login(member(GRID_WORKER, tree["qinggang-1"]))
    html = client.get("/admin/").content.decode()
    assert overdue_venues in html and overdue_hazards in html


# --- Kept in the cache, never out of date -------------------------------------------------------

def todo_of(client):
    html = client.get("/admin/").content.decode()
    return html[html.index('id="todo-heading"'):]


def counted(client):
    """Whether showing the dashboard counted venues (rather than reading the counts kept)."""
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get("/admin/").status_code == 200
    return any('COUNT("venues_venue"' in query["sql"] for query in queries.captured_queries)


NEW = '?status=submitted">新提交待审核的登记</a>：<strong>{}</strong>'
OVERDUE = '?selfcheck=overdue">{}</a>：<strong>{}</strong>'


def test_the_counts_are_kept_and_change_as_soon_as_a_registration_does(client, tree):
    from venues.workflows import registration

    first = make_venue(tree["qinggang-1"], status=VenueStatus.SUBMITTED)
    reviewer = member(VILLAGE_STAFF, tree["qinggang"])
    client.force_login(reviewer)
    assert NEW.format(1) in todo_of(client)
    assert not counted(client)  # the second visit reads the counts kept
    make_venue(tree["qinggang-2"], status=VenueStatus.SUBMITTED)  # an owner submits
    assert counted(client)
    assert NEW.format(2) in todo_of(client)
    registration.perform(first, "approve", reviewer)
    assert NEW.format(1) in todo_of(client)
    # Another person's counts are their own.
    client.force_login(member(VILLAGE_STAFF, tree["mugen"]))
    assert "暂无待办事项" in todo_of(client)


def test_due_dates_moved_in_bulk_count_anew(client, tree):
    import datetime

    from django.utils import timezone
    from django.utils.translation import gettext as _

    from tests.factories import UserFactory, approve
    from venues import schedule
    from venues.models import Venue

    venue = approve(make_venue(tree["qinggang-1"], owner=UserFactory()))
    past = timezone.localdate() - datetime.timedelta(days=3)
    Venue.objects.filter(pk=venue.pk).update(selfcheck_due_on=past)
    client.force_login(member(VILLAGE_STAFF, tree["qinggang"]))
    label = _("Venues whose self-check is overdue")
    assert OVERDUE.format(label, 1) in todo_of(client)
    schedule.refresh()  # the nightly job puts the right due date back, in one bulk update
    assert label not in todo_of(client) and "暂无待办事项" in todo_of(client)


def test_with_the_cache_off_every_visit_counts(client, tree, settings):
    settings.TODO_CACHE_SECONDS = 0
    venue = make_venue(tree["qinggang-1"], status=VenueStatus.SUBMITTED)
    client.force_login(member(VILLAGE_STAFF, tree["qinggang"]))
    assert NEW.format(1) in todo_of(client)
    type(venue).objects.filter(pk=venue.pk).update(status=VenueStatus.RESUBMITTED)  # no signal
    assert counted(client)
    assert NEW.format(1) not in todo_of(client)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="covering indexes exist on PostgreSQL only")
def test_postgresql_has_the_covering_index_the_counts_join_venues_through():
    # Over a district the counts join every venue in it: the index holds what the join reads
    # (area, id, status), so the 130 MB venue table of 100,000 venues is not (bench/results).
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'venue_scope_cover'")
        (definition,) = cursor.fetchone()
    assert "(area_id) INCLUDE (id, status)" in definition


def test_the_counts_follow_a_change_of_scope_or_role_at_once(client, tree):
    from django.contrib.auth.models import Group

    make_venue(tree["qinggang-1"], status=VenueStatus.SUBMITTED)
    moved = make_venue(tree["qinggang-2"], status=VenueStatus.SUBMITTED)
    reviewer = member(VILLAGE_STAFF, tree["qinggang"])
    client.force_login(reviewer)
    assert NEW.format(2) in todo_of(client)
    # A venue moved to another village leaves the count.
    moved.area = tree["mugen-1"]
    moved.save(update_fields=["area"])
    assert NEW.format(1) in todo_of(client)
    # The reviewer now works in 木根村 instead.
    reviewer.staff_profile.areas.set([tree["mugen"]])
    assert NEW.format(1) in todo_of(client)
    make_venue(tree["mugen-2"], status=VenueStatus.SUBMITTED)
    assert NEW.format(2) in todo_of(client)
    # Made a grid worker: nothing to review any more.
    reviewer.groups.set([Group.objects.get(name=GRID_WORKER)])
    assert "待审核" not in todo_of(client)


def test_a_save_of_fields_no_count_reads_keeps_the_counts(client, tree):
    venue = make_venue(tree["qinggang-1"], status=VenueStatus.SUBMITTED)
    client.force_login(member(VILLAGE_STAFF, tree["qinggang"]))
    assert NEW.format(1) in todo_of(client)
    venue.name = "青杠新名字店"
    venue.save(update_fields=["name"])  # an owner editing a draft, a photo, a name
    assert not counted(client)
    venue.status = VenueStatus.RESUBMITTED
    venue.save(update_fields=["status"])
    assert counted(client)
