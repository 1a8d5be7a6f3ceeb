"""The cache and the sessions on Redis, as production has them (portal/settings/production.py).
They run when REDIS_URL is set, which makes the test settings use Redis for the whole suite:
CI's PostgreSQL run does (.ci/run). Without it they skip, saying so."""

import os
import secrets
import time

from django.conf import settings
from django.core.cache import cache, caches
from django.test import Client

import pytest

from tests.factories import UserFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not os.environ.get("REDIS_URL"),
                       reason="REDIS_URL is not set: the suite runs with the in-process cache"),
]

SESSION_PREFIX = "django.contrib.sessions.cached_db"
MOBILE = "13900002468"
PASSWORD = "Shuanghe-2026"


def another_worker_cache():
    """The same cache as another gunicorn worker or server sees it: its own connections."""
    return caches.create_connection("default")


def test_the_suite_runs_with_the_production_cache_and_sessions():
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db"


def test_what_one_worker_writes_another_reads_counts_and_deletes():
    key, value = f"shared-{secrets.token_hex(4)}", {"venues": [1, 2, 3], "name": "青杠农家饭庄"}
    counter = f"{key}-count"
    cache.set(key, value, 30)
    cache.set(counter, 0, 30)
    other = another_worker_cache()
    assert other.get(key) == value
    other.incr(counter)
    assert cache.incr(counter) == 2  # one counter for all workers, as a rate limit needs
    other.delete_many([key, counter])
    assert cache.get(key) is None and cache.get(counter) is None


def test_a_value_expires():
    key = f"expiring-{secrets.token_hex(4)}"
    cache.set(key, "soon gone", 1)
    assert another_worker_cache().get(key) == "soon gone"
    time.sleep(1.2)
    assert cache.get(key) is None


@pytest.fixture
def owner():
    user = UserFactory(mobile=MOBILE)
    user.set_password(PASSWORD)
    user.save()
    return user


def signed_in_owner(owner):
    client = Client()
    response = client.post("/owner/login/", {"mobile": MOBILE, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/owner/"
    return client


def test_a_sign_in_is_kept_in_redis_and_in_the_database(owner):
    from django.contrib.sessions.models import Session

    client = signed_in_owner(owner)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    # Another worker finds the session in Redis, without asking the database.
    cached = another_worker_cache().get(SESSION_PREFIX + key)
    assert cached is not None and str(cached["_auth_user_id"]) == str(owner.pk)
    assert Session.objects.filter(session_key=key).exists()
    assert client.get("/owner/").status_code == 200


def test_a_session_survives_the_loss_of_its_cached_copy(owner):
    client = signed_in_owner(owner)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    cache.delete(SESSION_PREFIX + key)  # Redis restarted or flushed
    assert client.get("/owner/").status_code == 200  # still signed in, from the database
    assert cache.get(SESSION_PREFIX + key) is not None  # and cached again


def test_signing_out_removes_the_session_from_redis(owner):
    client = signed_in_owner(owner)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.post("/owner/logout/")
    assert cache.get(SESSION_PREFIX + key) is None
    response = client.get("/owner/")
    assert response.status_code == 302 and response["Location"].startswith("/owner/login/")


# --- The task queue on Redis with RQ (TASK_QUEUE=rq) ------------------------------------------------

def test_a_text_message_goes_through_the_rq_queue_to_a_worker(settings, sms_outbox,
                                                              django_capture_on_commit_callbacks):
    import django_rq
    from django_tasks_rq import Job
    from rq import SimpleWorker

    from portal.settings.base import rq_tasks
    from venues import notify
    from venues.models import Message, SmsStatus

    background, settings.RQ_QUEUES = rq_tasks(os.environ["REDIS_URL"])
    settings.TASKS = {**settings.TASKS, "background": background}
    queue = django_rq.get_queue("default")
    queue.empty()
    owner = UserFactory(username=MOBILE, mobile=MOBILE)
    with django_capture_on_commit_callbacks(execute=True):
        message = notify.message_user(owner, "登记已通过", "您的登记已通过。", sms_template="venue_status",
                                      sms_params={"venue": "青杠农家饭庄", "status": "已通过"})
    # Queued in Redis on commit, not sent in the request.
    assert queue.count == 1 and sms_outbox == []
    assert Message.objects.get(pk=message.pk).sms_status == SmsStatus.QUEUED
    # A worker (`manage.py rqworker default --job-class django_tasks_rq.Job`; here in this
    # process, so that it sees the test's data).
    worker = SimpleWorker([queue], connection=queue.connection, job_class=Job)
    assert worker.work(burst=True)
    assert queue.count == 0
    assert [sent["mobile"] for sent in sms_outbox] == [MOBILE]
    assert Message.objects.get(pk=message.pk).sms_status == SmsStatus.SENT
