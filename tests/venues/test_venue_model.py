from django.core.exceptions import ValidationError

import pytest

from tests.factories import make_area_tree, make_venue
from venues.models.venues import PUBLIC_CODE_ALPHABET, PUBLIC_CODE_LENGTH

pytestmark = pytest.mark.django_db


@pytest.fixture
def grid():
    return make_area_tree()["qinggang-1"]


def test_a_venue_above_the_thresholds_is_kept_and_flagged(grid):
    venue = make_venue(grid, "shopping", floor_area="300.5")
    assert venue.outside_nine is True
    assert "超过 300㎡" in venue.classification_reasons[0]
    small = make_venue(grid, "shopping", floor_area=300)
    assert small.outside_nine is False


def test_classification_waits_for_the_facts(grid):
    venue = make_venue(grid, "catering", seats=None)
    assert venue.outside_nine is None
    assert "请填写额定就餐人数" in venue.classification_reasons[0]


def test_public_codes_are_random_and_unambiguous(grid):
    codes = {make_venue(grid).public_code for _ in range(20)}
    assert len(codes) == 20
    for code in codes:
        assert len(code) == PUBLIC_CODE_LENGTH
        assert set(code) <= set(PUBLIC_CODE_ALPHABET)
        assert not set(code) & set("01OIL")


@pytest.mark.parametrize("fields, error_field", [
    ({"licence": "licensed", "credit_code": ""}, "credit_code"),
    ({"licence": "licensed", "operator_id_number": "11010519491231002X"}, "operator_id_number"),
    ({"licence": "unlicensed", "credit_code": "", "no_code_reason": ""}, "no_code_reason"),
    ({"licence": "temporary", "credit_code": "", "no_code_reason": ""}, "no_code_reason"),
    ({"credit_code": "91330100716105852G"}, "credit_code"),
    ({"operator_mobile": "12345"}, "operator_mobile"),
])
def test_venue_validation_messages(grid, fields, error_field):
    venue = make_venue(grid)
    for name, value in fields.items():
        setattr(venue, name, value)
    with pytest.raises(ValidationError) as raised:
        venue.full_clean()
    assert error_field in raised.value.message_dict


def test_an_unlicensed_venue_states_why_and_may_record_the_operators_id(grid):
    venue = make_venue(grid, licence="unlicensed", credit_code="",
                       no_code_reason="家庭作坊，尚未办理营业执照", operator_id_number="11010519491231002X")
    venue.full_clean()


def test_saving_a_venue_classifies_it(grid):
    from venues.models import Venue

    venue = make_venue(grid, "shopping", floor_area=100)
    venue = Venue.objects.get(pk=venue.pk)
    venue.floor_area = 350
    venue.save()
    assert Venue.objects.get(pk=venue.pk).outside_nine is True


def test_changing_a_kinds_limit_reclassifies_its_venues(grid):
    from venues.models import Venue, VenueKind

    venue = make_venue(grid, "shopping", floor_area=280)
    assert venue.outside_nine is False
    kind = VenueKind.objects.get(slug="shopping")
    kind.max_floor_area = 250
    kind.save()
    refreshed = Venue.objects.get(pk=venue.pk)
    assert refreshed.outside_nine is True
    assert "超过 250㎡" in refreshed.classification_reasons[0]


def test_identifiers_are_stored_tidily(grid):
    venue = make_venue(grid)
    # As typed into a form, before the checks run.
    venue.credit_code = "9250 0156 ma60 abcd15"
    venue.operator_mobile = "+86 138-0000-0000"
    venue.contact_mobile = "139 1234 5678"
    venue.full_clean()
    assert venue.credit_code == "92500156MA60ABCD15"
    assert venue.operator_mobile == "13800000000"
    assert venue.contact_mobile == "13912345678"
