"""`manage.py check_production`: does this configuration work where it runs? `check --deploy`
reads the settings; this connects to what they name. It talks to the database and the cache,
writes and deletes a file in each storage, checks that migrations are applied and static
files collected, that venue photos have no public address, that the task worker keeps up and
that the proxy's address will not stand in for the client's. One line per check, `ok` or
`PROBLEM`, and a non-zero exit when anything is wrong. `make check-production` runs it with
the production settings after `check --deploy` (docs/deploy.md, "Checking a configuration")."""

import datetime
import secrets
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.core.cache import caches
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.http.request import validate_host
from django.utils import timezone
from django.utils.module_loading import import_string

# Caches that live inside one process: every worker and server would keep its own.
PROCESS_LOCAL_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}
PROXY_MIDDLEWARE = "portal.proxy.ClientAddressMiddleware"
# A task waiting longer than this means no worker is taking tasks.
TASK_DELAY = datetime.timedelta(minutes=10)


def single_process():
    return getattr(settings, "SINGLE_PROCESS_INSTALL", False)


def without_password(url):
    """A connection URL as it may be printed: scheme, host, port and path."""
    parts = urlsplit(str(url))
    host = parts.hostname or ""
    if parts.port:
        host += f":{parts.port}"
    return f"{parts.scheme}://{host}{parts.path}"


def check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    params = connection.settings_dict
    if connection.vendor == "postgresql":
        major, minor = divmod(connection.pg_version, 10000)
        yield True, f"PostgreSQL {major}.{minor}, {params['NAME']} on {params['HOST']}:{params['PORT']}"
    elif single_process():
        yield True, f"{connection.display_name} (SINGLE_PROCESS_INSTALL: one machine only)"
    else:
        yield False, (f"{connection.display_name} serves one machine only; production needs PostgreSQL "
                      "(DATABASE_URL=postgres://...)")


def check_migrations():
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        first = plan[0][0]
        yield False, (f"{len(plan)} not applied (the first: {first.app_label}.{first.name}); "
                      "run manage.py migrate")
    else:
        yield True, "all applied"


def check_caches():
    for alias, config in settings.CACHES.items():
        backend = config["BACKEND"]
        cache = caches[alias]
        key = f"check_production:{secrets.token_hex(8)}"
        value = secrets.token_hex(8)
        cache.set(key, value, 60)
        read = cache.get(key)
        cache.delete(key)
        if read != value or cache.get(key) is not None:
            yield False, f"{alias!r} ({backend}): a value written was not read back, or not deleted"
        elif backend in PROCESS_LOCAL_CACHES and not single_process():
            yield False, (f"{alias!r} is {backend.rsplit('.', 1)[-1]}, local to each process: workers and "
                          "servers would not share it. Set REDIS_URL")
        elif backend in PROCESS_LOCAL_CACHES:
            yield True, f"{alias!r} in this process only (SINGLE_PROCESS_INSTALL: run one gunicorn worker)"
        else:
            location = config.get("LOCATION") or []
            urls = location.split(",") if isinstance(location, str) else location
            where = ", ".join(without_password(url) for url in urls) or backend
            yield True, f"{alias!r} at {where}: write, read and delete work"


def check_sessions():
    store = import_string(f"{settings.SESSION_ENGINE}.SessionStore")
    session = store()
    session["check_production"] = secrets.token_hex(4)
    session.create()
    try:
        again = store(session_key=session.session_key)
        works = again.get("check_production") == session["check_production"]
    finally:
        session.delete()
    if not works:
        yield False, f"{settings.SESSION_ENGINE}: a session saved could not be read back"
    else:
        yield True, f"{settings.SESSION_ENGINE}: save, load and delete work"


def _inside(path, folder):
    return Path(path).resolve().is_relative_to(Path(folder).resolve())


def _round_trip(storage):
    name = storage.save(f"check_production-{secrets.token_hex(8)}.txt", ContentFile(b"ok"))
    try:
        with storage.open(name) as stored:
            return stored.read() == b"ok"
    finally:
        storage.delete(name)


def check_storage():
    for alias in ("default", "private"):
        storage = storages[alias]
        location = getattr(storage, "location", None)
        if location is not None and not Path(location).is_dir():
            yield False, f"{alias!r}: {location} does not exist (is the shared volume mounted?)"
        elif not _round_trip(storage):
            yield False, f"{alias!r}: a file written could not be read back"
        else:
            yield True, f"{alias!r}: {location or type(storage).__name__} is writable"
    try:
        url = storages["private"].url("check.jpg")
    except ValueError:
        url = None
    public = [(name, folder) for name, folder in (("MEDIA_ROOT", settings.MEDIA_ROOT),
                                                  ("STATIC_ROOT", settings.STATIC_ROOT))
              if folder and _inside(settings.PRIVATE_MEDIA_ROOT, folder)]
    if url is not None:
        yield False, f"'private' gives files a public address ({url}): venue photos must have none"
    for name, folder in public:
        yield False, f"PRIVATE_MEDIA_ROOT lies inside {name} ({folder}), where the web server publishes files"
    if url is None and not public:
        yield True, "'private' has no public address and lies outside MEDIA_ROOT and STATIC_ROOT"


def check_static():
    if not isinstance(staticfiles_storage, ManifestFilesMixin):
        yield False, (f"{staticfiles_storage.__class__.__name__} keeps no hashed names: browsers cannot "
                      "cache static files for good (use the manifest storage of base.py)")
    elif not staticfiles_storage.exists(staticfiles_storage.manifest_name):
        yield False, (f"no {staticfiles_storage.manifest_name} in {settings.STATIC_ROOT}: "
                      "run manage.py collectstatic")
    else:
        yield True, f"collected in {settings.STATIC_ROOT}, with the manifest of hashed names"


def check_tasks():
    backend = settings.TASKS.get("background", {}).get("BACKEND", "")
    if backend == "django_tasks_rq.RQBackend":
        yield from check_rq_tasks()
        return
    if backend != "django_tasks_db.DatabaseBackend":
        yield False, f"the 'background' backend is {backend or 'missing'}, not the database or RQ queue"
        return
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    limit = now - TASK_DELAY
    waiting = DBTaskResult.objects.ready().filter(backend_name="background")
    late = waiting.filter(enqueued_at__lt=limit).exclude(run_after__gt=limit, run_after__lte=now)
    oldest = late.order_by("enqueued_at").first()
    if oldest is not None:
        minutes = int((now - oldest.enqueued_at).total_seconds() // 60)
        yield False, (f"{late.count()} task(s) waiting, the oldest for {minutes} minutes: is "
                      "`manage.py db_worker --backend background` running?")
    else:
        yield True, f"{waiting.count()} task(s) waiting, none longer than {TASK_DELAY.seconds // 60} minutes"


RQ_WORKER = "manage.py rqworker default --job-class django_tasks_rq.Job"


def check_rq_tasks():
    """The RQ queue (TASK_QUEUE=rq): Redis answers, a worker listens, no task waits too long."""
    import django_rq
    from rq import Worker

    try:
        queue = django_rq.get_queue("default")
        # Worker.all drops workers whose keys expired (a worker killed without a goodbye).
        waiting, workers = queue.count, len(Worker.all(queue=queue))
        first = queue.get_jobs(0, 1)
    except Exception as error:
        yield False, f"the RQ queue's Redis does not answer ({error}): is RQ_REDIS_URL right?"
        return
    now = timezone.now()
    oldest = first[0].enqueued_at if first else None  # aware, in UTC
    if oldest is not None and now - oldest > TASK_DELAY:
        minutes = int((now - oldest).total_seconds() // 60)
        yield False, (f"{waiting} task(s) waiting in RQ, the oldest for {minutes} minutes: "
                      f"is `{RQ_WORKER}` running?")
    elif not workers:
        yield False, f"no RQ worker listens on the queue: start `{RQ_WORKER}`"
    else:
        yield True, (f"{waiting} task(s) waiting in RQ, none longer than {TASK_DELAY.seconds // 60} "
                     f"minutes; {workers} worker(s)")


def check_address():
    url = settings.PUBLIC_BASE_URL
    host = urlsplit(url).hostname or ""
    if not url.startswith("https://"):
        yield False, f"PUBLIC_BASE_URL ({url}) must be the site's https:// address"
    elif not validate_host(host, settings.ALLOWED_HOSTS):
        yield False, f"PUBLIC_BASE_URL's host {host} is not in DJANGO_ALLOWED_HOSTS"
    else:
        yield True, f"PUBLIC_BASE_URL {url}"
    if PROXY_MIDDLEWARE not in settings.MIDDLEWARE:
        yield False, (f"{PROXY_MIDDLEWARE} is not installed: behind the proxy every request would seem to "
                      "come from the proxy's address (lockout, code limits, audit)")
    else:
        from portal.proxy import trusted_networks

        networks = trusted_networks(getattr(settings, "FORWARDED_ALLOW_IPS", []))
        proxies = ", ".join(map(str, networks))
        yield True, f"the client's address is taken from X-Forwarded-For set by {proxies}"


CHECKS = [
    ("database", check_database),
    ("migrations", check_migrations),
    ("cache", check_caches),
    ("sessions", check_sessions),
    ("storage", check_storage),
    ("static files", check_static),
    ("task worker", check_tasks),
    ("address", check_address),
]


class Command(BaseCommand):
    help = ("Check that this configuration works: database, migrations, cache, sessions, storage, "
            "static files, the task worker and the proxy. Exits non-zero on any problem.")

    def handle(self, *args, **options):
        self.stdout.write(f"Checking {settings.SETTINGS_MODULE}")
        problems = 0
        for name, check in CHECKS:
            results = []
            try:
                results.extend(check())
            except Exception as error:  # noqa: BLE001 - a check that cannot run is the problem it reports
                results.append((False, f"{type(error).__name__}: {error}"))
            for ok, text in results:
                self.stdout.write(f"  {'ok     ' if ok else 'PROBLEM'}  {name}: {text}")
                problems += not ok
        if problems:
            raise CommandError(f"{problems} problem(s) found")
        self.stdout.write("No problems found.")
