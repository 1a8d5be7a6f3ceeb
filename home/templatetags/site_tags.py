from django import template

from wagtail.models import Page, Site

register = template.Library()


def _site_root(request):
    # Wagtail caches the site on the request, so this costs one query per request at most.
    site = Site.find_for_request(request)
    return site.root_page if site else None


@register.inclusion_tag("includes/main_menu.html", takes_context=True)
def main_menu(context):
    """The pages editors tick as "show in menus" under the home page, in tree order."""
    request = context["request"]
    root = _site_root(request)
    items = list(root.get_children().live().public().in_menu()) if root else []
    current = context.get("page")
    current_path = current.path if isinstance(current, Page) else ""
    return {
        "home_is_current": bool(root) and current_path == root.path,
        "items": [
            (item, item.path == current_path, current_path.startswith(item.path))
            for item in items
        ],
        "request": request,
    }


@register.inclusion_tag("includes/breadcrumbs.html", takes_context=True)
def breadcrumbs(context):
    page = context.get("page")
    if not isinstance(page, Page) or page.depth <= 2:
        return {"ancestors": [], "page": page}
    ancestors = page.get_ancestors().filter(depth__gte=2).live()
    return {"ancestors": list(ancestors), "page": page}
