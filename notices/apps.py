from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "notices"
    verbose_name = _("Notices and training")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from wagtail.signals import page_published

        page_published.connect(_on_published, dispatch_uid="notices.acknowledgements")


def _on_published(sender, instance, revision=None, alias=False, **kwargs):
    """A published notice that owners must acknowledge gets its version and its messages (an
    alias of a page is not a notice of its own)."""
    from venues import acknowledgements

    if not alias:
        acknowledgements.published(instance, revision)
