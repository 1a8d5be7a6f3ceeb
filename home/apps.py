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

        from .roles import ensure_content_roles

        # Permissions are created app by app after migrate; the roles are kept in step once
        # the last app's permissions exist.
        def after_migrate(sender, **kwargs):
            with_models = [app for app in sender.apps.get_app_configs() if app.models_module]
            if with_models and sender.label == with_models[-1].label:
                ensure_content_roles()

        post_migrate.connect(after_migrate, dispatch_uid="home.ensure_content_roles")
