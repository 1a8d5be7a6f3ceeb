"""The domain, one module per concept."""

from .areas import Area, AreaLevel
from .kinds import VenueKind
from .people import User

__all__ = ["Area", "AreaLevel", "User", "VenueKind"]
