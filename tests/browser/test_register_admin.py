"""The register's own back-office pages as staff meet them: the town office adds a colleague,
a grid worker records a venue on a phone. Our templates must have no axe findings."""

from tests.browser.conftest import axe_violations
from tests.browser.test_admin import WAGTAIL_ADMIN_FINDINGS, demo_venues, desktop, sign_in  # noqa: F401


def test_the_town_office_adds_a_grid_worker(desktop, demo_venues):  # noqa: F811
    from django.contrib.auth import get_user_model

    page = desktop
    sign_in(page, "town", "Demo-town-2024")
    page.get_by_role("link", name="工作人员账号").first.click()
    page.wait_for_url("**/admin/venues/staff/")
    assert axe_violations(page, WAGTAIL_ADMIN_FINDINGS) == []
    page.get_by_role("link", name="新增工作人员账号").click()
    assert axe_violations(page, WAGTAIL_ADMIN_FINDINGS) == []
    page.get_by_label("用户名").fill("mugen-grid")
    page.get_by_label("姓名").fill("赵六")
    page.get_by_label("角色").select_option("网格员")
    page.locator("label", has_text="木根村（示例）").first.click()
    page.locator("#id_password1").fill("Zhaoliu-Shuanghe-88")
    page.locator("#id_password2").fill("Zhaoliu-Shuanghe-88")
    page.get_by_role("button", name="创建账号").click()
    page.wait_for_url("**/admin/venues/staff/")
    assert "mugen-grid" in page.locator("table.listing").inner_text()
    created = get_user_model().objects.get(username="mugen-grid")
    assert [area.name for area in created.staff_profile.areas.all()] == ["木根村（示例）"]
    page.get_by_role("link", name="区域", exact=True).first.click()
    page.wait_for_url("**/admin/venues/areas/")
    assert axe_violations(page, WAGTAIL_ADMIN_FINDINGS) == []


def test_a_grid_worker_records_a_venue_on_a_phone(browser, live_server, demo_venues):  # noqa: F811
    from venues.models import Venue, VenueStatus

    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN",
                                  base_url=live_server.url)
    page = context.new_page()
    sign_in(page, "grid", "Demo-grid-2024")
    page.goto("/admin/venues/census/")
    assert axe_violations(page, WAGTAIL_ADMIN_FINDINGS) == []
    # Nothing sticks out sideways on a narrow screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_label("场所名称").fill("青杠修车铺")
    page.get_by_label("主要类型").select_option(label="生产加工企业")
    page.get_by_label("所在村（社区）或网格").select_option(index=1)
    page.get_by_label("地址").fill("青杠村老街12号")
    page.get_by_label("职工总人数").fill("3")
    page.get_by_label("证照情况").select_option("unlicensed")
    page.get_by_label("无统一社会信用代码的原因").fill("个体户，尚未办证")
    page.locator("#id_operator_name").fill("钱七")
    page.get_by_label("经营者手机号码").fill("139 0000 7777")
    page.get_by_role("button", name="登记").click()
    page.wait_for_url("**/inspect/*/")
    venue = Venue.objects.get(name="青杠修车铺")
    assert venue.status == VenueStatus.SUBMITTED and venue.operator_mobile == "13900007777"
    context.close()
