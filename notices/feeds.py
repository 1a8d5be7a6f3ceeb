import datetime

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from .models import NoticeIndexPage, NoticePage

FEED_LENGTH = 20


def public_url(path):
    """Links in feeds use the configured public address, never the request's Host."""
    return f"{settings.PUBLIC_BASE_URL}{path}"


class NoticesFeed(Feed):
    """The latest public notices as RSS 2.0."""

    title = _("Notices — Nine Small Places Safety")
    description = _("The latest notices on the safety of small venues.")

    def get_object(self, request, *args, **kwargs):
        self.request = request
        return None

    def link(self):
        index = NoticeIndexPage.objects.live().public().first()
        return public_url(index.get_url(self.request) if index else "/")

    def feed_url(self):
        return public_url(self.request.path)

    def items(self):
        return NoticePage.objects.latest_public().prefetch_related("kinds")[:FEED_LENGTH]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary or item.search_description

    def item_link(self, item):
        return public_url(item.get_url(self.request))

    def item_pubdate(self, item):
        # The date the notice was issued, as printed on it.
        return timezone.make_aware(datetime.datetime.combine(item.date, datetime.time()))

    def item_updateddate(self, item):
        return item.last_published_at

    def item_author_name(self, item):
        return item.issuing_office

    def item_categories(self, item):
        return [kind.name for kind in item.kinds.all()]


class AtomNoticesFeed(NoticesFeed):
    feed_type = Atom1Feed
    subtitle = NoticesFeed.description
