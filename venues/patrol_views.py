"""巡查 in the back office: a grid worker's worklist (the venues of their areas, most in need
of a visit first), the patrol form of one venue (its merged checklist, kept by the phone while
it is filled in: static/js/patrol.js), the record of a patrol, and the patrols of the venues in
one's scope for those who read them.

Every lookup goes through venues.access (an id outside someone's scope answers 404) and a
patrol is recorded only by venues.workflows.patrols."""

import uuid
from types import SimpleNamespace

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from home.pagination import paginate, rows_of

from .access import area_chosen, area_filter_choices, scope_roots, venues_for
from .admin_views import BoundedPaginator
from .models import Answer, Area, AreaLevel, Severity, VenueStatus
from .selfcheck_forms import GroupForm, decorate
from .workflows import patrols
from .workflows.selfchecks import NEEDS_INTERIM, NEEDS_NOTE, answer_problems

PER_PAGE = 30


def _require(request, permission):
    if not request.user.has_perm(permission):
        raise PermissionDenied


# --- The worklist --------------------------------------------------------------------------

def _census_url(user, village):
    """The census entry, with the area the person works in (or the village chosen) offered."""
    if not user.has_perm("venues.add_venue"):
        return None
    roots = scope_roots(user)
    area = village or (roots[0] if len(roots) == 1 and roots[0].level >= AreaLevel.VILLAGE else None)
    url = reverse("venues_census_add")
    return f"{url}?area={area.pk}" if area else url


def worklist(request):
    """The venues to visit, most in need first, one card each saying why."""
    _require(request, "venues.add_patrol")
    user, today = request.user, timezone.localdate()
    venues = patrols.worklist(user, today)
    chosen = request.GET.get("village", "")
    village = area_chosen(user, chosen) if chosen else None
    if chosen:
        venues = venues.none() if village is None else venues.filter(area__path__startswith=village.path)
    villages = None
    if _choose_first(user, village):
        # Wider than a village (a town office): the list of one village or grid at a time, so that
        # no request sorts a whole town's register.
        venues = venues.none()
        villages = _villages_of(user)
    page = paginate(request, venues.select_related("area", "kind"), PER_PAGE, BoundedPaginator)
    rows = list(page)
    places = Area.places([venue.area for venue in rows])
    for venue in rows:
        venue.place = places[venue.area_id]
    areas = area_filter_choices(user, chosen)
    return render(request, "venues/admin/patrol_worklist.html", {
        "page": page, "rows": rows, "village": chosen, "areas": areas if len(areas) > 1 else None,
        "census_url": _census_url(user, village), "today": today,
        "may_read": user.has_perm("venues.view_patrol"), "villages": villages,
    })


def _choose_first(user, village):
    """Whether the person must choose a village (or grid) before the worklist shows venues: their
    areas are wider than a village and none within a village is chosen."""
    if village is not None and village.level >= AreaLevel.VILLAGE:
        return False
    return any(root.level < AreaLevel.VILLAGE for root in scope_roots(user))


def _villages_of(user):
    """The villages within the person's areas (one query), for the worklist's chooser."""
    within = Q()
    for root in scope_roots(user):
        within |= Q(path__startswith=root.path)
    if not within:
        return []
    return list(Area.objects.filter(within, level=AreaLevel.VILLAGE).order_by("path"))


# --- The patrol form -----------------------------------------------------------------------

class PhotosInput(forms.FileInput):
    """The phone's camera, one or more photos (static/js/patrol.js keeps them in the browser,
    made smaller, and puts them back into this input before the form is sent)."""

    allow_multiple_selected = True

    def __init__(self, attrs=None):
        super().__init__({"accept": "image/*", "capture": "environment", "multiple": True, **(attrs or {})})


class PhotosField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", PhotosInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(PhotosField, self).clean(item, initial) for item in files]


class PatrolForm(GroupForm):
    """Every item of the venue's merged checklist at once (the self-check's fields and rules),
    several photos per item, the overall remarks and the id the phone made for this visit."""

    submission_id = forms.UUIDField(widget=forms.HiddenInput)
    remarks = forms.CharField(
        label=gettext_lazy("Overall remarks (optional)"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, items, data=None, files=None):
        super().__init__(items, data=data, files=files)
        for item in items:
            code = item["code"]
            self.fields[f"{code}-answer"].required = False  # asked by answer_problems, once
            if f"{code}-interim" in self.fields:
                self.fields[f"{code}-interim"].label = _("Interim measure until it is fixed")
            self.fields[f"{code}-note"].label = _("What is not in order")
            self.fields[f"{code}-photo"] = PhotosField(
                label=_("Photos of what is not in order"), required=False,
                widget=PhotosInput(attrs={"data-patrol-photo": code}),
            )
        if not self.is_bound:
            self.initial["submission_id"] = uuid.uuid4()

    def clean(self):
        cleaned = forms.Form.clean(self)
        answers = {code: SimpleNamespace(answer=values["answer"], note=values["note"].strip(),
                                         interim_measure=values["interim_measure"].strip())
                   for code, values in self.answers().items()}
        counts = {code: len(files) for code, files in self.uploads().items()}
        self.add_problems(answer_problems(self.items, answers, counts))
        return cleaned

    def add_problems(self, problems):
        """Each message beside its field: {code: [messages]} from the workflow."""
        for code, found in problems.items():
            for message in found:
                self.add_error(self.field_for(code, message), message)

    def field_for(self, code, message):
        if message == str(NEEDS_NOTE):
            return f"{code}-note"
        if message == str(NEEDS_INTERIM) and f"{code}-interim" in self.fields:
            return f"{code}-interim"
        if message in (_("Please answer this item."),
                       _("This item applies to every venue of this kind; please answer yes or no.")):
            return f"{code}-answer"
        return f"{code}-photo"  # a photo needed, or one that could not be read

    def uploads(self):
        """{code: [uploaded file]} for items with photos chosen."""
        if not self.files:
            return {}
        chosen = {item["code"]: [upload for upload in self.files.getlist(f"{item['code']}-photo") if upload]
                  for item in self.items}
        return {code: files for code, files in chosen.items() if files}


def _patrol_venue(request, venue_id):
    """The approved venue in the person's scope that they may patrol (404 otherwise)."""
    _require(request, "venues.add_patrol")
    venue = get_object_or_404(
        venues_for(request.user).filter(status=VenueStatus.APPROVED).select_related("area", "kind"),
        pk=venue_id,
    )
    if not patrols.may_patrol(request.user, venue):
        raise PermissionDenied
    return venue


def _recorded(request, patrol, again=False):
    if again:
        messages.info(request, _("This patrol was already recorded; here is the record."))
    else:
        found = patrol.hazards.count()
        messages.success(request, _("The patrol of %(venue)s is recorded.") % {"venue": patrol.venue.name}
                         + (" " + _("Hazards recorded: %(count)d.") % {"count": found} if found else ""))
    return redirect("venues_patrol_detail", patrol_id=patrol.pk)


def patrol_form(request, venue_id):
    """The patrol of one venue, recorded at once. Every error is shown beside its field and
    keeps what was typed; the same form sent again shows the record it already made."""
    venue = _patrol_venue(request, venue_id)
    items = patrols.items_shown(venue)
    reissued = False
    if request.method == "POST":
        form = PatrolForm(items, data=request.POST, files=request.FILES)
        done = patrols.earlier_use(request.POST.get("submission_id", ""))
        if done is not None and patrols.is_resend(done, venue, request.user, form.answers(),
                                                  request.POST.get("remarks", "")):
            return _recorded(request, done, again=True)
        if done is not None:
            # An id already used, with other answers (a later visit typed into an old copy kept
            # on the phone) or by someone else: nothing is recorded under it. The form comes
            # back as typed with a fresh id, to be checked and sent again.
            data = request.POST.copy()
            data["submission_id"] = str(uuid.uuid4())
            form, reissued = PatrolForm(items, data=data, files=request.FILES), True
            form.is_valid()  # the notes beside the fields, if any
        elif form.is_valid():
            try:
                patrol = patrols.record(venue, request.user, form.cleaned_data["submission_id"],
                                        form.answers(), note=form.cleaned_data["remarks"],
                                        photos=form.uploads())
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    form.add_problems({code: [str(m) for e in errors for m in e.messages]
                                       for code, errors in error.error_dict.items()})
                else:
                    form.add_error(None, error)
            else:
                return _recorded(request, patrol)
    else:
        form = PatrolForm(items)
    decorate(form, bootstrap=False)  # each input tied to its error for screen readers
    return render(request, "venues/admin/patrol_form.html", {
        "venue": venue, "form": form, "rows": form.rows(),
        "village": Area.places([venue.area])[venue.area_id],
        "card_url": reverse("venue_card", args=[venue.public_code]) + "?public=1",
        "census_url": _census_url(request.user, None),
        "max_photos": patrols.MAX_PHOTOS_PER_ITEM, "reissued": reissued,
        "recorded_ids": " ".join(patrols.recent_ids(venue, request.user)),
    })


# --- The record ----------------------------------------------------------------------------

def patrol_detail(request, patrol_id):
    """A patrol as recorded: every answer, the hazards it made or found again, the photos."""
    patrol = get_object_or_404(
        patrols.patrols_for(request.user).select_related("venue", "venue__area", "venue__kind", "inspector"),
        pk=patrol_id,
    )
    rows = patrols.summary(patrol)
    made = {hazard.pk for hazard in patrol.hazards.all()}
    for row in rows:
        hazard = row.answer.hazard if row.answer else None
        row.hazard, row.found_again = hazard, hazard is not None and hazard.pk not in made
    return render(request, "venues/admin/patrol_detail.html", {
        "patrol": patrol, "venue": patrol.venue, "rows": rows,
        "failed": [row for row in rows if row.answer and row.answer.answer == Answer.NO],
        "village": Area.places([patrol.venue.area])[patrol.venue.area_id],
        "venue_url": reverse("venues_venue_modeladmin_inspect", args=[patrol.venue_id]),
        "may_see_hazards": request.user.has_perm("venues.view_hazard"),
        "may_patrol": patrols.may_patrol(request.user, patrol.venue),
        "major": Severity.MAJOR,
    })


def patrol_index(request):
    """The patrols of the venues in one's scope, newest first; of one venue with ?venue=<id>."""
    _require(request, "venues.view_patrol")
    found = patrols.patrols_for(request.user)
    venue = None
    venue_id = request.GET.get("venue", "")
    if venue_id:
        venue = venues_for(request.user).filter(pk=venue_id).first() if venue_id.isdecimal() else None
        found = found.filter(venue=venue) if venue is not None else found.none()
    keys = found.order_by("-visited_at", "-pk").values_list("pk", flat=True)
    page = paginate(request, keys, PER_PAGE, BoundedPaginator)
    rows = rows_of(page, found.select_related("venue", "venue__area", "inspector").annotate(
        failed=Count("answers", filter=Q(answers__answer=Answer.NO))))
    places = Area.places([row.venue.area for row in rows])
    for row in rows:
        row.place = places[row.venue.area_id]
    return render(request, "venues/admin/patrol_index.html", {
        "page": page, "rows": rows, "venue": venue, "venue_param": venue_id,
        "may_patrol": request.user.has_perm("venues.add_patrol"),
    })
