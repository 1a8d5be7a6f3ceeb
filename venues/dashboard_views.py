"""The supervision dashboard (监管概览) and the drill-down lists behind its figures, with their
.xlsx exports. Every figure comes from venues.figures, over the person's own scope; each count
links to the list of exactly the rows behind it (``figures.members``), so the two always agree.
An area or kind asked for in the address is checked against the person's scope (404 outside
it); nothing here trusts an id from the address."""

import io
import re
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from openpyxl import Workbook

from home.pagination import paginate

from . import audit, charts, figures
from .access import area_chosen, area_filter_choices, scope_roots
from .figures import BY_GRID, BY_KIND, BY_VILLAGE, MONTH, QUARTER, YEAR, Period
from .masking import mask_mobile
from .models import Area, AreaLevel, Hazard, VenueKind
from .spreadsheets import text_cells

PER_PAGE = 50
TREND_MONTHS = 12
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The most rows a list's export holds (a note in the sheet says how many were left out).
EXPORT_CAP = 50_000
# What the drill-down list carries back to the dashboard (its ``area`` is the row's own).
KEPT = ("type", "by", "chart")

PERIOD_KINDS = [(MONTH, pgettext_lazy("period", "month")), (QUARTER, pgettext_lazy("period", "quarter")),
                (YEAR, pgettext_lazy("period", "year"))]
# How many periods of each kind the form offers, the current one first.
PERIODS_OFFERED = {MONTH: 24, QUARTER: 8, YEAR: 5}
GROUPINGS = [(BY_VILLAGE, gettext_lazy("village or community")), (BY_GRID, gettext_lazy("grid")),
             (BY_KIND, gettext_lazy("main kind"))]

# The rates drawn as charts (the census coverage is known for villages only, so it is not the
# bar chart's default).
CHART_RATES = ["selfchecks_on_time_rate", "rectification_rate", "patrol_coverage", "notice_rate",
               "coverage", "major_rectification_rate"]
TREND_RATES = ["coverage", "selfchecks_on_time_rate", "patrol_coverage", "rectification_rate", "notice_rate"]

# The summary cards: (key, label, rate or None, numerator figure, denominator figure, "expected"
# or None). A card without a rate shows its count alone.
SUMMARY = [
    ("coverage", figures.RATE_LABELS["coverage"], "coverage", "registered", "expected"),
    ("selfchecks", figures.RATE_LABELS["selfchecks_on_time_rate"], "selfchecks_on_time_rate",
     "selfchecks_on_time", "selfchecks_due"),
    ("patrols", figures.RATE_LABELS["patrol_coverage"], "patrol_coverage", "patrolled", "registered"),
    ("open", figures.LABELS["hazards_open"], None, "hazards_open", None),
    ("overdue", figures.LABELS["hazards_overdue"], None, "hazards_overdue", None),
    ("major", figures.LABELS["hazards_major_open"], None, "hazards_major_open", None),
    ("rectification", figures.RATE_LABELS["rectification_rate"], "rectification_rate",
     "hazards_fixed_in_time", "hazards_due"),
    ("days", gettext_lazy("mean days to close a hazard"), None, "hazards_closed", None),
    ("notice", figures.RATE_LABELS["notice_rate"], "notice_rate", "notice_acknowledged", "notice_concerned"),
]

# The table's columns, in order: ("count", figure), ("rate", rate), ("expected",), ("days",).
COUNT, RATE, EXPECTED, DAYS = "count", "rate", "expected", "days"
COLUMNS = [
    (COUNT, "registered"), (EXPECTED, None), (RATE, "coverage"),
    (COUNT, "selfchecks_due"), (COUNT, "selfchecks_on_time"), (COUNT, "selfchecks_late"),
    (RATE, "selfchecks_on_time_rate"),
    (COUNT, "patrolled"), (RATE, "patrol_coverage"),
    (COUNT, "hazards_found"), (COUNT, "hazards_open"), (COUNT, "hazards_overdue"),
    (COUNT, "hazards_major_open"),
    (COUNT, "hazards_due"), (COUNT, "hazards_fixed_in_time"), (RATE, "rectification_rate"),
    (COUNT, "major_due"), (COUNT, "major_fixed_in_time"), (RATE, "major_rectification_rate"),
    (COUNT, "hazards_closed"), (DAYS, None),
    (COUNT, "notice_concerned"), (COUNT, "notice_acknowledged"), (RATE, "notice_rate"),
]


def _heading(kind, name):
    if kind == COUNT:
        return figures.LABELS[name]
    if kind == RATE:
        return _("%(rate)s (%%)") % {"rate": figures.RATE_LABELS[name]}
    if kind == EXPECTED:
        return _("venues in the census")
    return _("mean days to close")


def _require(request):
    user = request.user
    if not user.has_perm("venues.view_dashboard"):
        raise PermissionDenied
    profile = getattr(user, "staff_profile", None)
    if profile is not None:
        # The person's areas, read once: every reading of the figures starts from them.
        prefetch_related_objects([profile], "areas", "office__kinds")
    return user


# --- What the address asks for --------------------------------------------------------------

def _period(params, today):
    """The period asked for (``type``, ``period``), or the current one of that type when it
    names none, one not yet begun, or nonsense. Changing only the type keeps the date: the
    month, quarter or year of the type asked for that holds the period given (the form works
    without a script)."""
    kind = params.get("type", "")
    parsed = Period.parse(params.get("period", ""), today=today)
    if kind not in dict(PERIOD_KINDS):
        kind = parsed.kind if parsed else MONTH
    if parsed is None:
        return Period.containing(kind, today)
    return parsed if parsed.kind == kind else Period.containing(kind, parsed.start)


def _offered_periods(period, today):
    """The periods of ``period``'s kind the form offers, newest first (the chosen one too,
    when it is older than those offered)."""
    offered, current = [], Period.containing(period.kind, today)
    for _step in range(PERIODS_OFFERED[period.kind]):
        offered.append(current)
        current = current.previous()
    if period not in offered:
        offered.append(period)
    return offered


def _area(user, value):
    """The area asked for (an id), or None when none is asked for; 404 outside the person's
    scope (venues.access.area_chosen)."""
    if not value:
        return None
    roots = scope_roots(user)
    area = area_chosen(user, value, roots)
    if area is None:
        raise Http404
    # An area enclosing all of the person's areas narrows nothing: their whole scope, named so.
    if roots and all(root.path.startswith(area.path) and root.path != area.path for root in roots):
        return None
    return area


def _kind(value):
    """The main kind asked for. Any kind: the scope already limits the rows, and a lead
    office's scope holds venues of other main kinds (through a further kind it leads)."""
    if not value:
        return None
    kind = VenueKind.objects.filter(pk=value).first() if value.isascii() and value.isdigit() else None
    if kind is None:
        raise Http404
    return kind


def _default_grouping(user, area):
    """By grid for those who work in one village or grid (or look at one), by village for a
    wider scope."""
    levels = [area.level] if area is not None else [root.level for root in scope_roots(user)]
    return BY_GRID if levels and min(levels) >= AreaLevel.VILLAGE else BY_VILLAGE


def list_url(figure, period, area=None, exact=False, kind=None, keep=None):
    """The drill-down list's address; ``keep`` is the dashboard's choices (``KEPT`` and
    ``from_area``) its back link restores."""
    params = {"figure": figure, "period": period.value, **(keep or {})}
    if area is not None:
        params["area"] = area.pk
    if exact:
        params["exact"] = 1
    if kind is not None:
        params["kind"] = kind.pk
    return f"{reverse('venues_dashboard_list')}?{urlencode(params)}"


# --- The figures ------------------------------------------------------------------------------

def _link_params(row, by, area):
    """The drill-down list's narrowing for a row of the table: its village or grid (the venues
    placed in a village itself, not a grid, have a row of their own in the grid table, and those
    placed in a town itself one in the village table: ``exact``), or its kind within the chosen
    area."""
    if row is None:  # the total
        return {"area": area}
    if by == BY_KIND:
        return {"area": area, "kind": row.kind}
    return {"area": row.area, "exact": row.exact or row.area.level < AreaLevel.VILLAGE}


def _columns(census_known):
    """The table's columns: without a census count in the scope, coverage can never have a
    value, so it is left out."""
    if census_known:
        return COLUMNS
    return [(kind, name) for kind, name in COLUMNS if kind != EXPECTED and name != "coverage"]


def _cells(row, period, params, columns, previous=None, keep=None):
    """The row's cells, in ``columns``' order: {"value", "text", "figure" and "url" for a
    count; "previous" and "previous_text" for a rate: the previous period's, from ``previous``,
    the group's row then}."""
    cells = []
    for kind, name in columns:
        if kind == COUNT:
            value = row.counts.get(name, 0)
            cells.append({"value": value, "text": value, "figure": name,
                          "url": list_url(name, period, **params, keep=keep)})
        else:
            value = row.rate(name) if kind == RATE else row.expected if kind == EXPECTED else _days(row)
            cell = {"value": value, "text": _shown(kind, value)}
            if kind == RATE:
                before = previous.rate(name) if previous is not None else None
                cell.update(previous=before, previous_text=_shown(RATE, before))
            cells.append(cell)
    return cells


def _shown(kind, value):
    """How a figure reads on the page: "—" where there is nothing to measure."""
    if value is None:
        return "—"
    return f"{value}%" if kind == RATE else value


def _days(row):
    return None if row.days_to_close is None else round(row.days_to_close, 1)


def _summary(total, previous, period, area, keep=None):
    cards = []
    for key, label, rate, top, bottom in SUMMARY:
        if bottom == "expected" and total.expected is None:
            continue  # no census count in the scope: coverage can never have a value
        card = {"key": key, "label": label, "rate": rate,
                "top": total.counts.get(top, 0), "top_url": list_url(top, period, area=area, keep=keep),
                "top_label": figures.LABELS[top]}
        if key == "days":
            card.update(value=_days(total), previous=_days(previous), shown_as=DAYS)
        elif rate:
            card.update(value=total.rate(rate), previous=previous.rate(rate), shown_as=RATE)
        else:
            card.update(value=card["top"], previous=previous.counts.get(top, 0), shown_as=COUNT)
        card.update(text=_shown(card["shown_as"], card["value"]),
                    previous_text=_shown(card["shown_as"], card["previous"]))
        if bottom == "expected":
            card.update(bottom=total.expected, bottom_label=_heading(EXPECTED, None))
        elif bottom:
            card.update(bottom=total.counts.get(bottom, 0),
                        bottom_url=list_url(bottom, period, area=area, keep=keep),
                        bottom_label=figures.LABELS[bottom])
        cards.append(card)
    return cards


def _trend(user, period, area, today, rates):
    """The scope's main ``rates`` over the twelve months up to the chosen period (or today)."""
    month = Period.containing(MONTH, period.read_on(today))
    months = []
    for _step in range(TREND_MONTHS):
        months.insert(0, month)
        month = month.previous()
    rows = figures.series(user, months, today=today, area=area)
    return months, {rate: [row.rate(rate) for row in rows] for rate in rates}


def dashboard(request):
    user = _require(request)
    today = figures.local_today()
    period = _period(request.GET, today)
    area = _area(user, request.GET.get("area", ""))
    by = request.GET.get("by", "")
    if by not in dict(GROUPINGS):
        by = _default_grouping(user, area)
    if by == BY_VILLAGE and area is not None and area.level > AreaLevel.VILLAGE:
        by = BY_GRID  # a grid holds no village to group by: its own row, by grid

    previous_period = period.previous()
    total, groups = figures.table(user, period, by=by, today=today, area=area)
    previous_total, previous_groups = figures.table(user, previous_period, by=by, today=today, area=area)
    census_known = total.expected is not None
    chart_rates = [rate for rate in CHART_RATES if census_known or rate != "coverage"]
    trend_rates = [rate for rate in TREND_RATES if census_known or rate != "coverage"]
    chart_rate = request.GET.get("chart", "")
    if chart_rate not in chart_rates:
        chart_rate = chart_rates[0]
    keep = {"type": period.kind, "by": by, "chart": chart_rate}
    if area is not None:
        keep["from_area"] = area.pk
    previous_by_key = {(group.key, group.exact): group for group in previous_groups}
    columns = _columns(census_known)
    summary = _summary(total, previous_total, period, area, keep)
    table_rows = [{"label": group.label,
                   "cells": _cells(group, period, _link_params(group, by, area), columns,
                                   previous_by_key.get((group.key, group.exact)), keep)}
                  for group in groups]
    total_row = {"label": _("Total"), "cells": _cells(total, period, _link_params(None, by, area), columns,
                                                      previous_total, keep)}

    if request.GET.get("format") == "xlsx":
        audit.record(request, "dashboard.export", None, query=request.GET.urlencode())
        return _dashboard_spreadsheet(period, by, area, summary, columns, total_row, table_rows)

    # The bar chart: the chosen rate by group, this period beside the previous one.
    bars = [(group.label, group.rate(chart_rate),
             previous_by_key[group.key, group.exact].rate(chart_rate)
             if (group.key, group.exact) in previous_by_key else None)
            for group in groups]
    bar_labels = _bar_labels(groups, by)
    bar_title = _("%(rate)s by %(group)s, %(period)s and %(previous)s") % {
        "rate": figures.RATE_LABELS[chart_rate], "group": dict(GROUPINGS)[by], "period": period,
        "previous": previous_period}
    bar_svg = charts.bar_chart(bar_title, bar_labels, [
        (str(period), [this for _label, this, _before in bars]),
        (str(previous_period), [before for _label, _this, before in bars]),
    ]) if bars else None

    months, trend = _trend(user, period, area, today, trend_rates)
    trend_title = _("Main rates over the last %(count)s months") % {"count": TREND_MONTHS}
    trend_svg = charts.line_chart(trend_title, [str(month) for month in months],
                                  [(figures.RATE_LABELS[rate], values) for rate, values in trend.items()])

    liuqing = [{**entry._asdict(), "url": reverse("venues_dashboard_liuqing", args=[entry.key])}
               for entry in figures.liuqing(user, today=today)]

    roots = scope_roots(user)
    # The area filter, for those whose scope holds several villages.
    several_villages = len(roots) > 1 or any(root.level < AreaLevel.VILLAGE for root in roots)
    export_params = request.GET.copy()
    export_params["format"] = "xlsx"
    return render(request, "venues/admin/dashboard.html", {
        "period": period, "previous_period": previous_period, "period_kinds": PERIOD_KINDS,
        "periods": _offered_periods(period, today), "by": by, "groupings": GROUPINGS,
        "group_heading": dict(GROUPINGS)[by], "area": area,
        "areas": area_filter_choices(user, str(area.pk) if area else "") if several_villages else None,
        "chart_rate": chart_rate, "chart_rates": [(rate, figures.RATE_LABELS[rate]) for rate in chart_rates],
        "summary": summary, "headings": [_heading(kind, name) for kind, name in columns],
        "total_row": total_row, "table_rows": table_rows,
        "bar_svg": bar_svg, "bar_title": bar_title, "bars": bars,
        "trend_svg": trend_svg, "trend_title": trend_title,
        "trend_headings": [figures.RATE_LABELS[rate] for rate in trend_rates],
        "trend_rows": [(month, [trend[rate][index] for rate in trend_rates])
                       for index, month in enumerate(months)],
        "liuqing": liuqing, "export_query": export_params.urlencode(), "census_known": census_known,
        "several_periods": period.kind != MONTH,
    })


def _bar_labels(groups, by):
    """The bar chart's labels: a grid's own name when all the grids lie in one village (the
    village is said once, in the heading), else the end of a long name, which tells grids apart."""
    if by == BY_GRID and len({group.area.path[:-Area.steplen] for group in groups if not group.exact}) <= 1:
        labels = [group.area.name if not group.exact else group.label for group in groups]
    else:
        labels = [str(group.label) for group in groups]
    return [label if len(label) <= 8 else "…" + label[-7:] for label in labels]


def _xlsx_response(book, name):
    content = io.BytesIO()
    book.save(content)
    response = HttpResponse(content.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}-{figures.local_today():%Y%m%d}.xlsx"'
    return response


def _dashboard_spreadsheet(period, by, area, summary, columns, total_row, table_rows):
    """The summary and the table as on screen, after what they cover (area, grouping, period):
    a rate and a count never share a column, and a rate's heading says it is in percent."""
    book = Workbook(write_only=True)
    what = [[_("area"), area.name if area is not None else _("all within my areas")],
            [_("group by"), str(dict(GROUPINGS)[by])], [_("period"), str(period)], []]
    sheet = book.create_sheet(_("Summary"))
    for line in what:
        sheet.append(text_cells(sheet, line))
    sheet.append(text_cells(sheet, [
        _("figure"), _("%(period)s, rate (%%)") % {"period": period},
        _("%(period)s, rate (%%)") % {"period": period.previous()},
        _("%(period)s, count") % {"period": period}, _("out of"),
        _("%(period)s, count") % {"period": period.previous()}, _("mean days to close")]))
    for card in summary:
        rate = card["shown_as"] == RATE
        days = card["shown_as"] == DAYS
        sheet.append(text_cells(sheet, [
            str(card["label"]), card["value"] if rate else None, card["previous"] if rate else None,
            card["top"], card.get("bottom") if rate else None,
            card["previous"] if card["shown_as"] == COUNT else None,
            card["value"] if days else None]))
    sheet = book.create_sheet(_("By group"))
    for line in what:
        sheet.append(text_cells(sheet, line))
    rates = [name for kind, name in columns if kind == RATE]
    headings = [str(_heading(kind, name)) for kind, name in columns]
    previous = [_("%(rate)s, %(period)s (%%)") % {"rate": figures.RATE_LABELS[name],
                                                   "period": period.previous()} for name in rates]
    sheet.append(text_cells(sheet, [str(dict(GROUPINGS)[by]), *headings, *previous]))
    for row in [total_row, *table_rows]:
        before = [cell["previous"] for cell in row["cells"] if "previous" in cell]
        # Area and kind names are typed by people: never a live formula (venues.spreadsheets).
        values = [cell["value"] for cell in row["cells"]]
        sheet.append(text_cells(sheet, [str(row["label"]), *values, *before]))
    return _xlsx_response(book, f"dashboard-{period.value}")


# --- The drill-down lists ----------------------------------------------------------------------

def dashboard_list(request):
    """The rows behind one figure of the dashboard, for one period and group."""
    user = _require(request)
    today = figures.local_today()
    figure = request.GET.get("figure", "")
    if figure not in figures.FIGURES:
        raise Http404
    parsed = Period.parse(request.GET.get("period", ""), today=today)
    period = parsed or Period.containing(MONTH, today)
    area = _area(user, request.GET.get("area", ""))
    exact = area is not None and request.GET.get("exact") == "1"
    kind = _kind(request.GET.get("kind", ""))
    rows = figures.members(figure, user, period, area=area, exact=exact, kind=kind, today=today)
    # A grid is named with its village ("青杠村 第一网格"): every village has a 第一网格.
    place = Area.places([area])[area.pk] if area is not None else None
    group = " · ".join(str(part) for part in (place, kind) if part is not None) or _("all within my areas")
    if exact:
        group = _("%(area)s (venues placed in it directly)") % {"area": place}
    return _list(request, rows, title=figures.LABELS[figure], group=group, period=period,
                 back=_back(request.GET, period), file_name=f"{figure}-{period.value}")


def _back(params, period):
    """The dashboard as it was left: its period and the choices the list carried (``KEPT``,
    ``from_area``); the dashboard checks each again."""
    back = {"period": period.value}
    back.update({key: params[key] for key in KEPT if params.get(key)})
    if params.get("from_area"):
        back["area"] = params["from_area"]
    return f"{reverse('venues_dashboard')}?{urlencode(back)}"


def liuqing_list(request, key):
    """The rows behind one of the 六清 figures, today."""
    user = _require(request)
    today = figures.local_today()
    if key not in figures.LIUQING:
        raise Http404
    label, explanation = figures.LIUQING[key]
    rows = figures.liuqing_members(key, user, today=today)
    return _list(request, rows, title=label, group=_("all within my areas"), period=None,
                 back=reverse("venues_dashboard") + "#liuqing", file_name=f"liuqing-{key}",
                 explanation=explanation)


def _list(request, rows, title, group, period, back, file_name, explanation=""):
    hazards = rows.model is Hazard
    if hazards:
        rows = rows.select_related("venue", "venue__area").order_by("deadline", "pk")
    else:
        rows = rows.select_related("kind", "area").order_by("area__path", "name", "pk")
    if request.GET.get("format") == "xlsx":
        audit.record(request, "dashboard.list_export", None, query=request.GET.urlencode())
        return _list_spreadsheet(rows, hazards, title, file_name)
    page = paginate(request, rows, PER_PAGE)
    shown = _placed(list(page), hazards)
    export_params = request.GET.copy()
    export_params["format"] = "xlsx"
    export_params.pop("page", None)
    return render(request, "venues/admin/dashboard_list.html", {
        "title": title, "group": group, "period": period, "page": page, "rows": shown, "hazards": hazards,
        "count": page.paginator.count, "back": back, "explanation": explanation,
        "export_query": export_params.urlencode(), "today": figures.local_today(),
    })


def _placed(rows, hazards):
    """Each row given ``where`` (village and grid) and its venue's back-office address."""
    venues = [row.venue for row in rows] if hazards else rows
    places = Area.places([venue.area for venue in venues])
    for row, venue in zip(rows, venues, strict=True):
        row.where = places[venue.area_id]
        row.venue_url = reverse("venues_venue_modeladmin_inspect", args=[venue.pk])
    return rows


def _list_spreadsheet(rows, hazards, title, file_name):
    """The whole list up to EXPORT_CAP rows, streamed; the operator's mobile masked
    (venues.masking). Places are read once for the list's areas, not once a row."""
    area_ids = rows.order_by().values_list("venue__area_id" if hazards else "area_id", flat=True).distinct()
    places = Area.places(list(Area.objects.filter(pk__in=area_ids)))
    count = rows.count()
    rows = rows[:EXPORT_CAP].iterator(chunk_size=2000)
    book = Workbook(write_only=True)
    # A sheet's name holds at most 31 characters and none of []:*?/\.
    sheet = book.create_sheet(re.sub(r"[\[\]:*?/\\]", "", str(title))[:31] or "1")
    if hazards:
        sheet.append(text_cells(sheet, [_("venue"), _("village or grid"), _("checklist question"),
                                        _("description"), _("severity"), _("found"), _("fix by"),
                                        _("status")]))
        for hazard in rows:
            sheet.append(text_cells(sheet, [
                hazard.venue.name, places[hazard.venue.area_id], hazard.item_question, hazard.description,
                hazard.get_severity_display(),
                timezone.localtime(hazard.found_at, figures.local_zone()).date(), hazard.deadline,
                hazard.get_status_display(),
            ]))
    else:
        sheet.append(text_cells(sheet, [_("name"), _("village or grid"), _("main kind"), _("risk level"),
                                        _("next self-check due"), _("operator"),
                                        _("operator's mobile")]))
        for venue in rows:
            sheet.append(text_cells(sheet, [
                venue.name, places[venue.area_id], venue.kind.name, venue.get_risk_level_display(),
                venue.selfcheck_due_on, venue.operator_name, mask_mobile(venue.operator_mobile),
            ]))
    if count > EXPORT_CAP:
        sheet.append(text_cells(sheet, [_("Only the first %(cap)s rows are exported; %(left)s more were left "
                                          "out. Narrow the list to export them.")
                                        % {"cap": EXPORT_CAP, "left": count - EXPORT_CAP}]))
    return _xlsx_response(book, file_name)
