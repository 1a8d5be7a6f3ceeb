"""The domain, one module per concept."""

from .areas import Area, AreaLevel
from .kinds import KindRule, VenueKind
from .people import User

__all__ = ["Area", "AreaLevel", "KindRule", "User", "VenueKind"]
