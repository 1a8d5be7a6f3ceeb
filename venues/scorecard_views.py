"""The back office's side of 考核激励 (venues.scorecards, whose docstring states the rule): a
month's scorecards with the formula and its weights, their .xlsx export, the weights form, the
red-flag history, and the villages' census counts behind registration coverage. Every card
shown passes through scorecards.scorecards_for / visible; every village through areas_for."""

import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from openpyxl import Workbook

from . import audit, figures, scorecards
from .access import areas_for
from .models import AreaLevel, Scorecard, ScoreWeights, Venue, VenueStatus, VillageCensus
from .scorecard_forms import CensusForm, WeightsForm
from .spreadsheets import text_cells


def _require(request, permission):
    if not request.user.has_perm(permission):
        raise PermissionDenied


def _chosen_month(request, today):
    """The month asked for (a published one, or the running one), or the latest published."""
    published = scorecards.published_months()
    current = scorecards.current_month(today)
    value = request.GET.get("month", "")
    if not value:
        return (figures.Period(figures.MONTH, published[0]) if published else current), published
    period = figures.Period.parse(value, today=today)
    available = period is not None and (period == current or period.start in published)
    if not available or period.kind != figures.MONTH:
        raise Http404
    return period, published


def _rows(cards):
    """Each card with its measures as (label, rate, count, out of), for the table and export.
    An office has no coverage at all: all three are None (shown as —), not its venue count."""
    for card in cards:
        shown = scorecards.rates(card)
        card.measures = [
            (scorecards.LABELS[name], None, None, None) if card.office_id and name == "coverage"
            else (scorecards.LABELS[name], shown[name], *card.figures[name])
            for name in scorecards.MEASURES
        ]
    return cards


def _by_town(villages):
    """The village cards as [(town or None, cards)], one group per town, in the towns' order:
    each town's villages are ranked among themselves."""
    towns = scorecards.towns()
    groups = {}
    for card in villages:
        card.town = scorecards.town_of(card.area, towns)
        groups.setdefault(card.town, []).append(card)
    return sorted(groups.items(), key=lambda item: item[0].path if item[0] else "")


def scorecard_month(request):
    _require(request, "venues.view_scorecard")
    today = timezone.localdate()
    period, published = _chosen_month(request, today)
    live = period.start not in published
    if live:
        every = scorecards.compute(period, today=today)
        cards = scorecards.visible(request.user, every)
        weights = every[0].weights if every else ScoreWeights.current().as_dict()
    else:
        cards = list(scorecards.scorecards_for(request.user).filter(month=period.start)
                     .select_related("area", "office"))
        stored = cards[0] if cards else Scorecard.objects.filter(month=period.start).first()
        weights = stored.weights
    cards = _rows(sorted(cards, key=lambda card: (card.rank is None, card.rank or 0, card.name)))
    groups = scorecards.groups_for(request.user)
    villages = [card for card in cards if scorecards.group_of(card) == scorecards.VILLAGE]
    offices = [card for card in cards if scorecards.group_of(card) == scorecards.OFFICE]
    towns = _by_town(villages)
    if request.GET.get("export") == "xlsx":
        audit.record(request, "scorecard.export", None, month=period.value)
        return _spreadsheet(period, live, groups, towns, offices)
    current = scorecards.current_month(today)
    choices = [(current.value, _("%(month)s (running, preview)") % {"month": current})]
    choices += [(figures.Period(figures.MONTH, month).value, str(figures.Period(figures.MONTH, month)))
                for month in published if month != current.start]
    return render(request, "venues/admin/scorecard_month.html", {
        "period": period, "live": live, "choices": choices, "formula": scorecards.FORMULA,
        "weights": [(scorecards.LABELS[name], weights.get(name, 0)) for name in scorecards.MEASURES],
        "towns": [(_village_caption(town, len(towns)), cards) for town, cards in towns],
        "offices": offices,
        "show_villages": scorecards.VILLAGE in groups, "show_offices": scorecards.OFFICE in groups,
        "labels": [scorecards.LABELS[name] for name in scorecards.MEASURES],
        "may_change_weights": request.user.has_perm("venues.change_scoreweights"),
    })


def _village_caption(town, how_many):
    if how_many > 1 and town is not None:
        return _("Villages and communities of %(town)s") % {"town": town.name}
    return _("Villages and communities")


def _spreadsheet(period, live, groups, towns, offices):
    """The month's tables as on screen, Chinese headers; no personal data is in a card. The
    running month's file says on its first row, and in its name, that it is a preview."""
    book = Workbook(write_only=True)
    villages = [card for _town, cards in towns for card in cards]
    sheets = [(scorecards.VILLAGE, _("Villages and communities"), villages),
              (scorecards.OFFICE, _("Lead offices"), offices)]
    # The sections that can apply; at least one sheet, as a workbook needs one.
    for group, title, cards in [entry for entry in sheets if entry[0] in groups] or sheets[:1]:
        sheet = book.create_sheet(title)
        if live:
            sheet.append(text_cells(sheet, [_("Preview of %(month)s, which has not ended: not final, "
                                              "does not count towards the assessment.") % {"month": period}]))
        header = [_("rank"), pgettext("scorecard", "name")]
        for name in scorecards.MEASURES:
            label = str(scorecards.LABELS[name])
            header += [_("%(measure)s (%%)") % {"measure": label},
                       _("%(measure)s: count") % {"measure": label},
                       _("%(measure)s: out of") % {"measure": label}]
        town_column = [_("town or street")] if group == scorecards.VILLAGE else []
        sheet.append(text_cells(sheet, [*header, _("score"), _("red flag"), *town_column]))
        for card in cards:
            values = [card.rank, card.name]
            for name, (_label, shown, count, out_of) in zip(scorecards.MEASURES, card.measures, strict=True):
                if card.office_id and name == "coverage":
                    values += ["—"] * 3  # as on screen: an office has no coverage
                    continue
                values += [float(shown) if shown is not None else None, count, out_of]
            values += [float(card.score) if card.score is not None else None,
                       _("red flag") if card.red_flag else ""]
            if town_column:
                values.append(card.town.name if card.town else "")
            sheet.append(text_cells(sheet, values))
    content = io.BytesIO()
    book.save(content)
    response = HttpResponse(content.getvalue(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    suffix = "-preview" if live else ""
    response["Content-Disposition"] = f'attachment; filename="scorecards-{period.value}{suffix}.xlsx"'
    return response


def scorecard_weights(request):
    _require(request, "venues.change_scoreweights")
    weights = ScoreWeights.current()
    before = weights.as_dict()
    form = WeightsForm(request.POST or None, instance=weights)
    if request.method == "POST" and form.is_valid():
        weights = form.save(commit=False)
        weights.updated_by = request.user
        weights.save()
        audit.record(request, "scoreweights.change", weights, before=before, after=weights.as_dict())
        messages.success(request, _("The weights are saved. They apply to the running month; "
                                    "published months keep the weights they were scored with."))
        # The running month, which the new weights score (a published month keeps its own).
        current = scorecards.current_month()
        return redirect(reverse("venues_scorecard_month") + f"?month={current.value}")
    return render(request, "venues/admin/scorecard_weights.html", {"form": form, "weights": weights})


def scorecard_flags(request):
    """Month by month, who won the red flag. The winners' names are an honour announced to
    everyone who reads scorecards; a winner's score only to those who may read that card."""
    _require(request, "venues.view_scorecard")
    winners = list(Scorecard.objects.filter(red_flag=True).select_related("area")
                   .order_by("-month", "office", "area__path", "name"))
    readable = set(scorecards.scorecards_for(request.user).filter(red_flag=True).values_list("pk", flat=True))
    towns = scorecards.towns()
    months = {}
    for card in winners:
        card.shown_score = card.score if card.pk in readable else None
        card.town = scorecards.town_of(card.area, towns) if card.area_id else None
        entry = months.setdefault(card.month, {"month": figures.Period(figures.MONTH, card.month),
                                               "villages": [], "offices": []})
        entry["offices" if card.office_id else "villages"].append(card)
    return render(request, "venues/admin/scorecard_flags.html", {
        "months": list(months.values()), "several_towns": len(towns) > 1})


# --- Census counts -----------------------------------------------------------------------------

def _villages(user):
    return areas_for(user).filter(level=AreaLevel.VILLAGE)


def census_index(request):
    _require(request, "venues.view_villagecensus")
    villages = list(_villages(request.user).select_related("census__updated_by").order_by("path"))
    approved = _approved_counts(villages)
    for village in villages:
        village.count = village.census if _has_census(village) else None
        village.approved = approved[village.pk]
    return render(request, "venues/admin/census_counts.html", {
        "villages": villages,
        "may_edit": request.user.has_perm("venues.change_villagecensus")
        or request.user.has_perm("venues.add_villagecensus"),
    })


def _has_census(area):
    try:
        return area.census is not None
    except VillageCensus.DoesNotExist:
        return False


def _approved_counts(villages):
    """The approved venues registered now in each village's subtree: one query, a count per
    area, added up under each village."""
    counts = dict.fromkeys((village.pk for village in villages), 0)
    if villages:
        within = Q(pk__in=[])
        for village in villages:
            within |= Q(area__path__startswith=village.path)
        per_area = (Venue.objects.filter(within, status=VenueStatus.APPROVED).order_by()
                    .values_list("area__path").annotate(n=Count("pk")))
        for path, n in per_area:
            for village in villages:
                if path.startswith(village.path):
                    counts[village.pk] += n
    return counts


def _census_values(census):
    """What the audit keeps of a census count, before and after a change."""
    if census is None:
        return None
    return {"expected": census.expected, "counted_on": census.counted_on.isoformat(), "note": census.note}


def census_edit(request, area_id):
    if not (request.user.has_perm("venues.add_villagecensus")
            or request.user.has_perm("venues.change_villagecensus")):
        raise PermissionDenied
    village = get_object_or_404(_villages(request.user), pk=area_id)
    census = VillageCensus.objects.filter(area=village).first()
    if census is None and not request.user.has_perm("venues.add_villagecensus"):
        raise PermissionDenied
    if census is not None and not request.user.has_perm("venues.change_villagecensus"):
        raise PermissionDenied
    before = _census_values(census)
    approved = _approved_counts([village])[village.pk]
    form = CensusForm(request.POST or None, instance=census, approved=approved, village=village)
    if request.method == "POST" and form.is_valid():
        values = {**form.cleaned_data, "updated_by": request.user}
        # One row per village: a double submit updates the row the first one made.
        try:
            with transaction.atomic():
                saved, _created = VillageCensus.objects.update_or_create(area=village, defaults=values)
        except IntegrityError:
            saved, _created = VillageCensus.objects.update_or_create(area=village, defaults=values)
        audit.record(request, "census_count.change", saved, village=village.name, before=before,
                     after=_census_values(saved))
        figures.CLOSED.bump()  # the coverage of the closed months kept for the trend
        messages.success(request, _("The census count of %(village)s is saved.") % {"village": village.name})
        return redirect("venues_census_counts")
    return render(request, "venues/admin/form.html", {
        "form": form, "back_url": reverse("venues_census_counts"), "submit": _("Save the count"),
        "title": _("Census count of %(village)s") % {"village": village.name},
    })
