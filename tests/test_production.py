"""The production deployment (docs/deploy.md): the settings refuse a cache that workers would not
share, `manage.py check_production` finds what is wrong with a configuration, the client's
address survives the reverse proxy (portal.proxy), and the examples under deploy/ work:
gunicorn serves the site with its config file, nginx takes a photo upload but nothing larger."""

import datetime
import io
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.test import Client
from django.utils import timezone

import pytest
from axes.models import AccessAttempt

from portal.proxy import client_address, trusted_networks
from portal.settings.base import redis_caches
from tests.factories import UserFactory
from tests.test_headers import manage, production_env
from venues import photos

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parent.parent
DEPLOY = BASE_DIR / "deploy"


# --- manage.py check_production -------------------------------------------------------------------

@pytest.fixture
def production_like(settings, tmp_path):
    """The test settings made production-like: hashed static files collected, the database
    queue for tasks, the proxy middleware, an https address. PostgreSQL and Redis when the
    suite runs on them (CI); otherwise the install says it is a single process."""
    static_root = tmp_path / "static"
    static_root.mkdir()
    (static_root / "staticfiles.json").write_text(json.dumps({"version": "1.1", "paths": {}, "hash": "0"}))
    settings.STATIC_ROOT = static_root
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    settings.TASKS = {**settings.TASKS, "background": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.MIDDLEWARE = ["portal.proxy.ClientAddressMiddleware", *settings.MIDDLEWARE]
    settings.FORWARDED_ALLOW_IPS = ["127.0.0.1", "::1"]
    settings.PUBLIC_BASE_URL = "https://testserver"
    Path(settings.PRIVATE_MEDIA_ROOT).mkdir(parents=True, exist_ok=True)
    redis = settings.CACHES["default"]["BACKEND"].endswith("RedisCache")
    settings.SINGLE_PROCESS_INSTALL = not (redis and connection.vendor == "postgresql")
    return settings


def check_production():
    """The command's output and whether it passed."""
    out = io.StringIO()
    try:
        call_command("check_production", stdout=out)
    except CommandError as error:
        return False, out.getvalue() + str(error)
    return True, out.getvalue()


def problems(output):
    return [line.strip() for line in output.splitlines() if line.strip().startswith("PROBLEM")]


def test_a_production_like_configuration_passes(production_like):
    passed, output = check_production()
    assert passed, output
    assert problems(output) == []
    for name in ("database", "migrations", "cache", "sessions", "storage", "static files", "task worker",
                 "address"):
        assert f"ok       {name}:" in output
    assert output.rstrip().endswith("No problems found.")


def test_a_cache_that_does_not_answer_is_a_problem(production_like):
    production_like.CACHES = redis_caches("redis://:s3cret@127.0.0.1:1/0", key_prefix="nowhere")
    passed, output = check_production()
    assert not passed
    assert any(line.startswith("PROBLEM  cache:") and "Connection" in line for line in problems(output))
    assert "s3cret" not in output


def test_a_cache_each_process_keeps_for_itself_needs_a_single_process_install(production_like):
    production_like.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    production_like.SINGLE_PROCESS_INSTALL = False
    passed, output = check_production()
    assert not passed
    assert "PROBLEM  cache: 'default' is LocMemCache, local to each process" in output
    assert "Set REDIS_URL" in output
    production_like.SINGLE_PROCESS_INSTALL = True
    passed, output = check_production()
    assert passed, output
    assert "ok       cache: 'default' in this process only" in output


def test_migrations_not_applied_are_a_problem(production_like):
    latest = MigrationRecorder.Migration.objects.filter(app="venues").order_by("-applied", "-id").first()
    latest.delete()
    passed, output = check_production()
    assert not passed
    assert (f"PROBLEM  migrations: 1 not applied (the first: venues.{latest.name}); "
            "run manage.py migrate") in output


def test_a_storage_folder_that_is_not_there_is_a_problem(production_like, tmp_path):
    production_like.MEDIA_ROOT = tmp_path / "not-mounted"
    passed, output = check_production()
    assert not passed
    assert f"'default': {tmp_path / 'not-mounted'} does not exist (is the shared volume mounted?)" in output
    assert not (tmp_path / "not-mounted").exists()


def test_venue_photos_where_the_web_server_publishes_files_are_a_problem(production_like):
    private = Path(production_like.MEDIA_ROOT) / "photos"
    private.mkdir()
    production_like.PRIVATE_MEDIA_ROOT = private
    passed, output = check_production()
    assert not passed
    assert "PROBLEM  storage: PRIVATE_MEDIA_ROOT lies inside MEDIA_ROOT" in output


def test_private_files_with_a_public_address_are_a_problem(production_like):
    production_like.STORAGES = {
        **production_like.STORAGES,
        "private": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                    "OPTIONS": {"location": str(production_like.PRIVATE_MEDIA_ROOT)}},
    }
    passed, output = check_production()
    assert not passed
    assert "PROBLEM  storage: 'private' gives files a public address (/media/check.jpg)" in output


def test_static_files_not_collected_are_a_problem(production_like):
    (Path(production_like.STATIC_ROOT) / "staticfiles.json").unlink()
    passed, output = check_production()
    assert not passed
    assert "PROBLEM  static files: no staticfiles.json in" in output
    assert "run manage.py collectstatic" in output


def test_tasks_nobody_takes_are_a_problem(production_like):
    from django_tasks_db.models import DBTaskResult, get_date_max

    task = DBTaskResult.objects.create(task_path="venues.tasks.send_text", backend_name="background",
                                       args_kwargs={"args": [], "kwargs": {}}, run_after=get_date_max())
    passed, output = check_production()
    assert passed, output  # just queued: a worker has ten minutes to take it
    long_ago = timezone.now() - datetime.timedelta(minutes=25)
    DBTaskResult.objects.filter(pk=task.pk).update(enqueued_at=long_ago)
    passed, output = check_production()
    assert not passed
    assert ("PROBLEM  task worker: 1 task(s) waiting, the oldest for 25 minutes: "
            "is `manage.py db_worker --backend background` running?") in output


def rq_queue(production_like, url):
    from portal.settings.base import rq_tasks

    background, production_like.RQ_QUEUES = rq_tasks(url)
    production_like.TASKS = {**production_like.TASKS, "background": background}


def test_an_rq_queue_whose_redis_does_not_answer_is_a_problem(production_like):
    rq_queue(production_like, "redis://127.0.0.1:1/0")
    passed, output = check_production()
    assert not passed
    assert "PROBLEM  task worker: the RQ queue's Redis does not answer" in output


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set: no Redis for RQ")
def test_an_rq_queue_needs_a_worker_that_keeps_up(production_like):
    import django_rq
    from django_tasks_rq import Job
    from rq import Queue, SimpleWorker

    rq_queue(production_like, os.environ["REDIS_URL"])
    queue = django_rq.get_queue("default")
    queue.empty()
    passed, output = check_production()
    assert not passed
    assert "PROBLEM  task worker: no RQ worker listens on the queue" in output
    worker = SimpleWorker([queue], connection=queue.connection, job_class=Job)
    worker.register_birth()
    try:
        passed, output = check_production()
        assert passed, output
        assert "ok       task worker: 0 task(s) waiting in RQ" in output
        job = Queue("default", connection=queue.connection).enqueue("builtins.print", "nobody takes this")
        job.enqueued_at = timezone.now() - datetime.timedelta(minutes=25)
        job.save()
        passed, output = check_production()
        assert not passed
        assert "PROBLEM  task worker: 1 task(s) waiting in RQ, the oldest for 25 minutes" in output
    finally:
        worker.register_death()
        queue.empty()


@pytest.mark.parametrize(("change", "message"), [
    ({"PUBLIC_BASE_URL": "http://testserver"},
     "PUBLIC_BASE_URL (http://testserver) must be the site's https://"),
    ({"PUBLIC_BASE_URL": "https://elsewhere.example"},
     "host elsewhere.example is not in DJANGO_ALLOWED_HOSTS"),
    ({"MIDDLEWARE": list(django_settings.MIDDLEWARE)},
     "portal.proxy.ClientAddressMiddleware is not installed"),
])
def test_the_address_and_the_proxy(production_like, change, message):
    for name, value in change.items():
        setattr(production_like, name, value)
    passed, output = check_production()
    assert not passed
    assert message in output


# --- The client's address behind the proxy (portal.proxy) ----------------------------------------

PROXIES = trusted_networks(["127.0.0.1", "::1", "10.0.0.0/8"])


@pytest.mark.parametrize(("remote_addr", "forwarded_for", "client"), [
    # Straight from the internet: headers prove nothing.
    ("198.51.100.7", "203.0.113.9", "198.51.100.7"),
    # Through nginx: the address nginx appended.
    ("127.0.0.1", "198.51.100.7", "198.51.100.7"),
    # A client that writes its own X-Forwarded-For gains nothing: read from the right.
    ("127.0.0.1", "6.6.6.6, 198.51.100.7", "198.51.100.7"),
    # Load balancer (10.0.0.5) -> nginx -> gunicorn: past both proxies.
    ("127.0.0.1", "6.6.6.6, 198.51.100.7, 10.0.0.5", "198.51.100.7"),
    ("::1", "2001:db8::7", "2001:db8::7"),
    # Not an address: nothing further left can be believed.
    ("127.0.0.1", "198.51.100.7, unknown", "127.0.0.1"),
    ("127.0.0.1", "garbage, 198.51.100.7", "198.51.100.7"),
    # A Unix socket has no address: only the proxy can connect there.
    ("", "198.51.100.7", "198.51.100.7"),
])
def test_the_clients_address_is_read_from_the_right(remote_addr, forwarded_for, client):
    assert client_address(remote_addr, forwarded_for, PROXIES) == client


@pytest.mark.parametrize("value", ["*", "nginx.local", "10.0.0.0/33"])
def test_proxies_must_be_addresses_or_networks(value):
    with pytest.raises(ImproperlyConfigured):
        trusted_networks([value])


MOBILE = "13900003579"
OWNER_PASSWORD = "Shuanghe-2026"


def owner_login(client, password, address):
    return client.post("/owner/login/", {"mobile": MOBILE, "password": password},
                       REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=address)


def test_behind_the_proxy_the_lockout_counts_each_client_by_its_own_address(settings):
    settings.MIDDLEWARE = ["portal.proxy.ClientAddressMiddleware", *settings.MIDDLEWARE]
    settings.FORWARDED_ALLOW_IPS = ["127.0.0.1"]
    owner = UserFactory(mobile=MOBILE)
    owner.set_password(OWNER_PASSWORD)
    owner.save()
    attacker, owner_at_home = Client(), Client()
    for _ in range(5):
        owner_login(attacker, "wrong-password", "198.51.100.66")
    assert owner_login(attacker, OWNER_PASSWORD, "198.51.100.66").status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.66"}
    # The same proxy, another address: the owner still signs in.
    assert owner_login(owner_at_home, OWNER_PASSWORD, "203.0.113.20")["Location"] == "/owner/"


# --- The production settings ---------------------------------------------------------------------

def production_settings(*names, **env):
    """The named settings, as production computes them from ``env``."""
    code = ("import json; from django.conf import settings as s; "
            f"print(json.dumps({{n: getattr(s, n) for n in {list(names)!r}}}, default=str))")
    result = manage("shell", "-c", code, env=production_env(**env))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_keeps_the_cache_and_the_sessions_in_redis():
    values = production_settings("CACHES", "SESSION_ENGINE", "DATABASES", "MIDDLEWARE", "LOGGING",
                                 REDIS_URL="redis://:secret@10.0.0.3:6379/2", DB_CONN_MAX_AGE="30")
    cache = values["CACHES"]["default"]
    assert cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert cache["LOCATION"] == "redis://:secret@10.0.0.3:6379/2" and cache["KEY_PREFIX"] == "jiuxiao"
    assert values["SESSION_ENGINE"] == "django.contrib.sessions.backends.cached_db"
    database = values["DATABASES"]["default"]
    assert database["CONN_MAX_AGE"] == 30 and database["CONN_HEALTH_CHECKS"] is True
    assert values["MIDDLEWARE"][0] == "portal.proxy.ClientAddressMiddleware"
    assert values["LOGGING"]["handlers"]["console"]["stream"] == "ext://sys.stdout"


def test_production_refuses_to_start_without_redis():
    result = manage("check", env=production_env(REDIS_URL=""))
    assert result.returncode != 0
    assert "REDIS_URL must be set in production" in result.stderr


def test_a_single_process_install_may_do_without_redis():
    values = production_settings("CACHES", "SESSION_ENGINE", REDIS_URL="", SINGLE_PROCESS_INSTALL="1")
    assert values["CACHES"]["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    assert values["SESSION_ENGINE"] == "django.contrib.sessions.backends.db"


def test_production_can_queue_tasks_in_redis_with_rq():
    values = production_settings("TASKS", "RQ_QUEUES", "INSTALLED_APPS",
                                 TASK_QUEUE="rq", RQ_REDIS_URL="redis://10.0.0.4:6380/0")
    assert values["TASKS"]["background"]["BACKEND"] == "django_tasks_rq.RQBackend"
    assert values["RQ_QUEUES"]["default"]["URL"] == "redis://10.0.0.4:6380/0"
    assert "django_rq" in values["INSTALLED_APPS"]
    # The database queue otherwise.
    values = production_settings("TASKS", "INSTALLED_APPS")
    assert values["TASKS"]["background"]["BACKEND"] == "django_tasks_db.DatabaseBackend"
    assert "django_rq" not in values["INSTALLED_APPS"]


def test_the_rq_worker_unit_runs_a_command_production_has():
    unit = (DEPLOY / "systemd" / "jiuxiao-rq-worker@.service").read_text()
    command = re.search(r"^ExecStart=\S+ manage\.py (\S+) (\S+) --job-class (\S+)", unit, re.MULTILINE)
    assert command.groups() == ("rqworker", "default", "django_tasks_rq.Job")
    env = production_env(TASK_QUEUE="rq", RQ_REDIS_URL="redis://127.0.0.1:6380/0")
    result = manage("rqworker", "--help", env=env)
    assert result.returncode == 0, result.stderr
    assert "--job-class" in result.stdout


@pytest.mark.parametrize(("env", "message"), [
    ({"TASK_QUEUE": "rq"}, "TASK_QUEUE=rq needs RQ_REDIS_URL"),
    ({"TASK_QUEUE": "rq", "REDIS_URL": "redis://10.0.0.3:6379/0", "RQ_REDIS_URL": "redis://10.0.0.3/1"},
     "not the cache's Redis server"),
    ({"TASK_QUEUE": "rq", "REDIS_URL": "redis://localhost:6379/0", "RQ_REDIS_URL": "redis://127.0.0.1:6379/2"},
     "not the cache's Redis server"),
    ({"TASK_QUEUE": "celery"}, "TASK_QUEUE must be 'database' or 'rq'"),
])
def test_production_refuses_a_task_queue_it_cannot_use(env, message):
    result = manage("check", env=production_env(**env))
    assert result.returncode != 0
    assert message in result.stderr


@pytest.mark.parametrize(("env", "message"), [
    ({"FORWARDED_ALLOW_IPS": "*"}, "FORWARDED_ALLOW_IPS must name the proxies"),
    ({"MEDIA_ROOT": "/srv/data/media", "PRIVATE_MEDIA_ROOT": "/srv/data/media/photos"},
     "PRIVATE_MEDIA_ROOT must not lie inside /srv/data/media"),
])
def test_production_refuses_a_configuration_that_exposes_people(env, message):
    result = manage("check", env=production_env(**env))
    assert result.returncode != 0
    assert message in result.stderr


# --- gunicorn with deploy/gunicorn.conf.py -----------------------------------------------------------

GUNICORN = str(Path(sys.executable).with_name("gunicorn"))


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_gunicorn_serves_the_production_site_and_logs_the_clients_address(tmp_path):
    port = free_port()
    env = production_env(REDIS_URL="", SINGLE_PROCESS_INSTALL="1", WEB_CONCURRENCY="1",
                         GUNICORN_BIND=f"127.0.0.1:{port}",
                         DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    server = subprocess.Popen(  # noqa: S603 - gunicorn from our virtualenv, fixed arguments
        [GUNICORN, "-c", "deploy/gunicorn.conf.py"], cwd=BASE_DIR, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        request = urllib.request.Request(f"http://127.0.0.1:{port}/healthz",
                                         headers={"X-Forwarded-For": "6.6.6.6, 203.0.113.7"})
        for _ in range(100):
            try:
                with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - loopback
                    assert (response.status, response.read()) == (200, b"ok")
                    break
            except OSError:
                assert server.poll() is None, server.stdout.read()
                time.sleep(0.2)
        else:
            pytest.fail("gunicorn did not answer")
    finally:
        server.terminate()
        log = server.communicate(timeout=30)[0]
    assert re.search(r'^203\.0\.113\.7 "GET /healthz HTTP/1\.1" 200 ', log, re.MULTILINE), log


def test_gunicorn_runs_one_worker_for_a_single_process_install():
    env = production_env(REDIS_URL="", SINGLE_PROCESS_INSTALL="1", WEB_CONCURRENCY="3")
    result = subprocess.run(  # noqa: S603 - gunicorn from our virtualenv, fixed arguments
        [GUNICORN, "-c", "deploy/gunicorn.conf.py", "--check-config"], cwd=BASE_DIR, env=env,
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode != 0
    assert "SINGLE_PROCESS_INSTALL runs one worker" in result.stdout + result.stderr


# --- nginx: deploy/nginx.conf ---------------------------------------------------------------------------

NGINX = DEPLOY / "nginx.conf"


def test_nginx_takes_a_whole_photo_upload_and_serves_no_private_folder():
    sizes = re.findall(r"^    client_max_body_size (\d+)m;", NGINX.read_text(), re.MULTILINE)
    assert sizes, "the server's own upload limit"
    # The photo itself, plus room for the rest of the form (fields and multipart boundaries).
    assert int(sizes[0]) * 1024 * 1024 >= photos.MAX_UPLOAD_BYTES + 1024 * 1024
    aliases = re.findall(r"^\s*alias (\S+);", NGINX.read_text(), re.MULTILINE)
    assert aliases and all("/media/images/" in a or "/media/original_images/" in a for a in aliases), aliases


@pytest.mark.skipif(not shutil.which("nginx") or not shutil.which("openssl"),
                    reason="nginx or openssl is not installed: the example's syntax is not checked")
def test_the_nginx_example_is_valid(tmp_path):
    subprocess.run(  # noqa: S603 - a throwaway self-signed certificate
        [shutil.which("openssl"), "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=example.gov.cn", "-keyout", tmp_path / "key.pem", "-out", tmp_path / "cert.pem"],
        check=True, capture_output=True,
    )
    site = (NGINX.read_text().replace("/etc/ssl/jiuxiao/fullchain.pem", str(tmp_path / "cert.pem"))
            .replace("/etc/ssl/jiuxiao/privkey.pem", str(tmp_path / "key.pem")))
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid; error_log {tmp_path}/error.log; events {{}}\n"
        f"http {{ access_log off; include {tmp_path}/site.conf; }}\n"
    )
    result = subprocess.run(  # noqa: S603 - nginx -t on our example, fixed arguments
        [shutil.which("nginx"), "-t", "-p", tmp_path, "-c", tmp_path / "nginx.conf"],
        capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr
