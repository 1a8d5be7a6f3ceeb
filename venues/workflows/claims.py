"""One-time claim codes: staff record a venue for an owner who has no account yet and print a
code; the owner signs up and enters it to take the record over. A code works once, until it
expires, and issuing a new one revokes the old."""

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from venues import acknowledgements
from venues.access import can_see_venue
from venues.models import AuditEntry, Venue
from venues.models.claims import ClaimCode, hash_claim_code, new_claim_code

VALID_FOR = datetime.timedelta(days=90)


class ClaimRefused(Exception):
    """The code is unknown, used, revoked or expired, or the venue already has an owner."""


def may_issue(user, venue):
    return user.has_perm("venues.add_venue") and venue.owner_id is None and can_see_venue(user, venue)


def issue(venue, user):
    """Issue a new code for ``venue`` (revoking any earlier one); returns the code itself,
    which is shown once and never stored."""
    now = timezone.now()
    with transaction.atomic():
        locked = Venue.objects.select_for_update().get(pk=venue.pk)
        if not may_issue(user, locked):
            raise PermissionDenied
        locked.claim_codes.filter(used_at__isnull=True, revoked_at__isnull=True).update(revoked_at=now)
        code = new_claim_code()
        ClaimCode.objects.create(venue=locked, code_hash=hash_claim_code(code), created_by=user,
                                 expires_at=now + VALID_FOR)
        AuditEntry.objects.create(actor=user, action="venue.claim_code", object_type="venue",
                                  object_id=str(locked.pk))
    return code


def claim(code, user):
    """Make ``user`` the owner of the venue the code was issued for; returns the venue."""
    now = timezone.now()
    refused = ClaimRefused(_("This claim code is not valid. Check it, or ask the staff of your "
                             "village for a new one."))
    with transaction.atomic():
        found = ClaimCode.objects.select_for_update().filter(code_hash=hash_claim_code(code)).first()
        if found is None or found.used_at or found.revoked_at or found.expires_at <= now:
            raise refused
        venue = Venue.objects.select_for_update().get(pk=found.venue_id)
        if venue.owner_id is not None:
            raise refused
        venue.owner = user
        venue.save(update_fields=["owner", "updated_at"])
        found.used_at, found.used_by = now, user
        found.save(update_fields=["used_at", "used_by"])
        AuditEntry.objects.create(actor=user, action="venue.claim", object_type="venue",
                                  object_id=str(venue.pk))
        acknowledgements.ask_for_venue(venue)  # the new owner confirms the notices it must
    return venue
