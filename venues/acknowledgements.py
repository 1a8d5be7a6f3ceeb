"""告知: notices that owners acknowledge — the one place for who a notice concerns, when it
gets a new version, who is told, what an acknowledgement covers and how staff count them.

A page asks for acknowledgement through three methods (notices.models): ``asks_acknowledgement()``
(a kind's 安全告知书 always; a notice when "owners must acknowledge" is ticked),
``starts_new_version()`` (a safety notice published with "new version" ticked) and
``audience()`` (the kinds and areas it concerns; empty means all). Its first publication that
asks for acknowledgement is version 1; later publications keep the version unless they start
a new one, so a correction of wording asks nobody again.

On publication the holders (owner and operator accounts) of the approved venues it concerns
who have not yet been told of this version get one message each, by text message too, from
the task queue; they confirm in their message box, for each of their venues it concerns.
Staff see, within their own scope, which venues have acknowledged the current version, by
village and kind, and remind the others."""

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

from .access import venues_for
from .models import Acknowledgement, Area, AreaLevel, Message, NoticeVersion, Venue, VenueStatus

# A reminder reaches a person at most once in this time for the same version.
REMIND_AGAIN_AFTER = timedelta(hours=20)


def asks_acknowledgement(page):
    page = page.specific
    return bool(getattr(page, "asks_acknowledgement", None) and page.asks_acknowledgement())


def current_versions(page_ids):
    """{page id: its current NoticeVersion} for those of ``page_ids`` that have one."""
    current = {}
    for version in NoticeVersion.objects.filter(page_id__in=list(page_ids)).order_by("page_id", "-number"):
        current.setdefault(version.page_id, version)
    return current


def current_version(page):
    return current_versions([page.pk]).get(page.pk)


def concerned_venues(page):
    """The venues ``page`` concerns: approved, of its kinds (main or further kind) and in its
    areas (any village or grid below them)."""
    kind_ids, areas = page.specific.audience()
    venues = Venue.objects.filter(status=VenueStatus.APPROVED)
    if kind_ids:
        further = Venue.other_kinds.through.objects.filter(venuekind_id__in=kind_ids).values("venue_id")
        venues = venues.filter(Q(kind_id__in=kind_ids) | Q(pk__in=further))
    if areas:
        within = Q()
        for area in areas:
            within |= Q(area__path__startswith=area.path)
        venues = venues.filter(within)
    return venues


# Publication -------------------------------------------------------------------------------

def published(page):
    """After ``page`` was published: its version (a new one when it starts one), and the
    holders not yet told are told once the transaction commits. Returns the version, or None
    when the page asks nobody to acknowledge it."""
    from .tasks import deliver_notice

    page = page.specific
    if not asks_acknowledgement(page):
        return None
    with transaction.atomic():
        latest = NoticeVersion.objects.select_for_update().filter(page=page).order_by("-number").first()
        if latest is None or page.starts_new_version():
            number = latest.number + 1 if latest else 1
            try:
                with transaction.atomic():
                    latest = NoticeVersion.objects.create(page=page, number=number, title=page.title)
            except IntegrityError:  # published twice at the same moment: the other made it
                latest = NoticeVersion.objects.get(page=page, number=number)
        elif latest.title != page.title:
            latest.title = page.title
            latest.save(update_fields=["title"])
        transaction.on_commit(partial(deliver_notice.enqueue, latest.pk))
    return latest


def deliver(version):
    """Tell every holder of a venue the version concerns, who has not been told of it and has
    not acknowledged it for all their venues, once. Serialised per version, so that two
    deliveries at once tell nobody twice. Returns the messages sent."""
    from . import notify

    with transaction.atomic():
        version = NoticeVersion.objects.select_for_update().select_related("page").get(pk=version.pk)
        page = version.page.specific
        if not page.live or current_version(page) != version:
            return []  # unpublished since, or a newer version superseded it
        waiting = _waiting_by_holder(concerned_venues(page).exclude(acknowledgements__version=version))
        told = set(Message.objects.filter(notice_version=version).values_list("recipient_id", flat=True))
        holders = get_user_model().objects.filter(pk__in=set(waiting) - told, is_active=True)
        return [notify.notice_to_acknowledge(holder, version, waiting[holder.pk]) for holder in holders]


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


def asking_pages():
    """The live pages that ask owners to acknowledge them: each kind's safety notice, then the
    notices marked "owners must acknowledge", newest first."""
    from notices.models import NoticePage, SafetyNoticePage

    safety = SafetyNoticePage.objects.live().select_related("kind").order_by("kind__sort_order", "pk")
    notices = NoticePage.objects.live().filter(requires_acknowledgement=True).order_by("-date", "-pk")
    return [*safety, *notices]


def venue_approved(venue):
    """A venue just approved (or reopened) is concerned by the current notices of its kinds and
    areas: its holders are asked to confirm those it has not acknowledged, unless a message
    about that version still waits unread in their box (its button covers this venue too)."""
    from . import notify

    pages = asking_pages()
    holders = [holder for holder in [*([venue.owner] if venue.owner_id else []), *venue.operators.all()]
               if holder.is_active]
    if not holders:
        return []
    sent = []
    for version in current_versions(page.pk for page in pages).values():
        concerned = concerned_venues(version.page).filter(pk=venue.pk)
        if not concerned.exists() or Acknowledgement.objects.filter(version=version, venue=venue).exists():
            continue
        unread = set(Message.objects.filter(notice_version=version, read_at__isnull=True,
                                            recipient__in=holders).values_list("recipient_id", flat=True))
        sent += [notify.notice_to_acknowledge(holder, version, [venue])
                 for holder in holders if holder.pk not in unread]
    return sent


# Acknowledging ----------------------------------------------------------------------------

def waiting_for(user, version):
    """The venues ``user`` holds that ``version`` concerns and that have not acknowledged it."""
    return (venues_for(user, concerned_venues(version.page))
            .exclude(acknowledgements__version=version).order_by("name", "pk"))


def acknowledge(user, version, venues=None):
    """Record that ``user`` read ``version`` for ``venues`` (by default every venue they hold
    that it concerns); their messages about it are marked read. A venue acknowledged already
    (a double click, a second holder) keeps its first acknowledgement. Returns the venues."""
    venues = list(waiting_for(user, version) if venues is None else venues)
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


def pending_messages(user):
    """The messages asking ``user`` to confirm a notice they still have venues to confirm for,
    newest first, one per version (a notice stays unread until it is confirmed)."""
    unread = (Message.objects.filter(recipient=user, notice_version__isnull=False, read_at__isnull=True)
              .select_related("notice_version__page"))
    pending, seen = [], set()
    for message in unread:
        version = message.notice_version
        if version.pk in seen:
            continue
        seen.add(version.pk)
        current = version.page.live and current_version(version.page) == version
        if current and waiting_for(user, version).exists():
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
    """The owner confirmed the safety notices of the venue's kinds as they submitted it."""
    for _page, version in safety_notices_for(venue):
        acknowledge(user, version, [venue])


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


def concerned_in_scope(user, version):
    """The venues ``version`` concerns that ``user`` may see, each with ``acknowledged``."""
    acknowledged = Acknowledgement.objects.filter(version=version, venue=OuterRef("pk"))
    return venues_for(user, concerned_venues(version.page)).annotate(acknowledged=Exists(acknowledged))


def rates(user, version):
    """(the whole scope's Rate, [Rate per village, with its rate per main kind]) for the venues
    of ``user``'s scope that ``version`` concerns."""
    from .models import VenueKind

    counts = list(concerned_in_scope(user, version).order_by().values("area_id", "kind_id").annotate(
        total=Count("pk"), done=Count("pk", filter=Q(acknowledged=True))))
    villages = villages_of({row["area_id"] for row in counts})
    kinds = {kind.pk: kind.name for kind in VenueKind.objects.all()}
    total, by_village = Rate(_("All")), {}
    for row in counts:
        village = villages[row["area_id"]]
        rate = by_village.setdefault(village.pk, Rate(village.name))
        rate.village = village
        rate.add(kinds[row["kind_id"]], row["total"], row["done"])
        total.add(kinds[row["kind_id"]], row["total"], row["done"])
    return total, sorted(by_village.values(), key=lambda rate: rate.village.path)


def villages_of(area_ids):
    """{area id: its village or community} (an area above the village level stands for
    itself)."""
    areas = list(Area.objects.filter(pk__in=list(area_ids)))
    def ancestors(area):  # the area's own path and its ancestors', shortest first
        return [area.path[:end] for end in range(Area.steplen, len(area.path) + 1, Area.steplen)]

    paths = {path for area in areas for path in ancestors(area)}
    villages = {a.path: a for a in Area.objects.filter(path__in=paths, level=AreaLevel.VILLAGE)}
    return {area.pk: next((villages[path] for path in ancestors(area) if path in villages), area)
            for area in areas}


def may_remind(user):
    return user.has_perm("venues.review_venue")


def remind(user, version, venues):
    """Remind the holders of ``venues`` (within ``user``'s scope, concerned and not yet
    acknowledged) to confirm ``version``; a person reminded lately is not reminded again.
    Returns the messages sent."""
    from . import notify

    if not may_remind(user):
        raise PermissionDenied
    waiting = concerned_in_scope(user, version).filter(acknowledged=False, pk__in=venues.values("pk"))
    recent = set(Message.objects.filter(notice_version=version,
                                        created_at__gte=timezone.now() - REMIND_AGAIN_AFTER)
                 .values_list("recipient_id", flat=True))
    by_holder = _waiting_by_holder(waiting)
    holders = get_user_model().objects.filter(pk__in=set(by_holder) - recent, is_active=True)
    with transaction.atomic():
        return [notify.notice_to_acknowledge(holder, version, by_holder[holder.pk], reminder=True)
                for holder in holders]
