"""告知: notices that owners acknowledge — the one place for who a notice concerns, when it
gets a new version, who is told, what an acknowledgement covers and how staff count them.

A page asks for acknowledgement through three methods (notices.models): ``asks_acknowledgement()``
(a kind's 安全告知书 always; a notice when "owners must acknowledge" is ticked),
``starts_new_version()`` (a safety notice published with "new version" ticked) and
``audience()`` (the kinds and areas it concerns; empty means all). Its first publication that
asks for acknowledgement is version 1; a later publication makes a new version only when its
revision ticked "new version" and was not published before, so a correction of wording, or the
same revision published again, asks nobody again.

The holders (owner and operator accounts) of the approved venues a current version concerns
are asked once: on publication (from the task queue), when a venue starts to be concerned
(approved, reopened, its kind changed) or gains a holder (a claim, a new operator). A person
with a message about the version still unread is not asked again: its button covers all
their venues. Owners confirm in their message box, for each of their venues it concerns.
Staff see, within their own scope, which venues have acknowledged the current version, by
village and kind, and remind the others at most once a day."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from wagtail.models import Page

from .access import venues_for
from .models import Acknowledgement, Area, Message, NoticeVersion, Venue, VenueStatus

# A reminder reaches a person at most once in this time for the same version.
REMIND_AGAIN_AFTER = timedelta(hours=20)


def asks_acknowledgement(page):
    return bool(getattr(page, "asks_acknowledgement", None) and page.asks_acknowledgement())


def asking_pages():
    """The live public pages that ask owners to acknowledge them, with what ``audience()``
    reads: each kind's safety notice, then the notices marked "owners must acknowledge",
    newest first."""
    from notices.models import NoticePage, SafetyNoticePage

    safety = (SafetyNoticePage.objects.live().public().select_related("kind")
              .order_by("kind__sort_order", "pk"))
    notices = (NoticePage.objects.live().public().filter(requires_acknowledgement=True)
               .prefetch_related("kinds", "areas").order_by("-date", "-pk"))
    return [*safety, *notices]


def current_versions(page_ids):
    """{page id: its current NoticeVersion} for those of ``page_ids`` that have one."""
    current = {}
    for version in NoticeVersion.objects.filter(page_id__in=list(page_ids)).order_by("page_id", "-number"):
        current.setdefault(version.page_id, version)
    return current


def current_version(page):
    return current_versions([page.pk]).get(page.pk)


def current_pages(versions):
    """{version pk: its page, specific} for those of ``versions`` that are the current version of
    a live public page that asks for acknowledgement; the others (replaced, withdrawn, deleted)
    are left out."""
    page_ids = {version.page_id for version in versions if version.page_id}
    pages = {page.pk: page for page in Page.objects.filter(pk__in=page_ids).live().public().specific()}
    current = current_versions(pages)
    return {version.pk: pages[version.page_id] for version in versions
            if version.page_id in pages and current[version.page_id] == version
            and asks_acknowledgement(pages[version.page_id])}


def concerned_q(page):
    """The venues ``page`` concerns, as a filter: approved, of its kinds (main or further kind)
    and in its areas (any village or grid below them)."""
    kind_ids, areas = page.audience()
    concerned = Q(status=VenueStatus.APPROVED)
    if kind_ids:
        further = Venue.other_kinds.through.objects.filter(venuekind_id__in=kind_ids).values("venue_id")
        concerned &= Q(kind_id__in=kind_ids) | Q(pk__in=further)
    if areas:
        within = Q()
        for area in areas:
            within |= Q(area__path__startswith=area.path)
        concerned &= within
    return concerned


def concerned_venues(page):
    return Venue.objects.filter(concerned_q(page))


# Asking owners ------------------------------------------------------------------------------

def published(page, revision=None):
    """After ``page`` was published (as ``revision``): its version — a new one when the revision
    starts one and was not published before — and, once the transaction commits, the holders
    not yet asked are asked. Messages about earlier versions stop waiting for a confirmation.
    Returns the version, or None when the page asks nobody to acknowledge it."""
    from .tasks import deliver_notice

    page = page.specific
    if not asks_acknowledgement(page):
        return None
    with transaction.atomic():
        # The page's row serialises its publications (and their version numbers).
        Page.objects.select_for_update().filter(pk=page.pk).first()
        latest = NoticeVersion.objects.filter(page=page).order_by("-number").first()
        seen = revision is not None and NoticeVersion.objects.filter(page=page, revision=revision).exists()
        if latest is None or (page.starts_new_version() and not seen):
            number = latest.number + 1 if latest else 1
            try:
                with transaction.atomic():
                    latest = NoticeVersion.objects.create(page=page, number=number, title=page.title,
                                                          revision=revision)
            except IntegrityError:  # published twice at the same moment: the other made it
                latest = NoticeVersion.objects.get(page=page, number=number)
            Message.objects.filter(notice_version__page=page, read_at__isnull=True).exclude(
                notice_version=latest).update(read_at=timezone.now())
        elif latest.title != page.title:
            latest.title = page.title
            latest.save(update_fields=["title"])
        transaction.on_commit(partial(deliver_notice.enqueue, latest.pk))
    return latest


def deliver(version):
    """Ask every holder of a venue the version concerns that has not acknowledged it, unless a
    message about it still waits unread in their box. Serialised per version, so that two
    deliveries at once ask nobody twice. Returns the messages sent."""
    with transaction.atomic():
        # no_key: owners confirming meanwhile (a row that refers to the version) do not wait.
        version = NoticeVersion.objects.select_for_update(no_key=True).get(pk=version.pk)
        page = current_pages([version]).get(version.pk)
        if page is None:
            return []  # withdrawn, deleted, or a newer version replaced it
        return _ask(version, concerned_venues(page))


def ask_for_venue(venue):
    """The venue started to be concerned by notices (approved, reopened, of a new kind) or has a
    new holder: its holders are asked to confirm the current notices that concern it and that
    it has not acknowledged."""
    if not venue.holders():
        return []
    pages = asking_pages()
    versions = current_versions(page.pk for page in pages)
    shown = [(page, versions[page.pk]) for page in pages if page.pk in versions]
    if not shown:
        return []
    # Which of them concern the venue and wait for it, in one query.
    waiting = Venue.objects.filter(pk=venue.pk).aggregate(**{
        f"v{version.pk}": Count("pk", filter=~Exists(Acknowledgement.objects.filter(
            version=version, venue=OuterRef("pk"))) & concerned_q(page))
        for page, version in shown})
    sent = []
    for _page, version in shown:
        if waiting[f"v{version.pk}"]:
            sent += _ask(version, Venue.objects.filter(pk=venue.pk))
    return sent


def _ask(version, venues):
    """Ask the holders of ``venues`` that have not acknowledged ``version``, except those with
    a message about it still unread."""
    waiting = _waiting_by_holder(venues.exclude(acknowledgements__version=version))
    unread = set(Message.objects.filter(notice_version=version, read_at__isnull=True,
                                        recipient__in=list(waiting)).values_list("recipient_id", flat=True))
    holders = get_user_model().objects.filter(pk__in=set(waiting) - unread, is_active=True)
    return _tell(holders, version, waiting)


def _tell(holders, version, waiting, reminder=False):
    """One message to each of ``holders`` about ``version`` for their venues in ``waiting``; those
    who confirmed an earlier version are told that it changed."""
    from . import notify

    holders = list(holders)
    earlier = set(Acknowledgement.objects.filter(
        user__in=holders, version__page_id=version.page_id, version__number__lt=version.number,
    ).values_list("user_id", flat=True))
    return [notify.notice_to_acknowledge(holder, version, waiting[holder.pk], reminder=reminder,
                                         changed=holder.pk in earlier)
            for holder in holders]


def _waiting_by_holder(venues):
    """{user id: [venues]} for the owners and operator accounts of ``venues``."""
    by_holder = defaultdict(list)
    rows = list(venues.only("pk", "name", "owner_id"))
    by_pk = {venue.pk: venue for venue in rows}
    for venue in rows:
        if venue.owner_id:
            by_holder[venue.owner_id].append(venue)
    operated = Venue.operators.through.objects.filter(venue_id__in=list(by_pk))
    for venue_id, user_id in operated.values_list("venue_id", "user_id"):
        if by_pk[venue_id] not in by_holder[user_id]:
            by_holder[user_id].append(by_pk[venue_id])
    return by_holder


# Acknowledging ----------------------------------------------------------------------------

def waiting_for(user, version, page):
    """The venues ``user`` holds that ``version`` of ``page`` concerns and that have not
    acknowledged it."""
    return (venues_for(user, concerned_venues(page))
            .exclude(acknowledgements__version=version).order_by("name", "pk"))


def acknowledge(user, version, venues):
    """Record that ``user`` read ``version`` for ``venues``; their messages about it are marked
    read. A venue acknowledged already (a double click, a second holder) keeps its first
    acknowledgement. Returns the venues."""
    venues = list(venues)
    with transaction.atomic():
        for venue in venues:
            try:
                with transaction.atomic():
                    Acknowledgement.objects.get_or_create(version=version, venue=venue,
                                                          defaults={"user": user})
            except IntegrityError:
                pass  # acknowledged at the same moment by another request
        Message.objects.filter(recipient=user, notice_version=version, read_at__isnull=True).update(
            read_at=timezone.now())
    return venues


def confirm(user, version):
    """The owner pressed "I have read it": every venue of theirs the current version concerns.
    Returns the venues, or None when the version is no longer current (nothing recorded)."""
    page = current_pages([version]).get(version.pk)
    if page is None:
        return None
    return acknowledge(user, version, waiting_for(user, version, page))


def pending_messages(user):
    """The messages asking ``user`` to confirm a current notice for venues still waiting, newest
    first, one per version (such a message stays unread until it is confirmed)."""
    unread = list(Message.objects.filter(recipient=user, notice_version__isnull=False, read_at__isnull=True)
                  .select_related("notice_version"))
    pages = current_pages({message.notice_version for message in unread})
    pending, seen = [], set()
    for message in unread:
        version = message.notice_version
        if version.pk in pages and version.pk not in seen:
            seen.add(version.pk)
            if waiting_for(user, version, pages[version.pk]).exists():
                pending.append(message)
    return pending


# Registration and the public card ---------------------------------------------------------

def safety_notices_for(venue):
    """The live safety notices of the venue's kinds, each with its current version:
    [(page, version)]."""
    from notices.models import SafetyNoticePage

    kinds = [kind.pk for kind in venue.all_kinds]
    pages = list(SafetyNoticePage.objects.live().public().filter(kind_id__in=kinds)
                 .select_related("kind").order_by("kind__sort_order", "pk"))
    versions = current_versions(page.pk for page in pages)
    return [(page, versions[page.pk]) for page in pages if page.pk in versions]


def acknowledge_at_registration(user, venue):
    """The owner confirmed the safety notices of the venue's kinds as they submitted it: for
    it, and for their other venues that wait for the same version (they read the same text)."""
    for page, version in safety_notices_for(venue):
        acknowledge(user, version, [venue, *waiting_for(user, version, page)])


# Staff: acknowledgement rates and reminders -----------------------------------------------

@dataclass
class Rate:
    label: str
    total: int = 0
    done: int = 0
    kinds: dict = field(default_factory=dict)

    @property
    def percent(self):
        return round(100 * self.done / self.total) if self.total else None

    def add(self, kind, total, done):
        self.total += total
        self.done += done
        row = self.kinds.setdefault(kind, Rate(kind))
        row.total += total
        row.done += done


def concerned_in_scope(user, version, page):
    """The venues ``version`` of ``page`` concerns that ``user`` may see, each with
    ``acknowledged``."""
    acknowledged = Acknowledgement.objects.filter(version=version, venue=OuterRef("pk"))
    return venues_for(user, concerned_venues(page)).annotate(acknowledged=Exists(acknowledged))


def overall_rates(user, shown):
    """{version pk: Rate} over ``user``'s scope for each (page, version) of ``shown``, in one
    pass over the venues they may see."""
    aggregates = {}
    for page, version in shown:
        concerned = concerned_q(page)
        acknowledged = Exists(Acknowledgement.objects.filter(version=version, venue=OuterRef("pk")))
        aggregates[f"total_{version.pk}"] = Count("pk", filter=concerned)
        aggregates[f"done_{version.pk}"] = Count("pk", filter=acknowledged & concerned)
    if not aggregates:
        return {}
    counts = venues_for(user).filter(status=VenueStatus.APPROVED).aggregate(**aggregates)
    return {version.pk: Rate(version.title, counts[f"total_{version.pk}"], counts[f"done_{version.pk}"])
            for _page, version in shown}


def rates(user, version, page):
    """(the whole scope's Rate, [Rate per village, with its rate per main kind]) for the venues
    of ``user``'s scope that ``version`` of ``page`` concerns."""
    from .models import VenueKind

    counts = list(concerned_in_scope(user, version, page).order_by().values("area_id", "kind_id").annotate(
        total=Count("pk"), done=Count("pk", filter=Q(acknowledged=True))))
    villages = Area.villages_of(Area.objects.filter(pk__in={row["area_id"] for row in counts}))
    kinds = {kind.pk: kind.name for kind in VenueKind.objects.all()}
    total, by_village = Rate(_("All")), {}
    for row in counts:
        village = villages[row["area_id"]]
        rate = by_village.setdefault(village.pk, Rate(village.name))
        rate.village = village
        rate.add(kinds[row["kind_id"]], row["total"], row["done"])
        total.add(kinds[row["kind_id"]], row["total"], row["done"])
    return total, sorted(by_village.values(), key=lambda rate: rate.village.path)


def may_remind(user):
    return user.has_perm("venues.review_venue")


def remind(user, version, page, venues):
    """Remind the holders of ``venues`` (within ``user``'s scope, concerned and not yet
    acknowledged) to confirm ``version`` of ``page``; a person reminded lately is not reminded
    again. Serialised per version, so a double click reminds once. Returns the messages sent."""
    if not may_remind(user):
        raise PermissionDenied
    with transaction.atomic():
        NoticeVersion.objects.select_for_update(no_key=True).get(pk=version.pk)
        waiting = concerned_in_scope(user, version, page).filter(acknowledged=False,
                                                                 pk__in=venues.values("pk"))
        recent = set(Message.objects.filter(notice_version=version,
                                            created_at__gte=timezone.now() - REMIND_AGAIN_AFTER)
                     .values_list("recipient_id", flat=True))
        by_holder = _waiting_by_holder(waiting)
        holders = get_user_model().objects.filter(pk__in=set(by_holder) - recent, is_active=True)
        return _tell(holders, version, by_holder, reminder=True)

