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


def _create_group(name, root_page, root_collection):
    group = Group.objects.create(name=name)
    group.permissions.set(
        [_perm("wagtailadmin", "access_admin")]
        + [_perm(app, code) for app, code in SNIPPET_PERMISSIONS]
    )
    for codename in PAGE_PERMISSIONS[name]:
        GroupPagePermission.objects.create(
            group=group, page=root_page, permission=_perm("wagtailcore", codename)
        )
    for app, codename in MEDIA_PERMISSIONS:
        GroupCollectionPermission.objects.create(
            group=group, collection=root_collection, permission=_perm(app, codename)
        )
    return group


def ensure_content_roles():
    """Create the content roles and their workflow where they are missing. What exists is
    left alone, so the town's own changes (say, editors limited to one section) survive
    every deployment."""
    root_page = Page.get_first_root_node()
    root_collection = Collection.get_first_root_node()
    if root_page is None or root_collection is None:
        return
    groups = {}
    for name in (EDITORS, APPROVERS):
        groups[name] = Group.objects.filter(name=name).first() or _create_group(
            name, root_page, root_collection
        )

    workflow = Workflow.objects.filter(name=WORKFLOW_NAME).first()
    if workflow is None:
        workflow = Workflow.objects.create(name=WORKFLOW_NAME)
        task = GroupApprovalTask.objects.create(name=TASK_NAME)
        task.groups.set([groups[APPROVERS]])
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    # Wagtail's starter workflow and groups give way to ours.
    WorkflowPage.objects.filter(page=root_page, workflow__name=WAGTAIL_DEFAULT_WORKFLOW).delete()
    WorkflowPage.objects.get_or_create(page=root_page, defaults={"workflow": workflow})
    Workflow.objects.filter(name=WAGTAIL_DEFAULT_WORKFLOW).update(active=False)
    Group.objects.filter(name__in=WAGTAIL_DEFAULT_GROUPS, user__isnull=True).delete()


def ensure_roles_after_migrate(sender, **kwargs):
    """Permissions are created app by app after migrate: act once the last app's exist."""
    from venues.roles import ensure_staff_roles

    with_models = [app for app in sender.apps.get_app_configs() if app.models_module]
    if with_models and sender.label == with_models[-1].label:
        ensure_content_roles()
        ensure_staff_roles()
