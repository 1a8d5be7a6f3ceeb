from django.http import Http404

from wagtail import hooks

from .documents import document_is_public, is_media, ranged_document_response, user_may_preview


# Documents are served only once a published page uses them, and media with byte ranges.
@hooks.register("before_serve_document", order=100)  # after collection privacy checks
def guard_and_serve_document(document, request):
    if not (user_may_preview(request.user) or document_is_public(document)):
        raise Http404
    if is_media(document) or "Range" in request.headers:
        return ranged_document_response(request, document)
    return None
