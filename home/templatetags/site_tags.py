from django import template

from wagtail.models import Page

from home.chrome import chrome

register = template.Library()


@register.inclusion_tag("includes/main_menu.html", takes_context=True)
def main_menu(context):
    """The pages editors tick as "show in menus" under the home page, in tree order (read
    through home.chrome, which keeps them until content changes)."""
    request = context["request"]
    site_chrome = chrome(request)
    current = context.get("page")
    current_path = current.path if isinstance(current, Page) else ""
    return {
        "home_is_current": bool(site_chrome.root_path) and current_path == site_chrome.root_path,
        "items": [
            (item, item.path == current_path, current_path.startswith(item.path))
            for item in site_chrome.menu
        ],
        "request": request,
    }


@register.simple_tag(takes_context=True)
def site_footer(context):
    """The footer's contact and filing details (home.chrome)."""
    return chrome(context["request"]).footer


@register.inclusion_tag("includes/breadcrumbs.html", takes_context=True)
def breadcrumbs(context):
    page = context.get("page")
    if not isinstance(page, Page) or page.depth <= 2:
        return {"ancestors": [], "page": page}
    ancestors = page.get_ancestors().filter(depth__gte=2).live()
    return {"ancestors": list(ancestors), "page": page}
