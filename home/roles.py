"""The content roles: editors write, approvers publish. Kept in step after every migrate, so
a new installation has them without the demo data."""

from django.contrib.auth.models import Group, Permission

from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

EDITORS = "内容编辑"
APPROVERS = "内容审核"
WORKFLOW_NAME = "内容发布审批"
TASK_NAME = "内容审核员审批"

# Wagtail's own starter groups and workflow, replaced by ours.
WAGTAIL_DEFAULT_GROUPS = ["Editors", "Moderators"]
WAGTAIL_DEFAULT_WORKFLOW = "Moderators approval"

MEDIA_PERMISSIONS = [
    ("wagtailimages", "add_image"), ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"), ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"), ("wagtaildocs", "choose_document"),
]
SNIPPET_PERMISSIONS = [
    ("notices", "add_trainingtopic"), ("notices", "change_trainingtopic"),
]
PAGE_PERMISSIONS = {
    EDITORS: ["add_page", "change_page"],
    APPROVERS: ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"],
}


def _perm(app_label, codename):
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def _set_group(name, root_page, root_collection):
    group, _created = Group.objects.get_or_create(name=name)
    group.permissions.set(
        [_perm("wagtailadmin", "access_admin")]
        + [_perm(app, code) for app, code in SNIPPET_PERMISSIONS]
    )
    GroupPagePermission.objects.filter(group=group).delete()
    for codename in PAGE_PERMISSIONS[name]:
        GroupPagePermission.objects.create(
            group=group, page=root_page, permission=_perm("wagtailcore", codename)
        )
    GroupCollectionPermission.objects.filter(group=group).delete()
    for app, codename in MEDIA_PERMISSIONS:
        GroupCollectionPermission.objects.create(
            group=group, collection=root_collection, permission=_perm(app, codename)
        )
    return group


def ensure_content_roles(**kwargs):
    root_page = Page.get_first_root_node()
    root_collection = Collection.get_first_root_node()
    if root_page is None or root_collection is None:
        return
    _set_group(EDITORS, root_page, root_collection)
    approvers = _set_group(APPROVERS, root_page, root_collection)

    task, _created = GroupApprovalTask.objects.get_or_create(name=TASK_NAME)
    task.groups.set([approvers])
    workflow, _created = Workflow.objects.get_or_create(name=WORKFLOW_NAME)
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowPage.objects.update_or_create(page=root_page, defaults={"workflow": workflow})

    Workflow.objects.filter(name=WAGTAIL_DEFAULT_WORKFLOW).update(active=False)
    Group.objects.filter(name__in=WAGTAIL_DEFAULT_GROUPS, user__isnull=True).delete()


def ensure_roles_after_migrate(sender, **kwargs):
    """Permissions are created app by app after migrate: act once the last app's exist."""
    with_models = [app for app in sender.apps.get_app_configs() if app.models_module]
    if with_models and sender.label == with_models[-1].label:
        ensure_content_roles()
