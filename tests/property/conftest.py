import pytest

from tests.factories import UserFactory, make_area_tree, make_member, make_venue
from venues.roles import TOWN_OFFICE, VILLAGE_STAFF

OWNER_MOBILE = "13900001111"


@pytest.fixture
def tree(db):
    return make_area_tree()


@pytest.fixture
def town(tree):
    """A member of the town emergency office: manages staff and areas, records venues."""
    return make_member(TOWN_OFFICE, tree["town"], username="town")


@pytest.fixture
def colleague(tree):
    return make_member(VILLAGE_STAFF, tree["qinggang"], username="colleague", mobile="13900003333")


@pytest.fixture
def owner(db):
    return UserFactory(username="owner", mobile=OWNER_MOBILE)


@pytest.fixture
def venue(tree, owner):
    return make_venue(tree["qinggang-1"], owner=owner)
