"""The communications office writes; only an approver's approval publishes."""

from django.urls import reverse

from wagtail.models import Page, WorkflowState
from wagtail.test.utils.form_data import nested_form_data, querydict_from_html, streamfield

import pytest

from home.models import StandardPage
from home.roles import APPROVERS, EDITORS
from tests.factories import UserFactory, add_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    return UserFactory(username="editor", groups=[EDITORS])


@pytest.fixture
def approver():
    return UserFactory(username="approver", groups=[APPROVERS])


@pytest.fixture
def draft(home):
    return add_page(home, StandardPage(title="草稿", slug="draft", intro="初稿"), publish=False)


def edit_form(client, page):
    response = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    assert response.status_code == 200
    return page_form_data(response)


def page_form_data(response):
    """The admin form as the browser would send it; the StreamField is drawn by JavaScript,
    so its (empty) fields are added here."""
    data = querydict_from_html(response.content.decode(), form_id="page-edit-form")
    data.update(nested_form_data({"body": streamfield([])}))
    return data


def test_editor_can_create_a_page_but_it_stays_a_draft(client, home, editor):
    client.force_login(editor)
    url = reverse("wagtailadmin_pages:add", args=["home", "standardpage", home.pk])
    response = client.get(url)
    assert response.status_code == 200
    data = page_form_data(response)
    data["title"] = "新的培训安排"
    data["slug"] = "new-training"
    data["action-publish"] = "publish"
    client.post(url, data)

    page = StandardPage.objects.get(slug="new-training")
    assert not page.live
    assert client.get("/new-training/").status_code == 404


def test_editor_cannot_publish_an_existing_draft(client, draft, editor):
    client.force_login(editor)
    data = edit_form(client, draft)
    data["intro"] = "修改后的内容"
    data["action-publish"] = "publish"
    client.post(reverse("wagtailadmin_pages:edit", args=[draft.pk]), data)

    draft.refresh_from_db()
    assert not draft.live
    assert not draft.permissions_for_user(editor).can_publish()


def test_submitted_page_is_published_when_an_approver_approves(client, draft, editor, approver):
    client.force_login(editor)
    data = edit_form(client, draft)
    data["intro"] = "请审核"
    data["action-submit"] = "submit"
    client.post(reverse("wagtailadmin_pages:edit", args=[draft.pk]), data)
    state = WorkflowState.objects.get(base_content_type__model="page", object_id=str(draft.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.workflow.name == "内容发布审批"
    draft.refresh_from_db()
    assert not draft.live

    # The editor cannot approve their own submission.
    task_state = state.current_task_state
    approve_url = reverse(
        "wagtailadmin_pages:workflow_action", args=[draft.pk, "approve", task_state.pk]
    )
    client.post(approve_url, {"comment": ""})
    draft.refresh_from_db()
    assert not draft.live

    client.force_login(approver)
    client.post(approve_url, {"comment": "同意发布"})
    draft.refresh_from_db()
    assert draft.live
    assert Page.objects.get(pk=draft.pk).specific.intro == "请审核"
    assert client.get("/draft/").status_code == 200


@pytest.mark.parametrize("url", [
    "/admin/users/",
    "/admin/groups/",
    "/admin/sites/",
    "/admin/settings/home/sitesettings/",
    "/admin/workflows/list/",
    "/admin/redirects/",
])
def test_editor_sees_nothing_but_content_in_the_admin(client, home, editor, url):
    client.force_login(editor)
    response = client.get(url)
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert response["Location"].startswith("/admin/") and response["Location"] != url


def sidebar_labels(html):
    import json
    import re

    props = re.search(r'id="wagtail-sidebar-props"[^>]*>(.*?)</script>', html, re.S).group(1)
    return set(re.findall(r'"label": "([^"]*)"', json.dumps(json.loads(props), ensure_ascii=False)))


def test_editor_menu_holds_content_only(client, home, editor):
    client.force_login(editor)
    labels = sidebar_labels(client.get("/admin/").content.decode())
    assert {"页面", "图片", "文档"} <= labels
    for hidden in ["报告", "网站历史", "设置", "用户", "帮助", "编辑指南"]:
        assert hidden not in labels


def test_editor_can_reach_pages_images_and_documents(client, home, editor):
    client.force_login(editor)
    for url in ["/admin/", f"/admin/pages/{home.pk}/", "/admin/images/", "/admin/documents/"]:
        assert client.get(url).status_code == 200, url


def test_the_admin_speaks_chinese(client, home, editor):
    client.force_login(editor)
    html = client.get("/admin/").content.decode()
    assert '<html lang="zh-hans"' in html
    assert "<title>控制面板 - 九小场所安全智管</title>" in html


def test_the_towns_changes_to_the_roles_survive_a_migrate(home):
    from django.contrib.auth.models import Group, Permission
    from django.core.management import call_command

    from wagtail.models import GroupPagePermission

    # The town limits its editors to one section of the site.
    section = add_page(home, StandardPage(title="培训专栏", slug="section"))
    editors = Group.objects.get(name=EDITORS)
    GroupPagePermission.objects.filter(group=editors).delete()
    GroupPagePermission.objects.create(
        group=editors, page=section,
        permission=Permission.objects.get(content_type__app_label="wagtailcore", codename="change_page"),
    )

    call_command("migrate", verbosity=0)

    kept = GroupPagePermission.objects.filter(group=editors)
    assert [(p.page_id, p.permission.codename) for p in kept] == [(section.pk, "change_page")]
