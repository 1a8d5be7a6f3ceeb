from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VenuesConfig(AppConfig):
    name = "venues"
    verbose_name = _("Venues")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import checks, security  # noqa: F401 (importing checks registers the system checks)

        security.connect()  # sign-in, failure, lockout and sign-out: audit entries, session policy

        from .spreadsheets import protect_wagtail_exports

        protect_wagtail_exports()  # no text in a .csv export is a live formula

        from .todo import connect_signals

        connect_signals()  # the staff to-do counts start anew when what they count changes
