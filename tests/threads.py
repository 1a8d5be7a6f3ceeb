"""Running requests at the same moment, and the records the concurrency and atomicity tests
send: an owner's registration start form, a complete draft, a census entry, a census sheet.

``run_together`` starts one thread per callable and releases them all at once from a
barrier, so they really overlap; each thread opens its own database connection (Django's
connections are per thread) and closes it when done. A thread that hangs fails the test."""

import fcntl
import io
import os
import tempfile
import threading
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections
from django.test import Client

import pytest
from openpyxl import Workbook
from PIL import Image

from tests.factories import make_venue
from venues import census_import, photos
from venues.validators import credit_code_check_char

THREADS = 50
TIMEOUT = 120  # seconds for every thread of one run to finish


# Test workers (pytest-xdist) take turns: two runs of fifty threads at once would pass
# PostgreSQL's 100 connections. An exclusive lock on a file every worker of the machine sees.
RUN_LOCK = Path(tempfile.gettempdir()) / "jiuxiao-test-threads.lock"


@contextmanager
def one_run_at_a_time():
    with RUN_LOCK.open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed
        yield


def run_together(calls, timeout=TIMEOUT):
    """Call every callable in its own thread, all released together; returns their results
    in order. The first exception of any thread is raised again here."""
    with one_run_at_a_time():
        return _run_together(calls, timeout)


def _run_together(calls, timeout):
    barrier = threading.Barrier(len(calls))
    results, errors = [None] * len(calls), []

    def run(index, call):
        try:
            barrier.wait(timeout=timeout)
            results[index] = call()
        except BaseException as error:  # raised again in the test's own thread
            errors.append(error)
        finally:
            connections.close_all()  # this thread's own connection

    threads = [threading.Thread(target=run, args=(index, call), daemon=True)
               for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + timeout
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    hung = sum(thread.is_alive() for thread in threads)
    if hung:
        pytest.fail(f"{hung} of {len(threads)} threads still running after {timeout} s")
    if errors:
        raise errors[0]
    return results


def signed_in(user):
    """A test client of its own, signed in as ``user``."""
    client = Client()
    client.force_login(user)
    return client


def same_browser(client, count):
    """``count`` clients carrying ``client``'s session cookie: one browser sending the same
    form again and again (a double click, a resend, someone replaying it)."""
    copies = [client]
    for _n in range(count - 1):
        copy = Client()
        copy.cookies[settings.SESSION_COOKIE_NAME] = client.cookies[settings.SESSION_COOKIE_NAME].value
        copies.append(copy)
    return copies


def post(client, path, data):
    return lambda: client.post(path, data)


def stored_files():
    """Every file under the private media folder (owners' photos)."""
    root = settings.PRIVATE_MEDIA_ROOT
    return sorted(os.path.join(folder, name) for folder, _dirs, names in os.walk(root) for name in names)


# What the forms send ---------------------------------------------------------------------

REGISTER = "/services/register/"
CENSUS = "/admin/venues/census/"


def credit_code(n):
    body = f"92500156MA6{n:06d}"
    return body + credit_code_check_char(body)


def start_data(tree, n=1, submission_id=None):
    """The first step of the owner's registration: venue ``n`` of 青杠村第1网格."""
    return {
        "submission_id": str(submission_id or uuid.uuid4()), "name": f"并发副食店{n}",
        "kind": "shopping", "village": tree["qinggang"].pk, "grid": tree["qinggang-1"].pk,
        "address": f"青杠村并发路{n}号", "floors": "1", "floor_area": "85",
    }


def census_data(tree, n=1, submission_id=None):
    """A census entry (代为登记) by staff of 青杠村: restaurant ``n``, unlicensed, no owner."""
    from venues.models import VenueKind

    return {
        "submission_id": str(submission_id or uuid.uuid4()), "name": f"并发面馆{n}",
        "kind": VenueKind.objects.get(slug="catering").pk, "area": tree["qinggang-1"].pk,
        "address": f"青杠村老街{n}号", "seats": "40", "licence": "unlicensed", "credit_code": "",
        "no_code_reason": "正在办理营业执照", "operator_name": "李四",
        "operator_mobile": "13900002222", "operator_id_number": "11010519491231002X", "owner_mobile": "",
    }


def jpeg(colour="navy"):
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), colour).save(buffer, "JPEG")
    return SimpleUploadedFile("门头.jpg", buffer.getvalue(), content_type="image/jpeg")


def complete_draft(tree, owner, n=1):
    """A licensed shop's draft with every step done up to the declaration, photos included."""
    venue = make_venue(tree["qinggang-1"], owner=owner, name=f"待提交副食店{n}",
                       address=f"青杠村提交路{n}号", credit_code=credit_code(n), draft_step=4)
    for kind in ("storefront", "licence"):
        photos.add_photo(venue, jpeg(), kind, owner)
    return venue


CENSUS_HEADERS = ["场所名称", "主要类型", "村（社区）", "地址", "证照情况", "统一社会信用代码", "建筑面积",
                  "经营者", "经营者手机号码"]


def census_sheet(numbers):
    """A census .xlsx upload with one good licensed shop of 青杠村 per number."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(CENSUS_HEADERS)
    for n in numbers:
        sheet.append([f"导入副食店{n}", "购物场所", "青杠村", f"青杠村导入路{n}号", "有证", credit_code(n),
                      80, f"经营者{n}", f"1390000{n:04d}"])
    output = io.BytesIO()
    workbook.save(output)
    return SimpleUploadedFile("census.xlsx", output.getvalue(), content_type=census_import.XLSX_CONTENT_TYPE)
