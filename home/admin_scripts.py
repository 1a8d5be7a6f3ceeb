"""Wagtail 7.4 writes an inline <script> after every chooser widget (pages, images,
documents, snippets, workflow tasks) to start it. The admin's Content Security Policy allows
scripts from our origin only (portal/middleware.py), so those scripts would be blocked and
the choosers dead. This renders the same widget with a hidden marker instead, and
static/js/admin-init.js makes the same call from it. Patched once, from HomeConfig.ready();
Wagtail is pinned, and tests/browser/test_csp.py proves a chooser still opens."""

import json

from django.utils.html import format_html
from django.utils.safestring import mark_safe

from wagtail.admin.widgets import BaseChooser
from wagtail.admin.widgets.workflows import AdminTaskChooser


def marker(name, element_id=None, options=None, construct=False):
    """The hidden element admin-init.js reads: which Wagtail global to call, and with what."""
    return format_html(
        '<span hidden data-admin-init="{}"{}{}{}></span>',
        name,
        format_html(' data-admin-init-id="{}"', element_id) if element_id else "",
        format_html(' data-admin-init-options="{}"', json.dumps(options)) if options is not None else "",
        mark_safe(" data-admin-init-new") if construct else "",  # noqa: S308 - a constant
    )


def _render_chooser(self, name, value, attrs=None, renderer=None):
    # Wagtail's BaseChooser.render, with the marker in place of the inline script.
    try:
        id_ = attrs["id"]
    except (KeyError, TypeError) as e:
        raise TypeError("BaseChooser cannot be rendered without an 'id' attribute") from e
    value_data = self.get_value_data(value)
    widget_html = self.render_html(name, value_data, attrs)
    if isinstance(self, AdminTaskChooser):
        init = marker("createTaskChooser", id_)
    else:
        init = marker(self.js_constructor, id_, self.get_js_init_options(id_, name, value_data),
                      construct=True)
    return mark_safe(f"{widget_html}{init}")  # noqa: S308 - both parts are escaped HTML


def patch_chooser_widgets():
    BaseChooser.render = _render_chooser
