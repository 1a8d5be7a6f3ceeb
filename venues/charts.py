"""The dashboards' charts: SVG drawn on the server by pygal and put inline in the page, so no
chart needs a script, a font or a stylesheet from anywhere (PIPL art. 36: no page contacts
another origin). Every chart is paired in its template with a table of the same figures.

pygal's own output is trimmed before it is written out:

- ``js=[]`` drops its tooltip script from another origin, but pygal still inlines a script
  with the chart's configuration; the admin's Content Security Policy refuses inline scripts,
  and the chart has no use for it, so every <script> is removed;
- its comments (pygal's name and web addresses) are removed;
- the <svg> gets ``role="img"``, an accessible name and its <title>, and scales with the page
  (a viewBox and no fixed size; static/css/dashboard.css caps its width so its text reads
  13–16 px on a phone and on a desktop alike).

Groups are drawn as horizontal bars: long Chinese names sit one per line on the left, never
overlapping, and the caller shortens them (keeping the end, which tells grids apart).

Labels (area and kind names, typed by people) are written by the XML serialiser, which escapes
them; the result is marked safe only because of that."""

from django.utils.safestring import mark_safe

import pygal
from pygal.style import Style

# Dark enough on white for text (WCAG AA); the previous period a lighter grey beside it.
THIS_PERIOD, PREVIOUS_PERIOD = "#1d5c96", "#8a8a8a"
TREND_COLOURS = ("#1d5c96", "#b3261e", "#2e7d32", "#6a3d9a", "#a05a00", "#00695c")

STYLE = Style(
    font_family="sans-serif", background="#ffffff", plot_background="#ffffff",
    foreground="#1a1a1a", foreground_strong="#000000", foreground_subtle="#595959",
    colors=(THIS_PERIOD, PREVIOUS_PERIOD, *TREND_COLOURS[2:]),
    # Drawn 480 wide, shown about 320 wide on a phone and at most 384 on a desktop: these read
    # as 13–16 px.
    label_font_size=20, major_label_font_size=20, legend_font_size=20, value_font_size=20,
    title_font_size=20, tooltip_font_size=20,
)

COMMON = {
    "js": [], "disable_xml_declaration": True, "explicit_size": False, "width": 480, "height": 400,
    "range": (0, 100), "style": STYLE, "legend_at_bottom": True, "legend_at_bottom_columns": 1,
    "truncate_label": -1, "truncate_legend": -1, "print_values": False, "show_y_guides": True,
    # Room on the right for the last month's label, which is drawn centred on its point.
    "no_data_text": "", "margin": 12, "margin_right": 40, "y_labels": [0, 20, 40, 60, 80, 100],
}


def _trimmed(title):
    """An xml filter (pygal calls it with the <svg> element before writing it out)."""

    def trim(svg):
        for parent in list(svg.iter()):
            for child in list(parent):
                # Comments and processing instructions have a function as their tag.
                if callable(child.tag) or child.tag == "script":
                    parent.remove(child)
        svg.set("role", "img")
        svg.set("aria-label", str(title))
        for element in svg.iter("title"):
            element.text = str(title)
            break
        return svg

    return trim


def _render(chart, title):
    chart.add_xml_filter(_trimmed(title))
    # The serialiser escapes every label and value: nothing typed by a person stays markup.
    return mark_safe(chart.render(is_unicode=True))  # noqa: S308


def bar_chart(title, labels, series):
    """Horizontal bars per group: ``labels`` the groups' names (short: ``charts`` does not cut
    them), ``series`` [(name, [percent or None])] (this period, then the previous one)."""
    height = max(COMMON["height"], 160 + 56 * len(labels))
    # pygal sizes the labels' room for Latin letters (about 0.6 em); a Chinese character is 1 em.
    longest = max((len(str(label)) for label in labels), default=0)
    margin_left = 12 + int(0.45 * STYLE.label_font_size * longest)
    chart = pygal.HorizontalBar(title=None, **{**COMMON, "height": height, "margin_left": margin_left})
    chart.x_labels = [str(label) for label in labels]
    for name, values in series:
        chart.add(str(name), list(values))
    return _render(chart, title)


def line_chart(title, labels, series):
    """Trend lines: ``labels`` the months, ``series`` [(name, [percent or None])]."""
    style = Style(**{**STYLE.to_dict(), "colors": TREND_COLOURS})
    # Every third month labelled, counting back from the last: twelve rotated labels overlap at 360 px.
    chart = pygal.Line(title=None, x_label_rotation=45, allow_interruptions=True, show_minor_x_labels=False,
                       **{**COMMON, "style": style, "height": 480, "margin_right": 60})
    chart.x_labels = [str(label) for label in labels]
    chart.x_labels_major = chart.x_labels[::-3]
    for name, values in series:
        chart.add(str(name), list(values))
    return _render(chart, title)
