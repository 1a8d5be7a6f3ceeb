import pytest

from tests.factories import UserFactory, approve, fill_selfcheck, make_staff, make_venue
from venues.models import Hazard, HazardStatus, SelfCheckStatus
from venues.workflows import hazards, selfchecks


@pytest.mark.django_db
def test_smoke(tree, settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "private": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}}}
    owner = UserFactory()
    venue = approve(make_venue(tree["qinggang-1"], kind="catering", owner=owner))
    assert venue.selfcheck_due_on is not None, venue.selfcheck_due_on
    assert venue.risk_level == "yellow", venue.risk_reasons
    check = selfchecks.start(venue, owner)
    assert selfchecks.start(venue, owner) == check
    fill_selfcheck(check, owner, fail=["exits_unlocked", "extinguishers_present"])
    assert selfchecks.problems(check) == {}
    done = selfchecks.submit(check, owner)
    assert done.status == SelfCheckStatus.SUBMITTED
    assert selfchecks.submit(check, owner).status == SelfCheckStatus.SUBMITTED
    assert Hazard.objects.filter(venue=venue).count() == 2
    venue.refresh_from_db()
    print(venue.risk_level, venue.risk_reasons, venue.selfcheck_due_on, venue.uses_gas)
    hazard = Hazard.objects.get(item_code="extinguishers_present")
    hazards.add_after_photo(hazard, __import__("tests.factories", fromlist=["x"]).photo_upload(), owner)
    hazards.rectify(hazard, owner, "已购置灭火器")
    staff = make_staff(tree["qinggang"], permissions=("access_admin", "view_venue", "verify_hazard", "review_selfcheck"))
    hazards.verify(hazard, staff, False, "灭火器过期")
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.OPEN
    selfchecks.accept(done, staff)
