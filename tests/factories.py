"""Factories for the tests: users through factory_boy, pages through the tree API (pages
must be added under a parent, which factory_boy cannot express on its own)."""

import datetime
import io
import json

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile

from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, Site

import factory
from PIL import Image

from home.models import HomePage, StandardPage
from notices.models import (
    NoticeAttachment,
    NoticeIndexPage,
    NoticePage,
    TrainingIndexPage,
    TrainingPage,
    TrainingTopic,
)

PASSWORD = "Correct-horse-9"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"测试用户{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def groups(self, create, names, **kwargs):
        for name in names or []:
            self.groups.add(Group.objects.get(name=name))
        self.save()


def stream(*paragraphs):
    return json.dumps([{"type": "paragraph", "value": f"<p>{p}</p>"} for p in paragraphs])


def add_page(parent, page, publish=True):
    page.live = publish
    parent.add_child(instance=page)
    if publish:
        page.save_revision().publish()
    else:
        page.save_revision()
    return page


def make_home():
    """A home page as the default site's root, replacing Wagtail's starter page."""
    root = Page.get_first_root_node()
    for child in root.get_children():
        child.delete()
    home = add_page(Page.objects.get(pk=root.pk), HomePage(title="双河镇九小场所安全智管", slug="home"))
    Site.objects.all().delete()
    Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True)
    return home


def make_notice(parent, n=1, publish=True, date=None, kinds=(), body=None, **fields):
    notice = NoticePage(
        title=fields.pop("title", f"测试通知{n}"),
        slug=fields.pop("slug", f"notice-{n}"),
        date=date or datetime.date(2025, 1, 1) + datetime.timedelta(days=n),
        issuing_office=fields.pop("issuing_office", "双河镇应急办"),
        body=body or stream(f"第{n}号测试通知正文。"),
        **fields,
    )
    notice.kinds = list(kinds)
    return add_page(parent, notice, publish=publish)


def make_document(title="测试附件", name="attachment.txt", content=b"test attachment"):
    document = get_document_model()(title=title)
    document.file.save(name, ContentFile(content), save=False)
    document.save()
    return document


def make_image(title="测试图片"):
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, "PNG")
    return get_image_model().objects.create(title=title, file=ImageFile(buffer, name="red.png"))


def attach(notice, document, title=""):
    return NoticeAttachment.objects.create(page=notice, document=document, title=title)


__all__ = [
    "PASSWORD", "HomePage", "NoticeIndexPage", "NoticePage", "StandardPage", "TrainingIndexPage",
    "TrainingPage", "TrainingTopic", "UserFactory", "add_page", "attach", "make_document",
    "make_home", "make_image", "make_notice", "stream",
]


def make_area_tree():
    """双河镇 with two villages of two grids each; returns a dict by short name."""
    from venues.models import Area, AreaLevel

    town = Area.add_root(name="双河镇", level=AreaLevel.TOWN)
    tree = {"town": town}
    for village_key, village_name in [("qinggang", "青杠村"), ("mugen", "木根村")]:
        village = Area.objects.get(pk=town.pk).add_child(name=village_name, level=AreaLevel.VILLAGE)
        tree[village_key] = village
        for n in (1, 2):
            tree[f"{village_key}-{n}"] = Area.objects.get(pk=village.pk).add_child(
                name=f"{village_name}第{n}网格", level=AreaLevel.GRID
            )
    return tree


def make_venue(area, kind="shopping", status="draft", owner=None, **fields):
    from venues.models import Venue, VenueKind

    venue = Venue(
        name=fields.pop("name", "示例副食店"), kind=VenueKind.objects.get(slug=kind), area=area,
        address=fields.pop("address", "双河镇示例街1号"), licence=fields.pop("licence", "licensed"),
        credit_code=fields.pop("credit_code", "92500156MA60ABCD15"),
        operator_name=fields.pop("operator_name", "张三"),
        operator_mobile=fields.pop("operator_mobile", "13800000000"),
        floor_area=fields.pop("floor_area", 120), owner=owner, status=status, **fields,
    )
    venue.save()
    return venue


def make_office(*kinds, name=None, town=False):
    """An office leading the kinds with these slugs."""
    from venues.models import Office, VenueKind

    office = Office.objects.create(name=name or "测试办室" + "".join(kinds), is_town_office=town)
    office.kinds.set(VenueKind.objects.filter(slug__in=kinds))
    return office


def make_staff(*areas, kinds=(), office=None, permissions=("access_admin", "view_venue", "review_venue"),
               **fields):
    """A member of staff working in ``areas``; ``kinds`` puts them in an office leading those."""
    from django.contrib.auth.models import Permission

    from venues.models import StaffProfile

    user = UserFactory(**fields)
    if kinds and office is None:
        office = make_office(*kinds)
    profile = StaffProfile.objects.create(user=user, office=office)
    profile.areas.set(areas)
    user.user_permissions.set(Permission.objects.filter(codename__in=permissions))
    return get_user_model().objects.get(pk=user.pk)  # fresh, without cached permissions


def make_registration_page(home):
    """/services/register/: the owners' online registration under a services section."""
    from home.models import RegistrationPage

    services = add_page(home, StandardPage(title="经营者服务", slug="services"))
    make_privacy_page(services)
    return add_page(services, RegistrationPage(
        title="场所在线登记", slug="register", intro="<p>在线登记您的场所。</p>",
        venue_guidance="<p>填写场所基本情况。</p>", photos_guidance="<p>请拍门头照片。</p>",
        declaration="<p>本人承诺所填信息真实。</p>",
        done_text="<p>工作人员会尽快审核。</p>",
    ))


def make_privacy_page(parent):
    """The site's privacy notice, chosen in the site settings."""
    from home.models import PrivacyPage, SiteSettings

    page = add_page(parent, PrivacyPage(
        title="个人信息保护说明", slug="privacy", last_updated=datetime.date(2026, 11, 1),
        body="<h2>为什么收集</h2><p>我们为履行安全监管职责收集这些信息。</p>",
    ))
    site = Site.objects.get(is_default_site=True)
    SiteSettings.objects.update_or_create(site=site, defaults={"privacy_page": page})
    return page


def make_member(role, *areas, **fields):
    """A member of staff in the group ``role`` (venues.roles) working in ``areas``."""
    from django.contrib.auth.models import Group

    user = make_staff(*areas, permissions=(), **fields)
    user.groups.add(Group.objects.get(name=role))
    return user


def approve(venue, actor=None, at=None):
    """Record ``venue`` approved (as the registration workflow would, without its checks) and
    start its self-check schedule; ``at`` backdates the approval."""
    from venues import schedule
    from venues.models import VenueStatus, VenueStatusChange

    from_status = venue.status
    venue.status = VenueStatus.APPROVED
    venue.save(update_fields=["status", "updated_at"])
    change = VenueStatusChange.objects.create(venue=venue, actor=actor, from_status=from_status,
                                              to_status=VenueStatus.APPROVED)
    if at is not None:
        VenueStatusChange.objects.filter(pk=change.pk).update(at=at)
    schedule.refresh_venue(venue)
    return venue


def photo_upload(name="photo.jpg", size=(320, 240), color="red"):
    """A small real JPEG as an uploaded file."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def fill_selfcheck(check, user, fail=(), photo=True):
    """Answer every item of a draft self-check: "yes", "does not apply" where only that is
    sensible, and "no" (with a note, a photo and an interim measure) for the codes in ``fail``."""
    from venues.models import Answer
    from venues.workflows import selfchecks

    answers = {}
    for item in check.items:
        if item["code"] in fail:
            answers[item["code"]] = {"answer": Answer.NO, "note": f"{item['question']}：不符合",
                                     "interim_measure": "已安排专人看守，限期整改"}
        else:
            answers[item["code"]] = {"answer": Answer.YES}
    selfchecks.save_answers(check, user, answers, step=len(check.groups()))
    if photo:
        for code in fail:
            selfchecks.add_photo(check, code, photo_upload(), user)
    return check


def make_selfcheck_page(home):
    """/services/self-check/: the owners' self-check page, under the services section (made
    here unless make_registration_page already made it)."""
    from home.models import SelfCheckPage

    services = StandardPage.objects.child_of(home).filter(slug="services").first()
    if services is None:
        services = add_page(home, StandardPage(title="经营者服务", slug="services"))
    return add_page(services, SelfCheckPage(
        title="场所安全自查", slug="self-check", intro="<p>每月对照清单自查一次。</p>",
        guidance="<p>边走边查，如实回答。</p>", declaration="<p>本人承诺自查结果真实。</p>",
        done_text="<p>工作人员会查看您的自查结果。</p>",
        rectify_guidance="<p>整改后拍照上传，再报告已整改。</p>",
    ))
