from django.core.exceptions import ValidationError
from django.db import IntegrityError

import pytest

from tests.factories import UserFactory
from venues.models import Area, AreaLevel, VenueKind

pytestmark = pytest.mark.django_db

NINE = [
    "shopping", "catering", "lodging", "entertainment", "leisure",
    "medical", "education", "production", "hazardous",
]


def test_the_nine_kinds_are_seeded_in_the_plans_order():
    assert list(VenueKind.objects.values_list("slug", flat=True)) == NINE
    assert VenueKind.objects.get(slug="catering").name == "餐饮场所"
    assert "300" in VenueKind.objects.get(slug="shopping").criteria


def test_area_tree_runs_from_city_to_grid():
    city = Area.add_root(name="重庆市", level=AreaLevel.CITY)
    town = city.add_child(name="双河镇", level=AreaLevel.TOWN)
    village = town.add_child(name="青杠村（示例）", level=AreaLevel.VILLAGE)
    grid = village.add_child(name="第一网格（示例）", level=AreaLevel.GRID)
    assert list(Area.objects.get(pk=town.pk).get_descendants()) == [village, grid]
    assert grid.full_name == "双河镇 / 青杠村（示例） / 第一网格（示例）"


def test_an_area_cannot_sit_at_its_parents_level_or_above():
    town = Area.add_root(name="双河镇", level=AreaLevel.TOWN)
    village = town.add_child(name="青杠村", level=AreaLevel.VILLAGE)
    village.level = AreaLevel.TOWN
    with pytest.raises(ValidationError) as error:
        village.full_clean()
    assert "level" in error.value.message_dict


def test_mobile_is_unique_when_present_and_optional_for_staff():
    UserFactory(username="staff1", mobile="")
    UserFactory(username="staff2", mobile=None)
    UserFactory(username="owner1", mobile="13800000000")
    with pytest.raises(IntegrityError):
        UserFactory(username="owner2", mobile="13800000000")
