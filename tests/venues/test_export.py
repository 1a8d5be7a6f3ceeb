"""The venue list downloaded as .xlsx or .csv: the venues on screen (scope, filters, search),
Chinese headings, personal numbers masked, and a constant number of queries."""

import io

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import pytest
from openpyxl import load_workbook

from tests.factories import make_staff, make_venue
from venues.export import COLUMNS
from venues.masking import mask_id_number, mask_mobile
from venues.models import VenueKind, VenueStatus
from venues.validators import credit_code_check_char, id_number_check_char

pytestmark = pytest.mark.django_db

LIST = reverse("venues_venue_modeladmin_index")
ID_BODY = "50010119900101123"
ID_NUMBER = ID_BODY + id_number_check_char(ID_BODY)


def code(n):
    body = f"92500156MA6{n:06d}"
    return body + credit_code_check_char(body)


def exported(client, query="", fmt="xlsx"):
    response = client.get(f"{LIST}?export={fmt}{'&' + query if query else ''}")
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    if fmt == "csv":
        return content.decode("utf-8")
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def as_dicts(rows):
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


@pytest.fixture
def town(tree):
    return make_staff(tree["town"])


def test_masking():
    assert mask_mobile("13800000001") == "138****0001"
    assert mask_mobile("") == ""
    assert mask_mobile("1234") == "****"
    assert mask_id_number(ID_NUMBER) == "500101********123X"
    assert mask_id_number("") == ""
    assert mask_id_number("12345") == "*****"


def test_the_export_has_chinese_headings_and_masked_numbers(client, tree, town):
    venue = make_venue(tree["qinggang-1"], name="导出副食店", status=VenueStatus.APPROVED,
                       licence="unlicensed", credit_code="", no_code_reason="未办证",
                       operator_mobile="13800000001", operator_id_number=ID_NUMBER,
                       contact_name="李四", contact_mobile="13900000002")
    venue.other_kinds.add(VenueKind.objects.get(slug="catering"))
    client.force_login(town)
    rows = exported(client)
    assert rows[0] == [str(heading) for _key, heading in COLUMNS]
    assert rows[0][0] == "场所名称"  # translated, as people read it
    (row,) = as_dicts(rows)
    headings = dict(COLUMNS)
    assert row[str(headings["name"])] == "导出副食店"
    assert row[str(headings["kinds"])] == "购物场所、餐饮场所"
    assert row[str(headings["village"])] == "青杠村"
    assert row[str(headings["grid"])] == "青杠村第1网格"
    assert row[str(headings["operator_mobile"])] == "138****0001"
    assert row[str(headings["operator_id_number"])] == "500101********123X"
    assert row[str(headings["contact_mobile"])] == "139****0002"
    everything = str(rows)
    assert "13800000001" not in everything and ID_NUMBER not in everything
    assert "13900000002" not in everything

    csv = exported(client, fmt="csv")
    assert csv.startswith("\ufeff")
    assert "138****0001" in csv and "13800000001" not in csv and ID_NUMBER not in csv


def test_the_export_keeps_the_filters_and_the_search(client, tree, town):
    make_venue(tree["qinggang-1"], name="已批准的店", status=VenueStatus.APPROVED, credit_code=code(1))
    make_venue(tree["qinggang-1"], name="待审核的店", status=VenueStatus.SUBMITTED, credit_code=code(2))
    make_venue(tree["mugen-1"], name="木根已批准", status=VenueStatus.APPROVED, credit_code=code(3))
    client.force_login(town)
    names = lambda query: sorted(r[0] for r in exported(client, query)[1:])  # noqa: E731
    assert names("") == ["已批准的店", "待审核的店", "木根已批准"]
    assert names("status=approved") == ["已批准的店", "木根已批准"]
    assert names(f"status=approved&area={tree['mugen'].pk}") == ["木根已批准"]
    assert names("q=待审核") == ["待审核的店"]
    # Only the list's own filters count: a guessed lookup is dropped, not applied.
    assert names("operator_mobile__startswith=139") == names("")


def test_the_export_keeps_to_the_persons_scope(client, tree):
    make_venue(tree["qinggang-1"], name="青杠的店", credit_code=code(1))
    make_venue(tree["mugen-1"], name="木根的店", credit_code=code(2))
    client.force_login(make_staff(tree["qinggang"]))
    assert [r[0] for r in exported(client)[1:]] == ["青杠的店"]
    assert "木根的店" not in exported(client, fmt="csv")
    client.force_login(make_staff(tree["town"], kinds=["catering"]))
    assert exported(client)[1:] == []


def test_the_csv_never_holds_a_formula(client, tree, town):
    make_venue(tree["qinggang-1"], name="=HYPERLINK(\"http://example.com\")")
    client.force_login(town)
    csv = exported(client, fmt="csv")
    assert "'=HYPERLINK" in csv
    rows = exported(client)
    assert rows[1][0] == "=HYPERLINK(\"http://example.com\")"  # stored as text in the .xlsx


def test_the_list_offers_the_download(client, tree, town):
    client.force_login(town)
    page = client.get(f"{LIST}?status=approved").content.decode()
    assert "export=xlsx" in page and "status=approved" in page


def add_venues(tree, start, count):
    catering = VenueKind.objects.get(slug="catering")
    areas = [tree["qinggang"], tree["qinggang-1"], tree["mugen-2"]]
    for n in range(start, start + count):
        venue = make_venue(areas[n % 3], name=f"店{n}", credit_code=code(n),
                           operator_mobile=f"1380000{n:04d}", status=VenueStatus.APPROVED)
        venue.other_kinds.add(catering)


def count_export_queries(client, fmt):
    with CaptureQueriesContext(connection) as queries:
        rows = exported(client, "status=approved", fmt=fmt)
    return len(queries), rows


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_export_runs_a_constant_number_of_queries(client, tree, town, fmt):
    client.force_login(town)
    add_venues(tree, 1, 3)
    exported(client, fmt=fmt)  # warm per-process caches
    few, rows = count_export_queries(client, fmt)
    assert len(rows if fmt == "xlsx" else rows.splitlines()) == 4
    add_venues(tree, 4, 27)
    many, rows = count_export_queries(client, fmt)
    assert len(rows if fmt == "xlsx" else rows.splitlines()) == 31
    assert many == few
