"""Staff find venues by name with the portal's tokens, indexed on PostgreSQL (venues.name_search)."""

from django.contrib.auth.models import Group
from django.db import connection

import pytest

from tests.factories import make_staff, make_venue
from venues.models import Venue
from venues.name_search import filter_by_name
from venues.roles import VILLAGE_STAFF

pytestmark = pytest.mark.django_db
LIST = "/admin/venues/venue/"


@pytest.fixture
def named(tree):
    area = tree["qinggang-1"]
    return {name: make_venue(area, name=name) for name in
            ["老王川菜馆", "川味火锅店", "星光KTV", "菜市场副食店", "Lucky便利店"]}


def found(text):
    return set(filter_by_name(Venue.objects.all(), text).values_list("name", flat=True))


def test_two_characters_find_the_names_that_hold_them_together(named):
    assert found("川菜") == {"老王川菜馆"}
    assert found("火锅") == {"川味火锅店"}
    assert found("副食店") == {"菜市场副食店"}


def test_one_character_finds_every_name_with_it(named):
    assert found("川") == {"老王川菜馆", "川味火锅店"}
    assert found("菜") == {"老王川菜馆", "菜市场副食店"}


def test_latin_words_match_from_their_start_whatever_the_case(named):
    assert found("ktv") == {"星光KTV"}
    assert found("KT") == {"星光KTV"}
    assert found("luck") == {"Lucky便利店"}
    assert found("TV") == set()  # not the start of a word


def test_every_part_of_the_query_must_match(named):
    assert found("星光 KTV") == {"星光KTV"}
    assert found("川菜 火锅") == set()


def test_a_query_with_nothing_to_search_for_finds_nothing(named):
    assert found("%%") == set()
    assert found("'; DROP TABLE") == set()  # words, never SQL


def test_a_renamed_venue_is_found_by_its_new_name(named):
    venue = named["星光KTV"]
    venue.name = "星光茶楼"
    venue.save(update_fields=["name"])
    assert found("茶楼") == {"星光茶楼"}
    assert found("ktv") == set()


def test_the_back_office_list_searches_by_tokens_within_scope(client, tree, named):
    make_venue(tree["mugen-1"], name="木根川菜馆")
    staff = make_staff(tree["qinggang"], permissions=())
    staff.groups.add(Group.objects.get(name=VILLAGE_STAFF))
    client.force_login(staff)
    response = client.get(LIST, {"q": "川菜"})
    assert response.status_code == 200
    assert {v.name for v in response.context["view"].queryset} == {"老王川菜馆"}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the GIN index exists on PostgreSQL")
def test_postgresql_answers_a_name_search_from_the_gin_index(named):
    queryset = filter_by_name(Venue.objects.all(), "川菜")
    sql, params = queryset.values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # what a large table makes the planner do
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "venue_name_tokens_gin" in plan


def test_a_name_search_works_inside_a_subquery(named, tree):
    from venues.models import Area

    matching = filter_by_name(Venue.objects.all(), "川菜")
    outer = Venue.objects.filter(pk__in=matching.values("pk"))
    assert set(outer.values_list("name", flat=True)) == {"老王川菜馆"}
    areas = Area.objects.filter(pk__in=filter_by_name(Venue.objects.all(), "火锅").values("area"))
    assert list(areas) == [tree["qinggang-1"]]


def test_the_daily_job_indexes_names_an_older_release_wrote(named):
    import io

    from django.core.management import call_command

    Venue.objects.filter(name="老王川菜馆").update(name_tokens="")  # inserted by the release before
    assert found("川菜") == set()
    out = io.StringIO()
    call_command("daily_jobs", stdout=out)
    assert "names indexed: 1" in out.getvalue()
    assert found("川菜") == {"老王川菜馆"}
