"""督办 on a 360 px phone: the town office gives a task with a list of venues (previewed with its
count first); a grid worker finds it in their list, acknowledges it, reports on their venue (an
error beside the note first) and the village's staff close the part. Zero axe findings on each
page of ours, nothing wider than the screen, nothing from another origin."""

import datetime

from django.utils import timezone, translation

import pytest

from tests.browser.conftest import axe_violations
from tests.browser.test_public import assert_fits_the_screen, assert_only_our_origin
from tests.factories import PASSWORD, make_area_tree, make_home, make_member, make_venue
from venues.models import Area, AssignmentStatus, Office, Task, TaskProgress, VenueStatus
from venues.roles import GRID_WORKER, TOWN_OFFICE, VILLAGE_STAFF


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def world(transactional_db, django_db_serialized_rollback):
    make_home()
    tree = {key: Area.objects.get(pk=area.pk) for key, area in make_area_tree().items()}
    town = make_member(TOWN_OFFICE, tree["town"], office=Office.objects.get(is_town_office=True),
                       username="town-office")
    grid = make_member(GRID_WORKER, tree["qinggang-1"], username="grid-worker")
    village = make_member(VILLAGE_STAFF, tree["qinggang"], username="village-staff")
    hotpot = make_venue(tree["qinggang-1"], "catering", status=VenueStatus.APPROVED, name="青杠火锅店",
                        uses_gas=True)
    make_venue(tree["mugen-1"], "catering", status=VenueStatus.APPROVED, name="木根饭庄", uses_gas=True)
    return {"tree": tree, "town": town, "grid": grid, "village": village, "hotpot": hotpot}


def sign_in(page, username):
    page.context.clear_cookies()
    page.goto("/admin/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    page.wait_for_url("**/admin/")


def press(page, selector):
    """Click a button that sends a form, and wait for the page it leads to."""
    with page.expect_navigation():
        page.locator(selector).click()


def check(page, live_server):
    page.wait_for_timeout(1000)  # Wagtail's messages fade in: measured mid-way, their contrast fails
    assert axe_violations(page) == [], page.url
    assert_fits_the_screen(page)
    assert_only_our_origin(page, live_server)


def test_a_task_from_dispatch_to_a_closed_part_on_a_phone(phone, live_server, world):
    page = phone
    tree = world["tree"]
    sign_in(page, "town-office")
    page.goto("/admin/venues/tasks/new/")
    check(page, live_server)
    page.locator("#id_title").fill("检查燃气报警器")
    page.locator("#id_description").fill("逐家检查报警器能否正常报警")
    page.locator("#id_due_on").fill(f"{timezone.localdate() + datetime.timedelta(days=7):%Y-%m-%d}")
    page.locator(f"input[name=areas][value='{tree['qinggang'].pk}']").check()
    page.locator("#id_with_venues").check()
    page.locator("#id_uses_gas").select_option("yes")
    press(page, "#task-preview")
    assert page.locator("#venue-preview").is_visible()
    assert "木根饭庄" in page.locator("#venue-preview").inner_text()  # the whole town's, before narrowing
    page.locator("#id_village").select_option(str(tree["qinggang"].pk))
    press(page, "#task-preview")
    preview = page.locator("#venue-preview").inner_text()
    assert "青杠火锅店" in preview and "木根饭庄" not in preview
    assert page.locator("#id_title").input_value() == "检查燃气报警器"  # kept
    check(page, live_server)
    press(page, "#task-save")
    task = Task.objects.get()
    page.wait_for_url(f"**/admin/venues/tasks/{task.pk}/")
    assert list(task.venues.all()) == [world["hotpot"]]
    check(page, live_server)

    # The grid worker finds it in their list, acknowledges it and reports on their venue.
    sign_in(page, "grid-worker")
    page.goto("/admin/venues/tasks/")
    check(page, live_server)
    press(page, "#my-parts a")
    part = task.assignments.get()
    press(page, f"#acknowledge-{part.pk}")
    page.wait_for_url(f"**/admin/venues/tasks/{task.pk}/")
    part.refresh_from_db()
    assert part.status == AssignmentStatus.ACKNOWLEDGED
    press(page, f"#venue-{world['hotpot'].pk} a")
    check(page, live_server)
    page.locator("input[name=status][value=problem]").check()
    press(page, "#progress-save")
    assert page.locator("#id_note").is_visible()
    assert not TaskProgress.objects.exists()  # refused: a problem needs a note, shown beside it
    check(page, live_server)
    page.locator("#id_note").fill("报警器按测试键不响，已要求三日内更换")
    press(page, "#progress-save")
    page.wait_for_url(f"**/admin/venues/tasks/{task.pk}/**")
    assert "报警器按测试键不响" in page.locator(f"#venue-{world['hotpot'].pk}").inner_text()

    # The village's staff close the part with a summary.
    sign_in(page, "village-staff")
    page.goto(f"/admin/venues/tasks/{task.pk}/")
    check(page, live_server)
    page.locator(f"#id_done-{part.pk}-summary").fill("已检查1家，发现1处问题，已督促整改")
    press(page, f"#done-{part.pk}")
    page.wait_for_url(f"**/admin/venues/tasks/{task.pk}/")
    part.refresh_from_db()
    assert part.status == AssignmentStatus.DONE
    check(page, live_server)
