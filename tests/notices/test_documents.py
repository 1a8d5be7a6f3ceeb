"""Documents are downloadable once a published page uses them; media play with byte ranges."""

import json

import pytest

from home.models import StandardPage
from tests.factories import UserFactory, add_page, attach, make_document, make_notice

pytestmark = pytest.mark.django_db


def download(client, document, **headers):
    return client.get(document.url, headers=headers)


def test_attachment_of_an_unpublished_notice_cannot_be_downloaded(client, notice_index):
    draft = make_notice(notice_index, 1, publish=False)
    document = make_document("草稿附件", "draft.txt", b"secret draft")
    attach(draft, document)

    assert download(client, document).status_code == 404


def test_attachment_becomes_public_when_the_notice_is_published(client, notice_index):
    draft = make_notice(notice_index, 1, publish=False)
    document = make_document("附件", "later.txt", b"published later")
    attach(draft, document)
    draft.refresh_from_db()
    draft.save_revision().publish()

    response = download(client, document)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"published later"


def test_attachment_is_withdrawn_when_the_notice_is_unpublished(client, notice_index):
    notice = make_notice(notice_index, 1)
    document = make_document()
    attach(notice, document)
    assert download(client, document).status_code == 200
    notice.unpublish()
    assert download(client, document).status_code == 404


def test_staff_in_the_admin_can_preview_draft_attachments(client, notice_index):
    draft = make_notice(notice_index, 1, publish=False)
    document = make_document()
    attach(draft, document)
    client.force_login(UserFactory(groups=["内容编辑"]))
    assert download(client, document).status_code == 200


def test_a_document_no_published_page_uses_is_not_public(client, home):
    assert download(client, make_document()).status_code == 404


def test_a_document_in_a_published_page_body_is_public(client, home):
    document = make_document("方案附件", "plan.txt", b"plan")
    body = json.dumps([{"type": "document", "value": {"document": document.pk, "title": ""}}])
    add_page(home, StandardPage(title="实施方案", slug="plan", body=body))
    html = client.get("/plan/").content.decode()
    assert document.url in html
    assert download(client, document).status_code == 200


@pytest.fixture
def video(training_index):
    from notices.models import TrainingPage, TrainingTopic
    from tests.factories import add_page

    clip = make_document("灭火器演示", "demo.mp4", bytes(range(256)) * 4)
    vtt = "WEBVTT\n\n00:00.000 --> 00:02.000\n提起灭火器\n"
    captions = make_document("字幕", "demo.vtt", vtt.encode())
    topic = TrainingTopic.objects.create(name="消防器材使用")
    add_page(training_index, TrainingPage(title="演示", slug="demo", topic=topic,
                                          video=clip, captions=captions))
    return clip, captions


def test_training_page_plays_the_video_with_captions(client, video):
    clip, captions = video
    html = client.get("/training/demo/").content.decode()
    assert f'<source src="{clip.url}" type="video/mp4">' in html
    assert '<track kind="captions" srclang="zh-Hans"' in html and captions.url in html


def test_video_answers_range_requests(client, video):
    clip, _captions = video
    whole = download(client, clip)
    assert whole.status_code == 200
    assert whole["Accept-Ranges"] == "bytes"
    assert whole["Content-Length"] == "1024"

    part = download(client, clip, Range="bytes=100-199")
    assert part.status_code == 206
    assert part["Content-Range"] == "bytes 100-199/1024"
    assert b"".join(part.streaming_content) == (bytes(range(256)) * 4)[100:200]

    tail = download(client, clip, Range="bytes=-24")
    assert tail["Content-Range"] == "bytes 1000-1023/1024"
    open_ended = download(client, clip, Range="bytes=1000-")
    assert len(b"".join(open_ended.streaming_content)) == 24

    unsatisfiable = download(client, clip, Range="bytes=5000-6000")
    assert unsatisfiable.status_code == 416
    assert unsatisfiable["Content-Range"] == "bytes */1024"


@pytest.mark.parametrize("header", ["bytes=5-3", "bytes=0-1,5-6", "items=0-1", "bytes=-", "nonsense"])
def test_a_range_header_we_do_not_understand_gets_the_whole_file(client, video, header):
    clip, _captions = video
    response = download(client, clip, Range=header)
    assert response.status_code == 200
    assert len(b"".join(response.streaming_content)) == 1024


def test_if_range_for_another_version_gets_the_whole_file(client, video):
    clip, _captions = video
    clip.get_file_hash()
    etag = download(client, clip)["ETag"]
    assert download(client, clip, Range="bytes=0-9", **{"If-Range": etag}).status_code == 206
    stale = download(client, clip, Range="bytes=0-9", **{"If-Range": '"old-version"'})
    assert stale.status_code == 200


def test_captions_are_served_as_webvtt_inline(client, video):
    _clip, captions = video
    response = download(client, captions)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/vtt"
    assert "inline" in response["Content-Disposition"]


def test_captions_must_be_vtt_and_need_a_video(training_index):
    from django.core.exceptions import ValidationError

    from notices.models import TrainingPage, TrainingTopic

    page = TrainingPage(title="演示", slug="x", topic=TrainingTopic.objects.create(name="主题"),
                        captions=make_document("字幕", "subs.srt", b"1"))
    with pytest.raises(ValidationError) as error:
        page.clean()
    assert "captions" in error.value.message_dict


def test_the_development_server_serves_images_but_never_documents(settings):
    from django.urls import Resolver404, URLResolver
    from django.urls.resolvers import RegexPattern

    from portal.urls import debug_media_urlpatterns

    settings.DEBUG = True
    resolver = URLResolver(RegexPattern(r"^/"), debug_media_urlpatterns())
    assert resolver.resolve("/media/images/gauge.max-800x600.png")
    assert resolver.resolve("/media/original_images/gauge.png")
    for path in ["/media/documents/draft.txt", "/media/other/file.txt"]:
        with pytest.raises(Resolver404):
            resolver.resolve(path)
