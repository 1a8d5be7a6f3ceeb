"""The audit log's one entrance. Every entry says who (account, role, area), from where (the
address), what (action, object), when and with what outcome. Entries written without a
request in hand (workflow functions) take the request being served from the context the
AuditContextMiddleware sets, so they are complete too.

Entries are never changed or deleted by the application (venues.models.audit); only the
`purge_audit` command removes those older than the retention period."""

import contextvars

_current_request = contextvars.ContextVar("audit_request", default=None)


class AuditContextMiddleware:
    """Remembers the request being served, for entries written deeper down."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)


def current_request():
    return _current_request.get()


def client_address(request):
    """The address the request came from. Behind the reverse proxy, production's first
    middleware (portal.proxy) has put the client's address in REMOTE_ADDR."""
    return request.META.get("REMOTE_ADDR") or None if request is not None else None


def role_of(user):
    if user is None or not user.is_authenticated:
        return ""
    if user.is_superuser:
        return "superuser"
    names = sorted(user.groups.values_list("name", flat=True))
    if names:
        return "、".join(names)
    return "owner" if not hasattr(user, "staff_profile") else ""


def areas_of(user):
    profile = getattr(user, "staff_profile", None) if user is not None and user.is_authenticated else None
    return "、".join(area.name for area in profile.areas.all()) if profile is not None else ""


def record(request, action, obj=None, outcome="ok", actor=None, **detail):
    """Write one entry. ``obj`` is a model instance (or None for account events, which use
    ``actor``); ``detail`` holds anything else worth keeping — never a full personal number.
    An attempt on an account nobody is signed in to (a failed sign-in) names the account
    tried, masked, as its object."""
    from .models import AuditEntry

    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    target = obj if obj is not None else actor
    if target is not None:
        object_type, object_id = target._meta.model_name, str(target.pk)
    else:
        object_type, object_id = "user", str(detail.get("username", ""))[:50]
    return AuditEntry.objects.create(
        actor=actor, action=action, outcome=outcome, object_type=object_type, object_id=object_id,
        detail=detail, request=request,
    )
