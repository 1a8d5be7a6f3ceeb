"""Who may download a document, and serving byte ranges so phones can play videos.

A document becomes public when a published page uses it (as a notice attachment, a training
video, a link or a block): Wagtail's reference index knows every use. Until then only people
who work in the admin can open it, so an attachment of a notice that is still a draft, or
waiting for approval, cannot be downloaded by guessing its address."""

import os
import re

from django.contrib.contenttypes.models import ContentType
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404

from wagtail import hooks
from wagtail.documents import get_document_model
from wagtail.documents.models import document_served
from wagtail.documents.views.serve import serve as wagtail_serve
from wagtail.models import Page, ReferenceIndex

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def document_is_public(document):
    page_type = ContentType.objects.get_for_model(Page)
    page_ids = [
        int(object_id)
        for object_id in ReferenceIndex.get_references_to(document)
        .filter(base_content_type=page_type)
        .values_list("object_id", flat=True)
    ]
    return Page.objects.live().public().filter(pk__in=page_ids).exists()


def user_may_preview(user):
    return user.is_authenticated and user.has_perm("wagtailadmin.access_admin")


# What a Range header asks for (RFC 9110 §14): the whole file, a part, or nothing we can give.
WHOLE, UNSATISFIABLE = "whole", "unsatisfiable"


def parse_range(header, size):
    """(start, end) inclusive for one satisfiable 'bytes=' range; WHOLE for a header to
    ignore (not bytes, malformed, or several ranges, which media players never ask for);
    UNSATISFIABLE for a valid range that lies outside the file."""
    match = _RANGE.match(header.strip())
    if not match or match.groups() == ("", ""):
        return WHOLE
    first, last = match.groups()
    if first == "":
        suffix = int(last)
        if suffix == 0 or size == 0:
            return UNSATISFIABLE
        return max(size - suffix, 0), size - 1
    start = int(first)
    if last and int(last) < start:
        return WHOLE
    if start >= size:
        return UNSATISFIABLE
    return start, min(int(last), size - 1) if last else size - 1


def ranged_document_response(request, document):
    """Serve a document with 'Accept-Ranges', answering a satisfiable Range with 206."""
    size = document.file.size
    etag = f'"{document.file_hash}"' if document.file_hash else None
    span = WHOLE
    header = request.headers.get("Range")
    if_range = request.headers.get("If-Range")
    # A range is only valid for the version the client already has.
    if header and (if_range is None or (etag and if_range == etag)):
        span = parse_range(header, size)
    if span == UNSATISFIABLE:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return response
    handle = document.file.open("rb")
    if span == WHOLE:
        response = FileResponse(handle, content_type=document.content_type)
        response["Content-Length"] = str(size)
    else:
        start, end = span
        handle.seek(start)
        response = FileResponse(_limited(handle, end - start + 1), status=206,
                                content_type=document.content_type)
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
        response["Content-Length"] = str(end - start + 1)
    if etag:
        response["ETag"] = etag
    response["Accept-Ranges"] = "bytes"
    response["Content-Disposition"] = document.content_disposition
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'"
    return response


def _limited(handle, length, chunk=64 * 1024):
    try:
        while length > 0:
            data = handle.read(min(chunk, length))
            if not data:
                break
            length -= len(data)
            yield data
    finally:
        handle.close()


MEDIA_EXTENSIONS = {".mp4", ".webm", ".mp3", ".vtt"}


def serve_document(request, document_id, document_filename):
    """Wagtail's document view, plus byte ranges for media and any Range request.

    Wagtail's own view cannot return a streamed partial response from a hook, so media go
    through the same hooks (collection privacy, publication) here and are then ranged."""
    if not (request.headers.get("Range") or _is_media_name(document_filename)):
        return wagtail_serve(request, document_id, document_filename)
    document = get_object_or_404(get_document_model(), id=document_id)
    if document.filename != document_filename:
        raise Http404
    for hook in hooks.get_hooks("before_serve_document"):
        result = hook(document, request)
        if isinstance(result, HttpResponse):
            return result
    document_served.send(sender=type(document), instance=document, request=request)
    return ranged_document_response(request, document)


def _is_media_name(filename):
    return os.path.splitext(filename)[1].lower() in MEDIA_EXTENSIONS
