"""The census import is a form too: a file, then a row parser. Whatever file is uploaded the
answer is a sheet or a message; whatever the cells hold, every row is exactly one of good,
rejected or duplicate, only the good rows are imported, and each of them is a venue that
passes the same checks as one recorded by hand. The rows to fix can always be downloaded."""

import datetime
import io
import zipfile

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

import pytest
from hypothesis import event, given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from venues import census_import
from venues.census_import import FIELDS, MAX_CELL_LENGTH
from venues.models import Venue

from .strategies import credit_codes, full_width, id_numbers, mobiles, one_changed, text

pytestmark = pytest.mark.django_db

HEADINGS = [f.heading for f in FIELDS]


def upload(content, name="census.xlsx"):
    return SimpleUploadedFile(name, content, content_type=census_import.XLSX_CONTENT_TYPE)


def zipped(members):
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return output.getvalue()


# Files that look more and more like a workbook: any bytes, a zip of anything, a zip with a
# workbook's part names holding anything.
files = st.one_of(
    st.binary(max_size=2000),
    st.dictionaries(st.text(min_size=1, max_size=20), st.binary(max_size=200), max_size=3).map(zipped),
    st.dictionaries(st.sampled_from(["xl/workbook.xml", "[Content_Types].xml", "xl/worksheets/sheet1.xml",
                                     "xl/_rels/workbook.xml.rels", "_rels/.rels"]),
                    st.one_of(st.binary(max_size=200), st.just(b"<?xml version='1.0'?><a/>")),
                    min_size=1).map(zipped),
)


@given(content=files)
def test_any_file_is_read_or_refused_with_a_reason(content):
    try:
        headers, rows = census_import.read_workbook(upload(content))
    except ValidationError as error:
        assert error.messages
    else:
        assert headers and all(len(r["cells"]) == len(headers) for r in rows)


# What people type in census cells: anything an .xlsx can hold (openpyxl refuses control
# characters), numbers, dates, and values close to right.
cell_text = text.map(lambda value: ILLEGAL_CHARACTERS_RE.sub("", value))
near_values = st.sampled_from([
    "购物场所", "shopping", "餐饮场所", "catering", "Lodging", "青杠村", "木根村", "不存在村",
    "青杠村第1网格", "青杠村第１网格", "木根村第2网格", "有证", "无证", "临时", "licensed", "证照齐全",
    "85", "85㎡", "1,200", "-3", "1e999", "NaN", "12.5张", "1,2", "-1", "0", "clinic", "诊所", "", " ",
])
cell_value = st.one_of(
    cell_text, near_values, mobiles, mobiles.map(full_width), id_numbers(), credit_codes,
    one_changed(credit_codes, "0123456789ABCDEFGHJKLMNPQRTUWXY"), st.integers(-10**12, 10**12),
    st.floats(allow_nan=False, allow_infinity=False), st.booleans(),
    st.dates(min_value=datetime.date(1900, 1, 1)), st.none(),
)

GOOD_ROW = {
    "name": "导入副食店", "kind": "购物场所", "village": "青杠村", "grid": "青杠村第1网格",
    "address": "青杠村导入路1号", "licence": "有证", "credit_code": "92500156MA6X000011",
    "floor_area": "80", "floors": "1", "operator_name": "张三", "operator_mobile": "139 0000 5555",
}


@st.composite
def near_good_row(draw):
    """A row that imports, with a few cells typed differently or wrong."""
    from venues.validators import credit_code_check_char

    body = draw(st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=17, max_size=17))
    good = {**GOOD_ROW, "name": f"导入副食店{body[:4]}", "credit_code": body + credit_code_check_char(body)}
    cells = [good.get(f.key, "") for f in FIELDS]
    for index in draw(st.sets(st.integers(0, len(FIELDS) - 1), max_size=3)):
        cells[index] = draw(cell_value)
    return cells


sheet_rows = st.lists(
    st.one_of(near_good_row(), st.lists(cell_value, min_size=len(FIELDS), max_size=len(FIELDS))),
    min_size=1, max_size=4)


@pytest.fixture
def importer(town):
    return town


@given(rows=sheet_rows)
def test_a_sheet_of_anything_is_read_and_every_row_sorted_once(importer, rows):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADINGS)
    for values in rows:
        sheet.append(values)
    output = io.BytesIO()
    workbook.save(output)
    try:
        headers, read = census_import.read_workbook(upload(output.getvalue()))
    except ValidationError as error:  # no row with anything in it
        assert error.messages
        return
    assert all(isinstance(c, str) and len(c) <= MAX_CELL_LENGTH for r in read for c in r["cells"])
    batch = census_import.ImportBatch.objects.create(
        created_by=importer, file_name="census.xlsx", headers=headers, rows=read,
        mapping=census_import.suggest_mapping(headers))
    result = census_import.validate_rows(batch, importer)
    numbers = sorted(r.number for r in result.good + result.rejected + result.duplicates)
    assert numbers == sorted(r["row"] for r in read)
    assert all(row.errors for row in result.rejected)
    for good in result.good:
        good.venue.full_clean(exclude={"public_code"})
    event(f"{bool(result.good)=}, {bool(result.rejected)=}, {bool(result.duplicates)=}")

    before = Venue.objects.count()
    imported = census_import.import_batch(batch, importer)
    assert Venue.objects.count() - before == imported.result["imported"] == len(result.good)
    census_import.rejected_rows_workbook(imported, importer)


@given(cells=st.lists(st.lists(cell_text, max_size=len(FIELDS) + 2), min_size=1, max_size=4),
       mapping=st.dictionaries(st.sampled_from([f.key for f in FIELDS] + ["unknown"]),
                               st.one_of(st.integers(-2, len(FIELDS) + 2), cell_text), max_size=len(FIELDS)))
def test_any_rows_and_any_stored_mapping_are_validated(importer, cells, mapping):
    """The batch as stored: rows of any length, a mapping with unknown fields and columns.
    (Never a NUL: no .xlsx cell can hold one, and PostgreSQL's JSON cannot store it.)"""
    batch = census_import.ImportBatch.objects.create(
        created_by=importer, file_name="census.xlsx", headers=HEADINGS,
        rows=[{"row": n, "cells": row} for n, row in enumerate(cells, start=2)], mapping=mapping)
    result = census_import.validate_rows(batch, importer)
    assert len(result.good) + len(result.rejected) + len(result.duplicates) == len(cells)
    workbook = load_workbook(io.BytesIO(census_import.rejected_rows_workbook(batch, importer)))
    assert workbook.active.max_row == 1 + len(result.rejected) + len(result.duplicates)
