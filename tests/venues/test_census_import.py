"""The census spreadsheet import, with real .xlsx files built here: good rows, rows with
problems (each reported by row and column), duplicates, importing twice, the rows-to-fix
sheet, the template, and who may see whose import."""

import io
import zipfile
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.translation import gettext as _

import pytest
from openpyxl import Workbook, load_workbook

from tests.factories import make_staff, make_venue
from venues import census_import
from venues.models import AuditEntry, ImportBatch, ImportStatus, Venue, VenueKind, VenueStatus
from venues.validators import credit_code_check_char, id_number_check_char, normalize_mobile

pytestmark = pytest.mark.django_db

IMPORTER = ("access_admin", "view_venue", "add_venue")
REVIEWER = (*IMPORTER, "review_venue")
HEADERS = ["场所名称", "主要类型", "其他类型", "村（社区）", "网格", "地址", "证照情况",
           "统一社会信用代码", "无统一社会信用代码的原因", "建筑面积", "经营者", "经营者手机号码",
           "经营者身份证号码"]
# Sheet row numbers: the headings are row 1, so the first venue is row 2.
FIRST = 2


def code(n):
    body = f"92500156MA6{n:06d}"
    return body + credit_code_check_char(body)


def id_number():
    body = "50010119900101123"
    return body + id_number_check_char(body)


def row(n, **values):
    """A good licensed shop in 青杠村 unless ``values`` say otherwise."""
    data = {
        "场所名称": f"导入副食店{n}", "主要类型": "购物场所", "其他类型": "", "村（社区）": "青杠村",
        "网格": "", "地址": f"青杠村导入路{n}号", "证照情况": "有证", "统一社会信用代码": code(n),
        "无统一社会信用代码的原因": "", "建筑面积": 80, "经营者": f"经营者{n}",
        "经营者手机号码": f"1390000{n:04d}", "经营者身份证号码": "",
    }
    data.update(values)
    return data


def xlsx(rows, headers=HEADERS, name="census.xlsx", leading_blank_rows=0):
    workbook = Workbook()
    sheet = workbook.active
    for _n in range(leading_blank_rows):
        sheet.append([])
    sheet.append(headers)
    for values in rows:
        sheet.append([values.get(h, "") if isinstance(values, dict) else values[i]
                      for i, h in enumerate(headers)])
    output = io.BytesIO()
    workbook.save(output)
    return SimpleUploadedFile(name, output.getvalue(), content_type=census_import.XLSX_CONTENT_TYPE)


def read_xlsx(content):
    workbook = load_workbook(io.BytesIO(content))
    return {sheet.title: [list(r) for r in sheet.iter_rows(values_only=True)] for sheet in workbook}


@pytest.fixture
def town(tree):
    return make_staff(tree["town"], permissions=REVIEWER, username="town")


@pytest.fixture
def qg_staff(tree):
    """Village staff of 青杠村 who may record but not review: imports are submitted."""
    return make_staff(tree["qinggang"], permissions=IMPORTER, username="qg")


def upload(client, user, sheet):
    """Upload through the page; returns the batch the upload created."""
    client.force_login(user)
    response = client.post(reverse("venues_import"), {"file": sheet})
    assert response.status_code == 302, response.content.decode()[:2000]
    batch = ImportBatch.objects.latest("pk")
    assert response["Location"] == reverse("venues_import_mapping", kwargs={"batch_id": batch.pk})
    return batch


def batch_of(user, rows, headers=HEADERS):
    headers_, rows_ = census_import.read_workbook(xlsx(rows, headers))
    return ImportBatch.objects.create(created_by=user, file_name="census.xlsx", headers=headers_,
                                      rows=rows_, mapping=census_import.suggest_mapping(headers_))


def problems_of(user, rows, headers=HEADERS):
    return census_import.validate_rows(batch_of(user, rows, headers), user)


# The whole flow ---------------------------------------------------------------------------

def test_good_rows_import_through_the_pages(client, tree, town):
    sheet = xlsx([
        row(1),
        row(2, **{"主要类型": "住宿场所", "其他类型": "餐饮场所、购物场所", "网格": "青杠村第2网格",
                  "证照情况": "无证", "统一社会信用代码": "", "无统一社会信用代码的原因": "未办理营业执照",
                  "经营者身份证号码": id_number(), "经营者手机号码": "+86 139-0000-0002"}),
    ])
    batch = upload(client, town, sheet)
    assert batch.rows[0]["row"] == FIRST

    mapping_page = client.get(reverse("venues_import_mapping", kwargs={"batch_id": batch.pk}))
    assert mapping_page.status_code == 200
    form = mapping_page.context["form"]
    assert form["name"].initial == "0" and form["operator_mobile"].initial == "11"
    data = {key: form[key].initial for key in form.fields}
    response = client.post(reverse("venues_import_mapping", kwargs={"batch_id": batch.pk}), data)
    assert response["Location"] == reverse("venues_import_preview", kwargs={"batch_id": batch.pk})

    preview = client.get(response["Location"])
    assert preview.status_code == 200
    assert len(preview.context["result"].good) == 2
    assert not preview.context["problems"]
    assert Venue.objects.count() == 0  # nothing saved by the preview

    done = client.post(reverse("venues_import_run", kwargs={"batch_id": batch.pk}))
    assert done["Location"] == reverse("venues_import_result", kwargs={"batch_id": batch.pk})
    assert client.get(done["Location"]).status_code == 200

    shop, guesthouse = Venue.objects.order_by("name")
    assert (shop.name, shop.area, shop.status, shop.credit_code) == (
        "导入副食店1", tree["qinggang"], VenueStatus.APPROVED, code(1))
    assert guesthouse.area == tree["qinggang-2"]
    assert guesthouse.operator_mobile == "13900000002"
    assert guesthouse.licence == "unlicensed"
    assert sorted(k.slug for k in guesthouse.other_kinds.all()) == ["catering", "shopping"]
    assert shop.history.get().actor == town
    batch.refresh_from_db()
    assert batch.status == ImportStatus.IMPORTED and batch.imported_at is not None
    assert (batch.result["imported"], batch.result["rejected"], batch.result["duplicates"]) == (2, 0, 0)
    assert AuditEntry.objects.filter(action="venue.import", object_id=str(batch.pk)).exists()


def test_staff_who_may_not_review_import_for_review(tree, qg_staff):
    batch = batch_of(qg_staff, [row(1)])
    census_import.import_batch(batch, qg_staff)
    assert Venue.objects.get().status == VenueStatus.SUBMITTED


# Problems, by row and column ------------------------------------------------------------------

def test_each_problem_is_reported_with_its_row_and_column(tree, qg_staff):
    result = problems_of(qg_staff, [
        row(1),
        row(2, **{"统一社会信用代码": code(2)[:-1] + ("1" if code(2).endswith("0") else "0")}),
        row(3, **{"经营者手机号码": "1390000"}),
        row(4, **{"主要类型": "卡拉OK厅"}),
        row(5, **{"村（社区）": "木根村"}),
        row(6, **{"地址": ""}),
        row(7, **{"证照情况": "有证", "统一社会信用代码": ""}),
        row(8, **{"建筑面积": "很大"}),
        row(9, **{"村（社区）": "没有这个村"}),
    ])
    assert [r.number for r in result.good] == [FIRST]
    found = {(n, column): message for n, column, message in result.problems}
    assert set(found) == {
        (FIRST + 1, "统一社会信用代码"), (FIRST + 2, "经营者手机号码"), (FIRST + 3, "主要类型"),
        (FIRST + 4, "村（社区）"), (FIRST + 5, "地址"), (FIRST + 6, "统一社会信用代码"),
        (FIRST + 7, "建筑面积"), (FIRST + 8, "村（社区）"),
    }
    with pytest.raises(ValidationError) as bad_mobile:
        normalize_mobile("1390000")
    assert found[FIRST + 2, "经营者手机号码"] == bad_mobile.value.messages[0]
    assert "卡拉OK厅" in found[FIRST + 3, "主要类型"]
    assert found[FIRST + 4, "村（社区）"] == _(
        "This village or community lies outside the areas you work in.")
    assert found[FIRST + 8, "村（社区）"] == _("There is no village or community of this name.")
    assert found[FIRST + 5, "地址"] == _("This value is required.")
    assert found[FIRST + 6, "统一社会信用代码"] == _("A licensed venue needs its unified social credit code.")


def test_the_preview_lists_every_problem_and_imports_only_good_rows(client, tree, qg_staff):
    batch = upload(client, qg_staff, xlsx([row(1), row(2, **{"经营者手机号码": "12345"}), row(3)]))
    preview = client.get(reverse("venues_import_preview", kwargs={"batch_id": batch.pk}))
    html = preview.content.decode()
    assert preview.context["problems"] == [(FIRST + 1, "经营者手机号码", preview.context["problems"][0][2])]
    assert f'<th scope="row">{FIRST + 1}</th><td>经营者手机号码</td>' in html
    assert reverse("venues_import_rejected", kwargs={"batch_id": batch.pk}) in html
    client.post(reverse("venues_import_run", kwargs={"batch_id": batch.pk}))
    assert sorted(Venue.objects.values_list("name", flat=True)) == ["导入副食店1", "导入副食店3"]
    batch.refresh_from_db()
    assert (batch.result["imported"], batch.result["rejected"]) == (2, 1)


def test_a_grid_must_lie_in_its_village_and_a_grid_worker_names_their_grid(tree):
    grid_worker = make_staff(tree["qinggang-1"], permissions=IMPORTER)
    result = problems_of(grid_worker, [
        row(1, **{"网格": "青杠村第１网格"}),  # a full-width digit, as some input methods type it
        row(2),  # the village alone lies beyond a grid worker's grid
        row(3, **{"网格": "木根村第1网格"}),
    ])
    assert [r.number for r in result.good] == [FIRST]
    assert {(n, c) for n, c, _m in result.problems} == {(FIRST + 1, "村（社区）"), (FIRST + 2, "网格")}


def test_a_lead_office_imports_only_the_kinds_it_leads(tree):
    catering = make_staff(tree["town"], kinds=["catering"], permissions=IMPORTER)
    guesthouse_with_meals = row(3, **{"主要类型": "住宿场所", "其他类型": "餐饮场所"})
    result = problems_of(catering, [row(1, **{"主要类型": "餐饮场所"}), row(2), guesthouse_with_meals])
    assert [r.number for r in result.good] == [FIRST, FIRST + 2]
    assert [(n, c) for n, c, _m in result.problems] == [(FIRST + 1, "主要类型")]
    census_import.import_batch(batch_of(catering, [guesthouse_with_meals]), catering)
    assert [k.slug for k in Venue.objects.get().all_kinds] == ["lodging", "catering"]


# Duplicates ---------------------------------------------------------------------------------

def test_duplicates_of_the_register_and_of_earlier_rows_are_reported_apart(client, tree, qg_staff):
    make_venue(tree["qinggang-1"], name="已登记副食店", credit_code=code(1))
    # Registered in 木根村, outside this person's scope: found, but never described.
    make_venue(tree["mugen-1"], name="木根机密商店", address="木根村某路1号", credit_code=code(2),
               operator_name="木根经营者")
    make_venue(tree["mugen-1"], name="同名同址店", address="木根村某路9号", credit_code=code(9))
    batch = upload(client, qg_staff, xlsx([
        row(1),
        row(2, **{"场所名称": "换了名字的店"}),
        row(3, **{"场所名称": "同名同址店", "地址": "木根村某路9号"}),
        row(4),
        row(5, **{"场所名称": "重复一行", "统一社会信用代码": code(4)}),
        row(6, **{"统一社会信用代码": " " + code(4).lower()}),
    ]))
    preview = client.get(reverse("venues_import_preview", kwargs={"batch_id": batch.pk}))
    result = preview.context["result"]
    assert [r.number for r in result.good] == [FIRST + 3]
    duplicates = {r.number: r.duplicate for r in result.duplicates}
    assert set(duplicates) == {FIRST, FIRST + 1, FIRST + 2, FIRST + 4, FIRST + 5}
    assert duplicates[FIRST + 1] == _("A venue with this credit code is already registered.")
    assert duplicates[FIRST + 2] == _("A venue with this name and address is already registered.")
    assert str(FIRST + 3) in duplicates[FIRST + 4] and str(FIRST + 3) in duplicates[FIRST + 5]
    assert not result.problems
    html = preview.content.decode()
    assert "木根机密商店" not in html and "木根经营者" not in html


def test_importing_the_same_sheet_twice_creates_nothing_the_second_time(client, tree, town):
    rows = [row(1), row(2), row(3, **{"经营者手机号码": "bad"})]
    first = upload(client, town, xlsx(rows))
    client.post(reverse("venues_import_run", kwargs={"batch_id": first.pk}))
    assert Venue.objects.count() == 2

    second = upload(client, town, xlsx(rows))
    client.post(reverse("venues_import_run", kwargs={"batch_id": second.pk}))
    assert Venue.objects.count() == 2
    second.refresh_from_db()
    assert (second.result["imported"], second.result["rejected"], second.result["duplicates"]) == (0, 1, 2)


def test_a_double_post_of_the_import_imports_once(client, tree, town):
    batch = upload(client, town, xlsx([row(1), row(2)]))
    url = reverse("venues_import_run", kwargs={"batch_id": batch.pk})
    first, second = client.post(url), client.post(url, follow=True)
    assert first.status_code == 302 and second.status_code == 200
    assert Venue.objects.count() == 2
    assert any(_("This sheet was imported already; nothing was imported again.") == str(m)
               for m in second.context["messages"])
    with pytest.raises(census_import.AlreadyImported):
        census_import.import_batch(batch, town)
    assert Venue.objects.count() == 2


def test_the_import_checks_the_register_again(tree, town):
    """A venue registered between the preview and the import is not imported twice."""
    batch = batch_of(town, [row(1), row(2)])
    assert len(census_import.validate_rows(batch, town).good) == 2
    make_venue(tree["qinggang"], name="别人刚登记的", credit_code=code(2))
    batch = census_import.import_batch(batch, town)
    assert (batch.result["imported"], batch.result["duplicates"]) == (1, 1)


def test_the_import_is_all_or_nothing(tree, town, monkeypatch):
    batch = batch_of(town, [row(1), row(2)])
    from venues.workflows import registration

    calls = []
    original = registration.record

    def failing_second(venue, user, **kwargs):
        calls.append(venue)
        if len(calls) == 2:
            raise RuntimeError("the database went away")
        return original(venue, user, **kwargs)

    monkeypatch.setattr(registration, "record", failing_second)
    with pytest.raises(RuntimeError):
        census_import.import_batch(batch, town)
    assert Venue.objects.count() == 0
    batch.refresh_from_db()
    assert batch.status == ImportStatus.UPLOADED


# The sheets we hand out ---------------------------------------------------------------------

def test_the_rows_to_fix_sheet_keeps_the_headings_and_says_what_is_wrong(client, tree, qg_staff):
    make_venue(tree["qinggang-1"], credit_code=code(3))
    batch = upload(client, qg_staff, xlsx([row(1), row(2, **{"经营者手机号码": "12345"}), row(3)]))
    url = reverse("venues_import_rejected", kwargs={"batch_id": batch.pk})

    def sheet_rows():
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == census_import.XLSX_CONTENT_TYPE
        assert "attachment" in response["Content-Disposition"]
        return next(iter(read_xlsx(response.content).values()))

    rows = sheet_rows()
    assert rows[0] == [*HEADERS, _("Problems")]
    assert [r[0] for r in rows[1:]] == ["导入副食店2", "导入副食店3"]
    assert rows[1][HEADERS.index("经营者手机号码")] == "12345"
    assert "经营者手机号码" in rows[1][-1]
    assert rows[2][-1] == _("A venue with this credit code is already registered.")

    # After the import the sheet still lists the same rows, as they were at import time.
    client.post(reverse("venues_import_run", kwargs={"batch_id": batch.pk}))
    assert sheet_rows() == rows

    # Fixed and uploaded again, the fixed row imports; the "problems" column is ignored.
    fixed = [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
    fixed[0]["经营者手机号码"] = "13900000002"
    again = upload(client, qg_staff, xlsx(fixed, headers=rows[0]))
    assert _("Problems") not in [again.headers[i] for i in again.mapping.values()]
    client.post(reverse("venues_import_run", kwargs={"batch_id": again.pk}))
    again.refresh_from_db()
    assert (again.result["imported"], again.result["duplicates"]) == (1, 1)


def test_the_template_downloads_and_its_example_row_imports(client, tree, qg_staff):
    client.force_login(qg_staff)
    response = client.get(reverse("venues_import_template"))
    assert response.status_code == 200
    assert response["Content-Type"] == census_import.XLSX_CONTENT_TYPE
    census, options = read_xlsx(response.content).values()
    assert census[0] == [f.heading for f in census_import.FIELDS]
    required = [f for f in census_import.FIELDS if f.required]
    assert all(str(f.label) in census[0][census_import.FIELDS.index(f)] for f in required)
    assert census[0][0] != str(census_import.FIELDS[0].label)  # marked as required
    listed = {cell for r in options for cell in r if cell}
    assert {"购物场所", "餐饮场所", "青杠村", "青杠村第1网格"} <= listed
    assert "木根村" not in listed  # only the person's own villages

    template = SimpleUploadedFile("template.xlsx", response.content)
    batch = upload(client, qg_staff, template)
    assert {f.key for f in required} <= set(batch.mapping)
    preview = client.get(reverse("venues_import_preview", kwargs={"batch_id": batch.pk}))
    assert len(preview.context["result"].good) == 1, preview.context["problems"]


def test_numbers_typed_as_numbers_read_as_text(tree, town):
    headers, rows = census_import.read_workbook(xlsx(
        [row(1, **{"经营者手机号码": 13900000001.0, "建筑面积": 85.5})], leading_blank_rows=2))
    assert headers == HEADERS
    assert rows[0]["row"] == 4
    cells = dict(zip(headers, rows[0]["cells"], strict=True))
    assert (cells["经营者手机号码"], cells["建筑面积"]) == ("13900000001", "85.5")


# Mapping ------------------------------------------------------------------------------------

def test_renamed_headings_are_recognised():
    headers = ["序号", "店名", "类别", "村", "所属网格", "经营地址", "有无证照", "信用代码", "负责人",
               "联系电话", "面积（㎡）", "身份证号", "备注"]
    mapping = census_import.suggest_mapping(headers)
    assert {key: headers[i] for key, i in mapping.items()} == {
        "name": "店名", "kind": "类别", "village": "村", "grid": "所属网格", "address": "经营地址",
        "licence": "有无证照", "credit_code": "信用代码", "operator_name": "负责人",
        "operator_mobile": "联系电话", "floor_area": "面积（㎡）", "operator_id_number": "身份证号",
    }


def test_a_column_can_be_chosen_by_hand(client, tree, town):
    headers = ["招牌", "类别", "村（社区）", "地址", "证照情况", "信用代码", "经营者", "手机号"]
    rows = [["手选名称店", "购物场所", "青杠村", "青杠村手选路1号", "有证", code(1), "王五", "13900000001"]]
    batch = upload(client, town, xlsx(rows, headers=headers))
    url = reverse("venues_import_mapping", kwargs={"batch_id": batch.pk})
    page = client.get(url)
    assert "name" not in batch.mapping
    # Importing now would refuse every row: the person is sent to choose the columns first.
    run = client.post(reverse("venues_import_run", kwargs={"batch_id": batch.pk}))
    assert run["Location"] == url
    batch.refresh_from_db()
    assert batch.status == ImportStatus.UPLOADED
    data = {key: page.context["form"][key].initial for key in page.context["form"].fields}
    # A required field left unchosen is refused next to that field.
    refused = client.post(url, data)
    assert refused.status_code == 200 and refused.context["form"].errors["name"]
    # So is one column chosen for two fields.
    refused = client.post(url, {**data, "name": "1"})
    assert refused.context["form"].errors["kind"]
    response = client.post(url, {**data, "name": "0"})
    assert response.status_code == 302
    client.post(reverse("venues_import_run", kwargs={"batch_id": batch.pk}))
    assert Venue.objects.get().name == "手选名称店"


# Files we refuse ------------------------------------------------------------------------------

def refused(client, user, upload_file):
    client.force_login(user)
    response = client.post(reverse("venues_import"), {"file": upload_file})
    assert response.status_code == 200
    assert not ImportBatch.objects.exists()
    errors = response.context["form"].errors["file"]
    html = response.content.decode()
    assert errors[0] in html and 'class="error-message"' in html  # beside the field
    return errors[0]


def zip_bytes(files):
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return output.getvalue()


def test_files_that_are_not_census_sheets_are_refused_with_a_reason(client, tree, town):
    not_xlsx = refused(client, town, SimpleUploadedFile("census.xls", b"\xd0\xcf\x11\xe0 old excel"))
    assert ".xlsx" in not_xlsx
    assert refused(client, town, SimpleUploadedFile("a.xlsx", zip_bytes({"word/document.xml": "x"}))) \
        == not_xlsx
    damaged = refused(client, town, SimpleUploadedFile(
        "a.xlsx", zip_bytes({"xl/workbook.xml": "<not really>", "[Content_Types].xml": "?"})))
    assert damaged != not_xlsx
    good = xlsx([row(1)]).read()
    cut = SimpleUploadedFile("cut.xlsx", good[: len(good) // 2])
    assert refused(client, town, cut) in (damaged, not_xlsx)
    too_big = refused(client, town, SimpleUploadedFile("big.xlsx", b"0" * (5 * 1024 * 1024 + 1)))
    assert "5" in too_big
    empty = Workbook()
    output = io.BytesIO()
    empty.save(output)
    assert refused(client, town, SimpleUploadedFile("empty.xlsx", output.getvalue()))
    assert refused(client, town, xlsx([]))  # headings but no venues


def test_more_than_5000_rows_are_refused(client, tree, town):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(HEADERS)
    for n in range(census_import.MAX_ROWS + 1):
        sheet.append([f"店{n}"])
    output = io.BytesIO()
    workbook.save(output)
    assert "5000" in refused(client, town, SimpleUploadedFile("many.xlsx", output.getvalue()))


# Who sees what ------------------------------------------------------------------------------

def test_another_persons_import_answers_404(client, tree, qg_staff):
    batch = batch_of(qg_staff, [row(1)])
    other = make_staff(tree["mugen"], permissions=REVIEWER)
    client.force_login(other)
    for name in ("venues_import_mapping", "venues_import_preview", "venues_import_result",
                 "venues_import_rejected"):
        assert client.get(reverse(name, kwargs={"batch_id": batch.pk})).status_code == 404, name
    assert client.post(reverse("venues_import_run", kwargs={"batch_id": batch.pk})).status_code == 404
    batch.refresh_from_db()
    assert batch.status == ImportStatus.UPLOADED and not Venue.objects.exists()
    listing = client.get(reverse("venues_import"))
    assert list(listing.context["batches"]) == []


def test_people_see_their_own_imports_and_a_superuser_every_one(client, tree, qg_staff):
    from tests.factories import UserFactory

    mine = batch_of(qg_staff, [row(1)])
    client.force_login(qg_staff)
    assert list(client.get(reverse("venues_import")).context["batches"]) == [mine]
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    assert list(client.get(reverse("venues_import")).context["batches"]) == [mine]
    assert client.get(reverse("venues_import_preview", kwargs={"batch_id": mine.pk})).status_code == 200


def sent_away(response):
    """Wagtail answers a refused admin page with a trip back to the dashboard."""
    return response.status_code == 403 or (
        response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home"))


def test_only_staff_who_may_record_venues_import(client, tree):
    reader = make_staff(tree["town"], permissions=("access_admin", "view_venue"))
    client.force_login(reader)
    assert sent_away(client.get(reverse("venues_import")))
    assert sent_away(client.get(reverse("venues_import_template")))
    venue_list = client.get(reverse("venues_venue_modeladmin_index")).content.decode()
    assert reverse("venues_import") not in venue_list
    nowhere = make_staff(permissions=IMPORTER)
    client.force_login(nowhere)
    assert sent_away(client.get(reverse("venues_import")))


def test_the_venue_list_offers_the_import(client, tree, qg_staff):
    client.force_login(qg_staff)
    page = client.get(reverse("venues_venue_modeladmin_index")).content.decode()
    assert reverse("venues_import") in page


def test_numbers_may_carry_their_units(tree, town):
    result = problems_of(town, [row(1, **{"建筑面积": "85.5㎡"}), row(2, **{"建筑面积": "1e999999999"})])
    assert [r.venue.floor_area for r in result.good] == [Decimal("85.5")]
    assert [(n, c) for n, c, _m in result.problems] == [(FIRST + 1, "建筑面积")]


def test_kinds_are_found_by_name_or_code(tree, town):
    result = problems_of(town, [row(1, **{"主要类型": "catering", "其他类型": "住宿场所, lodging"})])
    (good,) = result.good
    assert good.venue.kind == VenueKind.objects.get(slug="catering")
    assert [k.slug for k in good.other_kinds] == ["lodging"]


def test_the_demo_census_sheet_has_good_bad_and_duplicate_rows():
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from home.demo_census import PATH, build_demo_census_sheet

    call_command("setup_demo", "--force", stdout=io.StringIO())
    town = get_user_model().objects.get(username="town")
    with PATH.open("rb") as kept:
        headers, rows = census_import.read_workbook(kept)
    # The file in the repository is what the function makes; its title row is skipped.
    assert (headers, rows) == census_import.read_workbook(io.BytesIO(build_demo_census_sheet()))
    assert rows[0]["row"] == 3
    batch = ImportBatch.objects.create(created_by=town, file_name=PATH.name, headers=headers, rows=rows,
                                       mapping=census_import.suggest_mapping(headers))
    result = census_import.validate_rows(batch, town)
    assert (len(result.good), len(result.rejected), len(result.duplicates)) == (7, 3, 1), result.problems
    assert {column for _n, column, _m in result.problems} == {"统一社会信用代码", "联系电话", "村（社区）"}
    census_import.import_batch(batch, town)
    assert Venue.objects.filter(name="木根竹林农家乐（示例）", other_kinds__slug="catering").exists()
