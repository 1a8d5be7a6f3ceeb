"""The domain, one module per concept."""

from .areas import Area, AreaLevel
from .audit import AuditEntry
from .imports import ImportBatch, ImportStatus
from .kinds import KindRule, VenueKind
from .people import User
from .staff import Office, StaffProfile
from .venues import LicenceSituation, Venue, VenueStatus, VenueStatusChange

__all__ = [
    "Area", "AreaLevel", "AuditEntry", "ImportBatch", "ImportStatus", "KindRule", "LicenceSituation", "Office", "StaffProfile", "User",
    "Venue", "VenueKind", "VenueStatus", "VenueStatusChange",
]
