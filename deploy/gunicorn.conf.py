"""gunicorn for the production site: `gunicorn -c deploy/gunicorn.conf.py` from the project
folder, with the site's environment loaded (deploy/jiuxiao-web.service does both).
docs/deploy.md explains the numbers; the environment variables below override them."""

import multiprocessing
import os

wsgi_app = "portal.wsgi:application"  # portal.settings.production unless told otherwise
proc_name = "jiuxiao"

# The proxy (nginx on this machine, or the load balancer's) connects here. With several
# application servers bind a private address, e.g. GUNICORN_BIND=10.0.0.11:8000, and let the
# firewall admit only the proxy.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Sync workers, one request each: the pages are short database work, and uploads and slow
# phones are buffered by nginx before they reach a worker. WEB_CONCURRENCY is gunicorn's own
# variable; the default is the usual 2 per CPU plus one.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# Without Redis the cache lives in one process: more workers would each keep their own.
if os.environ.get("SINGLE_PROCESS_INSTALL", "").lower() in {"1", "true", "yes"} and workers != 1:
    raise SystemExit("SINGLE_PROCESS_INSTALL runs one worker: set WEB_CONCURRENCY=1 (threads may be more)")

# A request that takes longer than this is killed (the worker is replaced). Exports of a whole
# district's venues are the longest requests; nginx waits a little longer (proxy_read_timeout).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30  # a restart lets running requests finish
keepalive = 5
# Each worker is replaced after about a thousand requests (at different times, thanks to the
# jitter), so slow memory growth never builds up.
max_requests = 1000
max_requests_jitter = 100
# Workers' heartbeat files in memory, not on a disk that may stall.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108 - gunicorn's advice

# The proxies whose X-Forwarded-Proto gunicorn believes. gunicorn never takes the client's
# address from X-Forwarded-For: portal.proxy does that, trusting the same list.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Logs to standard output (journald, or the container's log). %(h)s is the client's address,
# set by portal.proxy; the time is in milliseconds.
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'

# gunicorn's runtime control socket is not used: systemd restarts and reloads (HUP) it.
control_socket_disable = True
