"""Integrity levels as owners and staff see them: the owner's page for a venue's level, its
reasons, their replies and requests for a re-check; the staff panel on the venue page and the
re-check queue. (Issue 12, part A: to be built.)"""

from django.http import Http404
from django.urls import path


def staff_context(user, venue):
    """What the staff venue page shows of the venue's integrity (templates/venues/admin/_integrity.html)."""
    return {}


def owner_integrity(request, venue_id):
    raise Http404


# /owner/...
owner_urls = [path("venues/<int:venue_id>/integrity/", owner_integrity, name="integrity")]
# /admin/...
admin_urls = []
