import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateStorage(FileSystemStorage):
    """Files kept outside MEDIA_ROOT (settings.PRIVATE_MEDIA_ROOT), with no public URL: they
    are served only by views that check access."""

    def __init__(self, **kwargs):
        super().__init__(base_url=None, **kwargs)

    @property
    def base_location(self):
        return settings.PRIVATE_MEDIA_ROOT

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        # FileSystemStorage would fall back to MEDIA_URL, an address where these files are not.
        raise ValueError("Private files have no public URL; they are served by views that check access.")
