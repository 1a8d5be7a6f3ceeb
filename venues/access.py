"""Who may see which venues: the one place that decides it. Every queryset of venues shown
to a person passes through ``venues_for``.

- superusers see everything;
- staff see the subtrees of their areas, and a lead office's staff only the kinds it leads;
- owners see the venues they hold, and operators the venues they are named on;
- everyone else sees nothing."""

from django.db.models import Q

from .models import Area, Venue, VenueKind


def venues_for(user, queryset=None):
    return of_venues_for(user, Venue.objects.all() if queryset is None else queryset, prefix="")


def of_venues_for(user, queryset, prefix="venue__"):
    """The rows of ``queryset`` (self-checks, hazards, photos…) whose venue, reached through
    ``prefix``, ``user`` may see."""
    scope = scope_q(user, prefix)
    return queryset.none() if scope is None else queryset.filter(scope)


def scope_q(user, prefix=""):
    """The venues ``user`` may see, as a filter on the venue reached through ``prefix`` (for
    example "venue__" from self-checks and hazards, so that the database starts from the few
    rows asked for and checks their venue, rather than reading every venue in the scope);
    None when they may see none."""
    if not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return Q()
    profile = getattr(user, "staff_profile", None)
    if profile is not None:
        return _staff_scope(profile, prefix)
    # The venues held, as one subquery over two indexes: an OR of the owner and a subquery
    # would make the database read the whole register.
    held = Venue.objects.filter(owner=user).order_by().values("pk").union(
        Venue.operators.through.objects.filter(user=user).order_by().values("venue_id"))
    return Q(**{f"{prefix}pk__in": held})


def _staff_scope(profile, prefix):
    paths = [area.path for area in profile.areas.all()]
    if not paths:
        return None
    scope = Q()
    for path in paths:
        scope |= Q(**{f"{prefix}area__path__startswith": path})
    kinds = profile.kinds_led()
    if kinds is not None:
        led = Venue.objects.filter(Q(kind__in=kinds) | Q(other_kinds__in=kinds))
        scope &= Q(**{f"{prefix}pk__in": led.values("pk")})
    return scope


def kinds_for(user):
    """The kinds whose venues the person may see (a lead office only those it leads)."""
    profile = getattr(user, "staff_profile", None)
    kinds = profile.kinds_led() if profile is not None else None
    if kinds is None:
        return VenueKind.objects.all()
    return VenueKind.objects.filter(pk__in=[kind.pk for kind in kinds])


def holds_venue(user, venue):
    """Whether ``user`` is the venue's owner or one of its operators with an account."""
    if not user.is_authenticated or not user.is_active:
        return False
    return venue.owner_id == user.pk or venue.operators.filter(pk=user.pk).exists()


def can_see_venue(user, venue):
    return venues_for(user).filter(pk=venue.pk).exists()


def is_staff_member(user):
    return user.is_authenticated and (user.is_superuser or hasattr(user, "staff_profile"))


def is_back_office(user):
    """Staff, editors and administrators work in the back office, not on the owner site."""
    return is_staff_member(user) or user.has_perm("wagtailadmin.access_admin")


def scope_roots(user):
    """The areas whose subtrees the person works in (every root for a superuser)."""
    if not user.is_authenticated or not user.is_active:
        return []
    if user.is_superuser:
        return list(Area.get_root_nodes())
    profile = getattr(user, "staff_profile", None)
    return list(profile.areas.all()) if profile is not None else []


def areas_for(user):
    """Every area within the person's scope."""
    roots = scope_roots(user)
    if not roots:
        return Area.objects.none()
    within = Q()
    for root in roots:
        within |= Q(path__startswith=root.path)
    return Area.objects.filter(within)


def area_chosen(user, value, roots=None):
    """The area a list's filter asked for (``value``, an area id from the address), if it lies
    within the person's areas or encloses one of them (a grid worker filtering by their own
    village); otherwise None. Lists filter their scoped rows by it, so an enclosing area
    narrows nothing and shows nothing more."""
    value = str(value)
    if not (value.isascii() and value.isdigit()):
        return None
    area = Area.objects.filter(pk=value).first()
    roots = scope_roots(user) if roots is None else roots
    if area is None or not any(area.path.startswith(root.path) or root.path.startswith(area.path)
                               for root in roots):
        return None
    return area


def area_filter_choices(user, value=""):
    """The areas the lists' area filters offer, as (id, label): the way from the person's own
    area down to the chosen one (``value``, an area id) and the chosen one's children; with
    nothing chosen, the person's area and its children (or their areas, when they have
    several). One chooses a town, then a village, then a grid, so the list stays short however
    many villages and grids a district holds. Labels are indented by depth."""
    roots = sorted(scope_roots(user), key=lambda area: area.path)  # an enclosing area first
    chosen = area_chosen(user, value, roots)
    root = next((r for r in roots if chosen and chosen.path.startswith(r.path)), None)
    if root is None:  # nothing chosen, or outside the person's areas
        if len(roots) != 1:
            return [(str(area.pk), area.name) for area in roots]
        root = chosen = roots[0]
    steps = range(len(root.path), len(chosen.path) + 1, Area.steplen)
    way = Area.objects.filter(path__in=[chosen.path[:end] for end in steps])
    shown = sorted([*way, *chosen.get_children()], key=lambda area: area.path)
    return [(str(area.pk), "　" * (area.depth - root.depth) + area.name) for area in shown]


def area_in_scope(user, area):
    """Whether ``area`` lies within the areas the person works in."""
    return any(area.path.startswith(root.path) for root in scope_roots(user))


def staff_for(manager):
    """The staff accounts a manager may see and change: those working only within the
    manager's own areas (never a superuser). A superuser sees every staff account."""
    from django.contrib.auth import get_user_model

    staff = get_user_model().objects.filter(staff_profile__isnull=False)
    if not manager.is_authenticated or not manager.is_active:
        return staff.none()
    if manager.is_superuser:
        return staff
    if not scope_roots(manager):
        return staff.none()
    outside = Area.objects.exclude(pk__in=areas_for(manager).values("pk"))
    return staff.filter(is_superuser=False).exclude(staff_profile__areas__in=outside)


def may_help_owner(user, venue):
    """Reviewers of a venue's area may reset its owner's password or mobile number (an
    owner who lost both); never for a staff account."""
    owner = venue.owner
    return (
        owner is not None and not owner.is_superuser and not hasattr(owner, "staff_profile")
        and user.has_perm("venues.review_venue") and can_see_venue(user, venue)
    )


def public_reports_for(user):
    """The public hazard reports (群众举报) a person may see and handle: staff with
    ``handle_publicreport``, those of the villages within their areas (a report names a village,
    not a kind, so a lead office's kinds do not narrow it)."""
    from .models import PublicReport

    reports = PublicReport.objects.all()
    if not user.is_authenticated or not user.is_active or not user.has_perm("venues.handle_publicreport"):
        return reports.none()
    if user.is_superuser:
        return reports
    roots = scope_roots(user)
    if not roots:
        return reports.none()
    within = Q()
    for root in roots:
        within |= Q(area__path__startswith=root.path)
    return reports.filter(within)


def corrections_for(user):
    """The correction requests a person may see and answer: reviewers, for the venues they
    review and for the accounts of those venues' holders; the office whose areas include a
    top of the area tree also for owners who hold no venue yet. Owners see their own requests
    through ``requester``."""
    from .models import CorrectionRequest

    requests = CorrectionRequest.objects.all()
    if not user.is_authenticated or not user.is_active:
        return requests.none()
    if user.is_superuser:
        return requests
    if not user.has_perm("venues.review_venue") or not hasattr(user, "staff_profile"):
        return requests.none()
    seen = venues_for(user).values("pk")
    holders = Q(requester__venues__in=seen) | Q(requester__operated_venues__in=seen)
    about_account = Q(venue__isnull=True) & holders
    if user.has_perm("venues.change_staffprofile") and any(root.is_root() for root in scope_roots(user)):
        # The town office of the whole deployment (never one town's office in a district):
        about_account |= Q(venue__isnull=True, requester__venues__isnull=True,
                           requester__operated_venues__isnull=True)
    chosen = requests.filter(Q(venue__in=seen) | about_account).values("pk")
    return requests.filter(pk__in=chosen)
