"""The town office's own back office: staff accounts, the area tree, moving venues. Every
object is looked up through venues.access, so what lies outside someone's scope answers 404."""

import contextlib
import io

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, ProtectedError, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from openpyxl import Workbook

from . import audit, photos
from .access import area_in_scope, areas_for, may_help_owner, staff_for, venues_for
from .admin_views import ScopedInspectView
from .forms import (
    AreaForm,
    CensusForm,
    MoveVenueForm,
    OwnerHelpForm,
    PhotoForm,
    SetPasswordForm,
    StaffForm,
    indented,
)
from .masking import mask_mobile
from .models import Area, AuditEntry
from .roles import STAFF_ROLES
from .spreadsheets import text_cells
from .workflows import claims, registration


def _require(request, permission):
    if not request.user.has_perm(permission):
        raise PermissionDenied


def _staff_member(request, user_id):
    _require(request, "venues.change_staffprofile")
    return get_object_or_404(staff_for(request.user), pk=user_id)


def staff_index(request):
    _require(request, "venues.view_staffprofile")
    people = (
        staff_for(request.user).select_related("staff_profile__office")
        .prefetch_related("staff_profile__areas", "groups").order_by("-is_active", "username")
    )
    query = request.GET.get("q", "").strip()
    if query:
        people = people.filter(Q(username__icontains=query) | Q(full_name__icontains=query))
    role = request.GET.get("role", "")
    if role in STAFF_ROLES:
        people = people.filter(groups__name=role)
    if request.GET.get("export") == "xlsx":
        audit.record(request, "staff.export", None, query=request.GET.urlencode())
        return _staff_spreadsheet(people)
    return render(request, "venues/admin/staff_index.html", {
        "people": people, "query": query, "role": role, "roles": STAFF_ROLES,
        "may_add": request.user.has_perm("venues.add_staffprofile"),
    })


def _staff_spreadsheet(people):
    """The staff list as on screen, mobiles masked."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Staff accounts"))
    sheet.append([_("username"), _("full name"), _("mobile number"), _("role"), _("office"),
                  _("areas of work"), _("account")])
    for person in people:
        profile = person.staff_profile
        # Names are typed by people: never a live formula (venues.spreadsheets).
        sheet.append(text_cells(sheet, [
            person.username, person.full_name, mask_mobile(person.mobile),
            "、".join(group.name for group in person.groups.all()), str(profile.office or ""),
            "、".join(area.name for area in profile.areas.all()),
            pgettext("account", "enabled") if person.is_active else pgettext("account", "disabled"),
        ]))
    content = io.BytesIO()
    book.save(content)
    response = HttpResponse(
        content.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="staff-{timezone.localdate():%Y%m%d}.xlsx"'
    return response


def staff_add(request):
    _require(request, "venues.add_staffprofile")
    form = StaffForm(request.POST or None, manager=request.user)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        messages.success(request, _("Account %(name)s created.") % {"name": user.username})
        return redirect("venues_staff_index")
    return render(request, "venues/admin/form.html", {
        "form": form, "title": _("Add a staff account"), "submit": _("Create the account"),
        "back_url": reverse("venues_staff_index"),
    })


def staff_edit(request, user_id):
    member = _staff_member(request, user_id)
    form = StaffForm(request.POST or None, manager=request.user, staff_user=member)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Account %(name)s saved.") % {"name": member.username})
        return redirect("venues_staff_index")
    return render(request, "venues/admin/form.html", {
        "form": form, "title": _("Staff account: %(name)s") % {"name": member.get_full_name()},
        "submit": _("Save"), "back_url": reverse("venues_staff_index"),
        "extra_link": (reverse("venues_staff_password", args=[member.pk]), _("Set a new password")),
    })


def staff_password(request, user_id):
    """Set a new password for someone who forgot theirs; they are told it in person."""
    member = _staff_member(request, user_id)
    form = SetPasswordForm(request.POST or None, staff_user=member)
    if request.method == "POST" and form.is_valid():
        member.set_password(form.cleaned_data["password1"])
        member.save(update_fields=["password"])
        AuditEntry.objects.create(actor=request.user, action="staff.password", object_type="user",
                                  object_id=str(member.pk))
        messages.success(request, _("New password set for %(name)s.") % {"name": member.username})
        return redirect("venues_staff_index")
    return render(request, "venues/admin/form.html", {
        "form": form, "title": _("New password for %(name)s") % {"name": member.get_full_name()},
        "submit": _("Set the password"), "back_url": reverse("venues_staff_index"),
    })


def area_index(request):
    _require(request, "venues.view_area")
    areas = (
        areas_for(request.user).order_by("path")
        .annotate(venue_count=Count("venues", distinct=True))
    )
    for area in areas:
        area.label = indented(area)
    return render(request, "venues/admin/area_index.html", {
        "areas": areas,
        "may_add": request.user.has_perm("venues.add_area"),
        "may_change": request.user.has_perm("venues.change_area"),
    })


def _area(request, area_id, permission):
    _require(request, permission)
    area = get_object_or_404(Area, pk=area_id)
    if not area_in_scope(request.user, area):
        raise Http404
    return area


def area_add(request, parent_id):
    parent = _area(request, parent_id, "venues.add_area")
    form = AreaForm(request.POST or None, parent=parent)
    if request.method == "POST" and form.is_valid():
        area = Area.objects.get(pk=parent.pk).add_child(instance=form.save(commit=False))
        AuditEntry.objects.create(actor=request.user, action="area.create", object_type="area",
                                  object_id=str(area.pk), detail={"name": area.full_name})
        messages.success(request, _("Area %(name)s added.") % {"name": area.name})
        return redirect("venues_area_index")
    return render(request, "venues/admin/form.html", {
        "form": form, "title": _("Add an area within %(name)s") % {"name": parent.name},
        "submit": _("Add"), "back_url": reverse("venues_area_index"),
    })


def area_edit(request, area_id):
    area = _area(request, area_id, "venues.change_area")
    old_name = area.name
    form = AreaForm(request.POST or None, instance=area)
    if request.method == "POST" and form.is_valid():
        form.save()
        AuditEntry.objects.create(actor=request.user, action="area.update", object_type="area",
                                  object_id=str(area.pk), detail={"from": old_name, "to": area.name})
        messages.success(request, _("Area %(name)s saved.") % {"name": area.name})
        return redirect("venues_area_index")
    return render(request, "venues/admin/form.html", {
        "form": form, "title": _("Area: %(name)s") % {"name": area.name}, "submit": _("Save"),
        "back_url": reverse("venues_area_index"),
        "delete_url": reverse("venues_area_delete", args=[area.pk])
        if request.user.has_perm("venues.delete_area") else "",
    })


@require_POST
def area_delete(request, area_id):
    """Only an empty area goes: no areas within it, no venues, nobody working there, and no
    published scorecard (a published month keeps its villages)."""
    area = _area(request, area_id, "venues.delete_area")
    in_use = (
        area.get_children_count() or area.venues.exists()
        or get_user_model().objects.filter(staff_profile__areas=area).exists()
    )
    if in_use:
        messages.error(request, _("%(name)s still has areas, venues or staff; move them first.")
                       % {"name": area.name})
    elif area.scorecards.exists():
        messages.error(request, _("%(name)s has published scorecards, which are kept; it cannot be deleted.")
                       % {"name": area.name})
    else:
        name, full_name = area.name, area.full_name
        # The audit entry only for a delete that happened: both or neither.
        try:
            with transaction.atomic():
                area.delete()
                AuditEntry.objects.create(actor=request.user, action="area.delete", object_type="area",
                                          object_id=str(area_id), detail={"name": full_name})
        except ProtectedError:  # anything else that keeps the area (added since): in use too
            messages.error(request, _("%(name)s still has areas, venues or staff; move them first.")
                           % {"name": name})
        else:
            messages.success(request, _("Area %(name)s deleted.") % {"name": name})
    return redirect("venues_area_index")


def venue_move(request, venue_id):
    venue = get_object_or_404(venues_for(request.user).select_related("area"), pk=venue_id)
    if not registration.may_move(request.user, venue):
        raise PermissionDenied
    form = MoveVenueForm(request.POST or None, user=request.user, venue=venue)
    if request.method == "POST" and form.is_valid():
        registration.move(venue, form.cleaned_data["area"], request.user, form.cleaned_data["reason"])
        messages.success(request, _("%(venue)s moved to %(area)s.") % {
            "venue": venue.name, "area": form.cleaned_data["area"].name})
        return redirect("venues_venue_modeladmin_inspect", instance_pk=venue.pk)
    return render(request, "venues/admin/form.html", {
        "form": form, "title": _("Move %(venue)s to another village or grid") % {"venue": venue.name},
        "submit": _("Move"), "back_url": reverse("venues_venue_modeladmin_inspect", args=[venue.pk]),
    })


def census_add(request):
    """代为登记: staff record a venue themselves, with or without the owner's account. The patrol
    worklist links here with ``?area=`` (the grid being patrolled), chosen in advance when the
    person may record venues there (the field's choices are their own areas)."""
    _require(request, "venues.add_venue")
    form = CensusForm(request.POST or None, user=request.user, initial={"area": request.GET.get("area")})
    valid = request.method == "POST" and form.is_valid()
    if request.method == "POST" and request.POST.get("submission_id"):
        # The same form sent again (a double click, a resend, even at the same moment): show
        # what it already recorded. Looked up after validating, whose duplicate checks would
        # otherwise refuse the very venue this form recorded a moment ago.
        with contextlib.suppress(ValueError, ValidationError):
            done = venues_for(request.user).filter(submission_id=request.POST.get("submission_id")).first()
            if done is not None:
                return redirect("venues_venue_modeladmin_inspect", instance_pk=done.pk)
    if valid:
        venue = form.save(commit=False)
        venue.owner = form.cleaned_data["owner_mobile"]
        if not registration.may_record(request.user, venue.area):
            raise PermissionDenied
        venue = registration.record(venue, request.user, "census",
                                    other_kinds=form.cleaned_data["other_kinds"])
        if venue.owner_id is None:
            messages.success(request, _("%(venue)s recorded. Print a claim code for the owner so they "
                                        "can take the record over.") % {"venue": venue.name})
        else:
            messages.success(request, _("%(venue)s recorded.") % {"venue": venue.name})
        return redirect("venues_venue_modeladmin_inspect", instance_pk=venue.pk)
    return render(request, "venues/admin/form.html", {
        "form": form, "title": _("Record a venue (census entry)"), "submit": _("Record the venue"),
        "back_url": reverse("venues_venue_modeladmin_index"),
    })


@require_POST
def claim_code(request, venue_id):
    """Issue a one-time claim code and show it once, on a slip to print for the owner."""
    venue = get_object_or_404(venues_for(request.user).select_related("area"), pk=venue_id)
    if not claims.may_issue(request.user, venue):
        raise PermissionDenied
    code = claims.issue(venue, request.user)
    response = render(request, "venues/admin/claim_slip.html", {
        "venue": venue, "code": "-".join([code[:5], code[5:]]),
        "owner_url": settings.PUBLIC_BASE_URL + "/owner/",
        "valid_days": claims.VALID_FOR.days,
    })
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def photo_add(request, venue_id):
    """Add a photo to a venue from its detail page; a refused file is explained there."""
    venue = get_object_or_404(venues_for(request.user), pk=venue_id)
    if not photos.may_add_photo(request.user, venue):
        raise PermissionDenied
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            photos.add_photo(venue, form.cleaned_data["file"], form.cleaned_data["kind"], request.user)
        except ValidationError as error:
            form.add_error("file", error)
        else:
            messages.success(request, _("Photo added."))
            return redirect("venues_venue_modeladmin_inspect", instance_pk=venue.pk)
    # The detail page again, with what was chosen and the reason beside the file field.
    from .wagtail_hooks import VenueAdmin  # the hooks import this module

    view = ScopedInspectView.as_view(model_admin=VenueAdmin(), instance_pk=str(venue.pk), photo_form=form)
    return view(request)


def owner_help(request, venue_id):
    """Help the owner of a venue in one's scope who lost their phone or password (audited)."""
    venue = get_object_or_404(venues_for(request.user).select_related("owner"), pk=venue_id)
    if not may_help_owner(request.user, venue):
        raise PermissionDenied
    form = OwnerHelpForm(request.POST or None, owner=venue.owner)
    if request.method == "POST" and form.is_valid():
        form.save(request.user)
        messages.success(request, _("The owner's account is updated; tell them in person."))
        return redirect("venues_venue_modeladmin_inspect", instance_pk=venue.pk)
    return render(request, "venues/admin/form.html", {
        "form": form, "title": _("Help the owner of %(venue)s") % {"venue": venue.name},
        "submit": _("Save"), "back_url": reverse("venues_venue_modeladmin_inspect", args=[venue.pk]),
    })



@require_POST
def reveal(request, venue_id):
    """The venue's personal numbers in full: a deliberate request, written to the audit."""
    venue = get_object_or_404(venues_for(request.user).select_related("owner"), pk=venue_id)
    numbers = [
        (_("operator's mobile"), venue.operator_mobile),
        (_("operator's ID card number"), venue.operator_id_number),
        (_("contact's mobile"), venue.contact_mobile),
        (_("owner's mobile"), venue.owner.mobile if venue.owner else ""),
    ]
    numbers = [(label, value) for label, value in numbers if value]
    audit.record(request, "venue.reveal", venue, fields=[str(label) for label, _value in numbers])
    response = render(request, "venues/admin/reveal.html", {"venue": venue, "numbers": numbers})
    response["Cache-Control"] = "no-store"
    return response
