from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    name = "home"
    verbose_name = _("Site")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        import mimetypes

        # Captions must reach the browser as text/vtt or <track> ignores them.
        mimetypes.add_type("text/vtt", ".vtt")

        # Wagtail's choosers start without inline script (the admin's CSP forbids it).
        from .admin_scripts import patch_chooser_widgets

        patch_chooser_widgets()

        # Stored public pages start a new generation when content changes (home.page_cache).
        from .page_cache import connect_signals

        connect_signals()

        from .roles import ensure_roles_after_migrate

        post_migrate.connect(ensure_roles_after_migrate, dispatch_uid="home.content_roles")
