from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from .models import NoticePage

FEED_LENGTH = 20


class NoticesFeed(Feed):
    """The latest public notices as RSS 2.0."""

    title = _("Notices — Nine Small Places Safety")
    description = _("The latest notices on the safety of small venues.")

    def link(self):
        return "/"

    def items(self):
        return NoticePage.objects.latest_public().prefetch_related("kinds")[:FEED_LENGTH]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary or item.search_description

    def item_link(self, item):
        return item.get_url(self.request)

    def item_pubdate(self, item):
        return item.first_published_at

    def item_updateddate(self, item):
        return item.last_published_at

    def item_author_name(self, item):
        return item.issuing_office

    def item_categories(self, item):
        return [kind.name for kind in item.kinds.all()]

    def get_object(self, request, *args, **kwargs):
        self.request = request
        return None


class AtomNoticesFeed(NoticesFeed):
    feed_type = Atom1Feed
    subtitle = NoticesFeed.description

