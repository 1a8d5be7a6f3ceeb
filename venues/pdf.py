"""The safety analysis reports as PDF (reportlab). Chinese text is drawn in reportlab's built-in
CID font STSong-Light (no font file is shipped: common readers supply it, and pypdf reads the
text back). The same sections as the page (templates/venues/_report_*.html), as paragraphs and
tables, with the title, the venue or scope, the period and page numbers."""

import io
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

FONT = "STSong-Light"
_registered = False


def _font():
    global _registered
    if not _registered:
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
        _registered = True


def _styles():
    _font()
    body = ParagraphStyle("body", fontName=FONT, fontSize=10.5, leading=15, wordWrap="CJK")
    return {
        "title": ParagraphStyle("title", parent=body, fontSize=18, leading=24, spaceAfter=6),
        "subtitle": ParagraphStyle("subtitle", parent=body, fontSize=11,
                                   textColor=colors.HexColor("#333333")),
        "h2": ParagraphStyle("h2", parent=body, fontSize=13, leading=18, spaceBefore=10, spaceAfter=4),
        "body": body,
        "cell": ParagraphStyle("cell", parent=body, fontSize=9, leading=12),
    }


class _Builder:
    def __init__(self, title, subtitle):
        self.styles = _styles()
        self.story = [Paragraph(escape(title), self.styles["title"]),
                      Paragraph(escape(subtitle), self.styles["subtitle"]), Spacer(1, 4 * mm)]

    def heading(self, text):
        self.story.append(Paragraph(escape(str(text)), self.styles["h2"]))

    def para(self, text):
        self.story.append(Paragraph(escape(str(text)), self.styles["body"]))

    def bullets(self, lines, empty=None):
        if not lines and empty:
            self.para(empty)
        for text in lines:
            self.story.append(Paragraph("• " + escape(str(text)), self.styles["body"]))

    def table(self, header, rows, empty=None):
        if not rows:
            if empty:
                self.para(empty)
            return
        cell = self.styles["cell"]
        data = [[Paragraph(escape(str(value)), cell) for value in row] for row in [header, *rows]]
        table = Table(data, repeatRows=1, hAlign="LEFT", colWidths=[170 * mm / len(header)] * len(header))
        table.setStyle(TableStyle([
            ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]))
        self.story.append(table)
        self.story.append(Spacer(1, 2 * mm))

    def render(self, title):
        buffer = io.BytesIO()
        page_label = _("Page %(page)s")

        def number(canvas, doc):
            canvas.saveState()
            canvas.setFont(FONT, 9)
            canvas.drawCentredString(A4[0] / 2, 10 * mm, page_label % {"page": doc.page})
            canvas.restoreState()

        doc = SimpleDocTemplate(buffer, pagesize=A4, title=title, leftMargin=20 * mm, rightMargin=20 * mm,
                                topMargin=18 * mm, bottomMargin=18 * mm)
        doc.build(self.story, onFirstPage=number, onLaterPages=number)
        return buffer.getvalue()


def _day(day):
    return day.strftime("%Y-%m-%d") if day else "—"


def venue_report_pdf(report, title):
    """The PDF bytes of a venues.analysis.VenueReport."""
    venue, c = report.venue, report.counts
    pdf = _Builder(title, _("%(venue)s · %(period)s") % {"venue": venue.name, "period": report.period})
    pdf.heading(_("Summary"))
    pdf.para(report.summary)
    pdf.heading(_("Self-checks"))
    pdf.table([_("Due on"), _("Submitted on"), _("On time"), pgettext("report", "Status")],
              [[_day(s.due_on), _day(s.submitted_on),
                _("not done") if s.on_time is None else _("on time") if s.on_time else _("late"), s.status]
               for s in report.selfchecks], empty=_("No self-check was due in this period."))
    pdf.heading(_("Patrols"))
    pdf.table([_("Visited on"), _("Items found not in order")],
              [[_day(p.visited_on), "；".join(p.failed) or _("none")] for p in report.patrols],
              empty=_("No patrol in this period."))
    columns = [_("Item"), pgettext("hazard", "Severity"), _("Found on"), pgettext("hazard", "Fix by"),
               pgettext("hazard", "Status")]
    for heading, lines, empty, closed in [
            (_("Hazards found (%(count)s)") % {"count": c["found"]}, report.found, _("No hazard found."),
             False),
            (_("Hazards closed (verified) (%(count)s)") % {"count": c["fixed"]}, report.fixed,
             _("No hazard closed."), True),
            (_("Hazards not yet closed at the end (%(count)s)") % {"count": c["open_at_end"]},
             report.open_at_end, _("No hazard left open."), False)]:
        pdf.heading(heading)
        pdf.table([*columns, pgettext("hazard", "closed")] if closed else columns,
                  [[h.item, h.severity_label, _day(h.found_on), _day(h.deadline), h.status_label,
                    *([_day(h.closed_on)] if closed else [])] for h in lines],
                  empty=empty)
    pdf.heading(_("Recurring items"))
    pdf.bullets([_recurring_text(r) for r in report.recurring], empty=_("No item failed more than once."))
    pdf.heading(_("Risk and integrity levels (as of %(day)s)") % {"day": _day(report.today)})
    pdf.para(_("Risk level: %(level)s") % {"level": report.risk_level or _("not yet assessed")})
    pdf.bullets(report.risk_reasons)
    pdf.para(_("Integrity level: %(level)s") % {"level": report.integrity_level or _("not yet assessed")})
    pdf.bullets(report.integrity_reasons)
    pdf.heading(_("Advice"))
    pdf.bullets([f"{item}：{text}" if text != item else item for item, text, _severity in report.advice],
                empty=_("No item failed in this period: keep it up."))
    return pdf.render(title)


def _recurring_text(recurring):
    text = _("%(item)s: failed %(times)s times in this period") % {
        "item": recurring.item, "times": recurring.times_in_period}
    if recurring.also_before:
        text += _(", and also in the 12 months before")
    return text


def town_report_pdf(report, title, scope_label):
    """The PDF bytes of a venues.analysis.TownReport."""
    pdf = _Builder(title, _("%(scope)s · %(period)s") % {"scope": scope_label, "period": report.period})
    pdf.heading(_("Summary"))
    pdf.para(report.summary)
    pdf.heading(_("Most common failed items by kind"))
    rows = [[kind, item, times] for kind, items in report.common_items for item, times in items]
    pdf.table([_("Kind"), _("Item"), _("Times")], rows, empty=_("No hazard found in this period."))
    for heading, groups in [(_("Villages with the most open hazards"), report.villages),
                            (_("Kinds with the most open hazards"), report.kinds)]:
        pdf.heading(heading)
        pdf.table([pgettext("report", "Name"), _("hazards not yet closed"), _("overdue hazards")],
                  [[row.label, row.counts["hazards_open"], row.counts["hazards_overdue"]] for row in groups],
                  empty=_("No hazard open at the end of the period."))
    pdf.heading(_("Trends"))
    pdf.table([_("Period"), _("hazards found"), _("hazards closed"), _("self-checks on time rate"),
               _("venues patrolled")],
              [[str(period), row.counts["hazards_found"], row.counts["hazards_closed"], _rate(rate),
                row.counts["patrolled"]] for period, row, rate in report.trend])
    pdf.heading(_("Integrity levels of approved venues"))
    header = [_("Village or community"), *[label for _level, label in report.level_choices], _("total")]
    rows = [[name, *counts, total] for name, counts, total in report.level_rows]
    pdf.table(header, rows, empty=_("No approved venue."))
    pdf.heading(_("Serious cases decided"))
    pdf.para(_("Upheld: %(upheld)s; dismissed: %(dismissed)s.") % {
        "upheld": report.cases_upheld, "dismissed": report.cases_dismissed})
    return pdf.render(title)


def _rate(value):
    return "—" if value is None else f"{value}%"
