"""Import of an existing census spreadsheet (.xlsx): read the sheet, map its columns to our
fields, validate every row exactly as a venue recorded by hand is validated, and import the
good rows through the registration workflow in one transaction. No views here.

The rows live in an ImportBatch (the file itself is not kept). Validation runs again at
import time, because the register may have changed since the preview."""

import datetime
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from venues.access import areas_for, kinds_for, scope_roots
from venues.models import (
    Area,
    AreaLevel,
    AuditEntry,
    ImportBatch,
    ImportStatus,
    LicenceSituation,
    Venue,
    VenueKind,
)
from venues.rules.classification import MAX_FACT, SUBTYPE_LABELS, FactError, parse_facts
from venues.spreadsheets import as_text, xlsx_value
from venues.validators import credit_code_check_char
from venues.workflows import registration

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
MAX_COLUMNS = 100
# A 5 MB zip can unpack to gigabytes; real census sheets of 5000 rows stay far below this.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
# The longest field takes 200 characters; longer text is kept long enough to be reported.
MAX_CELL_LENGTH = 500
# What a batch may hold in all (a real sheet of 5000 rows holds a few million characters):
# one long text repeated in every cell would otherwise fill the database from a small file.
MAX_TEXT = 20_000_000

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

REQUIRED_MARK = gettext_lazy("%(heading)s (required)")


def _label(name):
    return Venue._meta.get_field(name).verbose_name


@dataclass(frozen=True)
class ImportField:
    """One importable venue field: its heading, whether a row needs it, and other headings
    census sheets commonly use for it (Chinese data for matching, never shown)."""

    key: str
    label: object
    required: bool = False
    synonyms: tuple = ()

    @property
    def heading(self):
        """The heading as the template sheet writes it."""
        label = str(self.label)
        return str(REQUIRED_MARK % {"heading": label}) if self.required else label


FIELDS = [
    ImportField("name", _label("name"), True,
                ("场所名称", "店名", "名称", "店铺名称", "商户名称", "门店名称", "单位名称", "场所")),
    ImportField("kind", _label("kind"), True, ("主要类型", "场所类型", "类型", "行业类别", "类别")),
    ImportField("other_kinds", _label("other_kinds"), False, ("其他类型", "兼营类型", "其他类别")),
    ImportField("village", AreaLevel.VILLAGE.label, True,
                ("村（社区）", "村/社区", "村、社区", "村社区", "村", "社区", "所属村", "所属村（社区）",
                 "所在村（社区）", "村居")),
    ImportField("grid", AreaLevel.GRID.label, False, ("网格", "所属网格", "网格名称")),
    ImportField("address", _label("address"), True, ("地址", "经营地址", "详细地址", "场所地址")),
    ImportField("licence", _label("licence"), True,
                ("证照情况", "证照", "有无证照", "营业执照情况", "执照情况", "是否有证")),
    ImportField("credit_code", _label("credit_code"), False,
                ("统一社会信用代码", "信用代码", "社会信用代码", "营业执照号", "统一代码")),
    ImportField("no_code_reason", _label("no_code_reason"), False,
                ("无统一社会信用代码的原因", "无代码原因", "无证原因")),
    ImportField("floor_area", _label("floor_area"), False,
                ("建筑面积", "面积", "经营面积", "营业面积", "建筑面积（平方米）")),
    ImportField("floors", _label("floors"), False, ("所在楼层", "楼层")),
    ImportField("seats", _label("seats"), False, ("额定就餐人数", "座位数", "就餐人数", "餐位数")),
    ImportField("beds", _label("beds"), False, ("床位数", "床位")),
    ImportField("staff_count", _label("staff_count"), False,
                ("职工总人数", "从业人数", "从业人员数", "员工人数", "职工人数")),
    ImportField("dorm_people", _label("dorm_people"), False,
                ("集体宿舍住宿人数", "宿舍人数", "宿舍住宿人数")),
    ImportField("people", _label("people"), False, ("师生人数", "学生人数")),
    ImportField("subtype", _label("subtype"), False, ("场所类别", "细分类别", "细类")),
    ImportField("operator_name", _label("operator_name"), True,
                ("经营者", "负责人", "经营者姓名", "法定代表人", "业主", "店主")),
    ImportField("operator_mobile", _label("operator_mobile"), True,
                ("经营者手机号码", "联系电话", "手机号", "手机号码", "手机", "电话", "经营者电话")),
    ImportField("operator_id_number", _label("operator_id_number"), False,
                ("经营者身份证号码", "身份证号", "身份证号码", "身份证")),
    ImportField("contact_name", _label("contact_name"), False, ("联系人", "联系人姓名")),
    ImportField("contact_mobile", _label("contact_mobile"), False,
                ("联系人手机号码", "联系人电话", "联系人手机")),
]
FIELDS_BY_KEY = {f.key: f for f in FIELDS}
NUMBER_FIELDS = ("floor_area", "seats", "beds", "staff_count", "dorm_people", "people")
# What census sheets write for the licence situation, besides our own labels.
LICENCE_WORDS = {
    LicenceSituation.LICENSED: ("有证", "持证", "证照齐全", "有照", "已办证", "licensed"),
    LicenceSituation.UNLICENSED: ("无证", "无照", "无证照", "无证经营", "未办证", "unlicensed"),
    LicenceSituation.TEMPORARY: ("临时建筑", "临建", "临时", "temporary"),
}
KIND_SEPARATORS = re.compile(r"[、,，;；/／\s]+")
# Units people write after a number in a census sheet (85㎡, 12张, 30人).
UNITS = re.compile(r"\s*(㎡|m²|m2|平方米|平米|人|张|个|座|位)$", re.IGNORECASE)


class AlreadyImported(Exception):
    """The batch has been imported already (a second click, or someone else)."""


# Reading ---------------------------------------------------------------------------------

def _cell_text(value):
    """A cell as text: whole numbers without '.0' (mobiles typed as numbers), dates as
    YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if isinstance(value, float):
        text = str(int(value)) if value.is_integer() else str(value)
    elif isinstance(value, datetime.datetime):
        text = value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    elif isinstance(value, datetime.date | datetime.time):
        text = value.isoformat()
    else:
        text = str(value)
    return text.strip()[:MAX_CELL_LENGTH]


def _file_size(file):
    size = getattr(file, "size", None)
    if size is None:
        file.seek(0, io.SEEK_END)
        size = file.tell()
    file.seek(0)
    return size


def read_workbook(file):
    """The first sheet of an .xlsx file as (headings, rows): the headings are the first row
    with at least two cells filled in (a title above them is skipped), each row is {"row":
    its number in the sheet, "cells": texts}, empty rows are skipped. Raises ValidationError
    with a message for the person uploading."""
    not_xlsx = ValidationError(
        _("This is not an .xlsx file. Please save the sheet as an Excel workbook (.xlsx) and "
          "upload it again."), code="not_xlsx",
    )
    corrupt = ValidationError(
        _("The file cannot be read; it may be damaged. Please open it in Excel or WPS, save it "
          "again as .xlsx and upload it again."), code="corrupt",
    )
    if _file_size(file) > MAX_BYTES:
        raise ValidationError(
            _("The file is larger than 5 MB. Please split the sheet into smaller files."),
            code="too_large",
        )
    if not zipfile.is_zipfile(file):
        raise not_xlsx
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise corrupt from None
    if "xl/workbook.xml" not in names:
        raise not_xlsx
    if unpacked > MAX_UNPACKED_BYTES:
        raise ValidationError(
            _("The sheet is too large. Please split it into smaller files."), code="too_large"
        )
    file.seek(0)
    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of error for a damaged file
        raise corrupt from None
    try:
        headers, rows = _read_sheet(workbook)
    except ValidationError:
        raise
    except Exception:  # a damaged sheet may fail only while it is read
        raise corrupt from None
    finally:
        workbook.close()
    if headers is None:
        raise ValidationError(
            _("The first sheet is empty: it needs a row of column headings and then one row "
              "per venue."), code="no_header",
        )
    return headers, rows


def _read_sheet(workbook):
    if not workbook.worksheets:
        return None, []
    sheet = workbook.worksheets[0]
    # A wrong size in the file would hide cells; read whatever is there.
    sheet.reset_dimensions()
    headers, rows, text = None, [], 0
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        cells = [_cell_text(value) for value in values]
        if not any(cells):
            continue
        text += sum(len(cell) for cell in cells)
        if text > MAX_TEXT:
            raise ValidationError(
                _("The sheet is too large. Please split it into smaller files."), code="too_large"
            )
        if headers is None:
            if sum(1 for cell in cells if cell) < 2:
                continue  # a title above the headings, such as 某某村九小场所普查表
            while cells and not cells[-1]:
                cells.pop()
            if len(cells) > MAX_COLUMNS:
                raise ValidationError(
                    _("The sheet has more than %(count)d columns; please remove the columns "
                      "that are not needed.") % {"count": MAX_COLUMNS}, code="too_many_columns",
                )
            headers = cells
            continue
        if len(rows) == MAX_ROWS:
            raise ValidationError(
                _("The sheet has more than %(count)d rows. Please split it into smaller files.")
                % {"count": MAX_ROWS}, code="too_many_rows",
            )
        cells = (cells + [""] * len(headers))[:len(headers)]
        if any(cells):
            rows.append({"row": number, "cells": cells})
    return headers, rows


# Mapping ---------------------------------------------------------------------------------

def _loose(text):
    """Names compared loosely: full-width and half-width alike, any case, no spaces."""
    return re.sub(r"\s", "", unicodedata.normalize("NFKC", str(text or "")).lower())


def _normalize_heading(text):
    """Headings compared loosely, also without asterisks or the "(required)" mark of our
    template."""
    text = re.sub(r"[*＊]", "", _loose(text))
    mark = re.sub(r"[\s*＊]", "", unicodedata.normalize("NFKC", str(REQUIRED_MARK % {"heading": ""})))
    if mark and text.endswith(mark.lower()) and len(text) > len(mark):
        text = text[: -len(mark)]
    return text


def _without_brackets(text):
    return re.sub(r"\([^()]*\)", "", text)


def suggest_mapping(headers):
    """{field key: column index} for the headings we recognise; each field and each column
    is used at most once, the leftmost column winning."""
    names = {}
    for f in FIELDS:
        for name in (f.label, f.key, *f.synonyms):
            names.setdefault(_normalize_heading(name), f.key)
    mapping = {}
    normalized = [_normalize_heading(header) for header in headers]
    # Exact headings first, then headings with a unit or note in brackets, such as 面积（㎡）.
    for variant in (lambda text: text, _without_brackets):
        for index, text in enumerate(normalized):
            if not text or index in mapping.values():
                continue
            key = names.get(variant(text))
            if key is not None and key not in mapping:
                mapping[key] = index
    return mapping


def missing_fields(batch):
    """The required fields no column has been chosen for."""
    mapping = clean_mapping(batch)
    return [f for f in FIELDS if f.required and f.key not in mapping]


def clean_mapping(batch):
    """The batch's mapping with unknown fields and columns dropped."""
    mapping = {}
    for key, index in (batch.mapping or {}).items():
        if key in FIELDS_BY_KEY and isinstance(index, int) and 0 <= index < len(batch.headers):
            mapping[key] = index
    return mapping


def column_heading(batch, index):
    """A column as a person finds it in the sheet: its heading, or its letter if it has none."""
    heading = batch.headers[index] if index < len(batch.headers) else ""
    return heading or _("column %(letter)s") % {"letter": get_column_letter(index + 1)}


# Validation ------------------------------------------------------------------------------

@dataclass
class RowResult:
    """One row of the sheet and what validation made of it."""

    number: int
    cells: list
    venue: Venue | None = None
    other_kinds: list = field(default_factory=list)
    errors: list = field(default_factory=list)  # [(column heading, message)]
    duplicate: str = ""

    @property
    def problems_text(self):
        if self.duplicate:
            return self.duplicate
        return "；".join(f"{column}：{message}" if column else message for column, message in self.errors)


@dataclass
class ValidationResult:
    good: list
    rejected: list
    duplicates: list

    @property
    def problems(self):
        """(row, column heading, message) for every error of every rejected row."""
        return [(row.number, column, message) for row in self.rejected for column, message in row.errors]


class _Lookups:
    """What validating every row needs from the database, fetched once per sheet."""

    def __init__(self, user, values):
        self.roots = [root.path for root in scope_roots(user)]
        kinds = list(VenueKind.objects.all())
        self.kinds = {}
        for kind in kinds:
            self.kinds.setdefault(_normalize_heading(kind.slug), kind)
            self.kinds.setdefault(_normalize_heading(kind.name), kind)
        self.allowed_kinds = set(kinds_for(user).values_list("pk", flat=True))
        # The villages and grids a row may name: those within the person's areas, and for
        # a grid worker their own village and its grids.
        above = {root[:end] for root in self.roots for end in range(Area.steplen, len(root), Area.steplen)}
        within = Q(pk__in=[]) if not self.roots else Q()
        for root in self.roots:
            within |= Q(path__startswith=root)
        villages = list(Area.objects.filter(within | Q(path__in=above), level=AreaLevel.VILLAGE))
        around = within
        for village in villages:
            if village.path in above:
                around |= Q(path__startswith=village.path)
        self.villages, self.grids = {}, {}
        for village in villages:
            self.villages.setdefault(_loose(village.name), []).append(village)
        for grid in Area.objects.filter(around, level=AreaLevel.GRID):
            self.grids.setdefault(_loose(grid.name), []).append(grid)
        named = {v["village"] for v in values if v.get("village")}
        self.other_villages = set(
            Area.objects.filter(level=AreaLevel.VILLAGE, name__in=named).values_list("name", flat=True)
        )
        self.subtypes = {}
        for slug, label in SUBTYPE_LABELS.items():
            self.subtypes[_normalize_heading(slug)] = slug
            self.subtypes[_normalize_heading(label())] = slug
        self.licences = {}
        for value, label in LicenceSituation.choices:
            for word in (value, label, *LICENCE_WORDS[value]):
                self.licences[_normalize_heading(word)] = value

    def in_scope(self, area):
        return any(area.path.startswith(root) for root in self.roots)


def _row_values(row, mapping):
    cells = row["cells"]
    return {key: (cells[index] if index < len(cells) else "").strip() for key, index in mapping.items()}


def _resolve_area(values, lookups, error):
    village_name, grid_name = values.get("village", ""), values.get("grid", "")
    if not village_name:
        return None
    relevant = lookups.villages.get(_loose(village_name), [])
    if not relevant and village_name in lookups.other_villages:
        error("village", _("This village or community lies outside the areas you work in."))
        return None
    if not relevant:
        error("village", _("There is no village or community of this name."))
        return None
    if len(relevant) > 1:
        error("village", _("Several villages or communities have this name; please ask the town "
                           "emergency office to import this row."))
        return None
    village = relevant[0]
    area = village
    if grid_name:
        grids = [g for g in lookups.grids.get(_loose(grid_name), []) if g.path.startswith(village.path)]
        if len(grids) != 1:
            error("grid", _("This village or community has no grid of this name."))
            return None
        area = grids[0]
    if not lookups.in_scope(area):
        error("grid" if grid_name else "village",
              _("This lies outside the areas you work in; give one of your own grids."))
        return None
    return area


def _resolve_kind(text, lookups):
    return lookups.kinds.get(_normalize_heading(text))


def _parse_number(key, text, error):
    text = UNITS.sub("", text.replace(",", "").replace("，", "").strip())
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        error(key, _("Please enter a number."))
        return None
    if value < 0:
        error(key, _("This cannot be negative."))
        return None
    if value > MAX_FACT:
        error(key, _("This number is too large."))
        return None
    if key != "floor_area":
        if value != value.to_integral_value():
            error(key, _("Please enter a whole number."))
            return None
        return int(value)
    return value


def _validate_row(row, mapping, batch, lookups):
    values = _row_values(row, mapping)
    result = RowResult(number=row["row"], cells=row["cells"])
    errors = {}

    def error(key, message):
        errors.setdefault(key, []).append(str(message))

    for f in FIELDS:
        if f.required and not values.get(f.key):
            error(f.key, _("This value is required."))

    kind = None
    if values.get("kind"):
        kind = _resolve_kind(values["kind"], lookups)
        if kind is None:
            error("kind", _("Unknown kind “%(value)s”: use one of the kinds on the second sheet of "
                            "the template.") % {"value": values["kind"]})
    others = []
    for text in KIND_SEPARATORS.split(values.get("other_kinds", "")):
        if not text:
            continue
        other = _resolve_kind(text, lookups)
        if other is None:
            error("other_kinds", _("Unknown kind “%(value)s”.") % {"value": text})
        elif other != kind and other not in others:
            others.append(other)
    # A lead office records only venues it will see: of a kind it leads (venues.access).
    if kind is not None and not {kind.pk, *(other.pk for other in others)} & lookups.allowed_kinds:
        error("kind", _("Your office does not lead this kind, so you cannot import it."))
    area = _resolve_area(values, lookups, error)

    licence = ""
    if values.get("licence"):
        licence = lookups.licences.get(_normalize_heading(values["licence"]), "")
        if not licence:
            error("licence", _("Unknown licence situation “%(value)s”: write one of %(choices)s.") % {
                "value": values["licence"],
                "choices": "、".join(words[0] for words in LICENCE_WORDS.values()),
            })

    facts = {}
    for key in NUMBER_FIELDS:
        if values.get(key):
            facts[key] = _parse_number(key, values[key], error)
    floors = values.get("floors", "")
    if floors:
        try:
            parsed = parse_facts({"floors": floors})["floors"]
        except FactError as problem:
            error("floors", problem)
        else:
            floors = ",".join(str(floor) for floor in parsed)
    subtype = values.get("subtype", "")
    if subtype:
        subtype = lookups.subtypes.get(_normalize_heading(subtype), "")
        if not subtype:
            error("subtype", _("Unknown type of venue: %(value)s.") % {"value": values["subtype"]})

    venue = Venue(
        name=values.get("name", ""), kind=kind, area=area, address=values.get("address", ""),
        licence=licence, credit_code=values.get("credit_code", ""),
        no_code_reason=values.get("no_code_reason", ""), floors=floors, subtype=subtype,
        operator_name=values.get("operator_name", ""),
        operator_mobile=values.get("operator_mobile", ""),
        operator_id_number=values.get("operator_id_number", ""),
        contact_name=values.get("contact_name", ""), contact_mobile=values.get("contact_mobile", ""),
        **facts,
    )
    # Kind and area were looked up above; the public code is new. Fields that already have
    # a problem are not checked twice.
    exclude = {"kind", "area", "public_code", *errors}
    try:
        venue.full_clean(exclude=exclude)
    except ValidationError as problems:
        for key, messages in problems.message_dict.items():
            if key not in errors:
                for message in messages:
                    error(key, message)

    for key, messages in errors.items():
        if key == NON_FIELD_ERRORS:
            column = ""
        elif key in mapping:
            column = column_heading(batch, mapping[key])
        else:
            column = str(FIELDS_BY_KEY[key].label) if key in FIELDS_BY_KEY else str(_label(key))
        result.errors.extend((column, message) for message in messages)
    result.venue, result.other_kinds = venue, others
    return result


def validate_rows(batch, user):
    """Validate every row of ``batch`` as ``user`` would record it: the same model checks as
    a venue recorded by hand, the area within their scope, and duplicates (of the whole
    register, or of an earlier row of the sheet) reported apart from errors."""
    mapping = clean_mapping(batch)
    all_values = [_row_values(row, mapping) for row in batch.rows]
    lookups = _Lookups(user, all_values)
    results = [_validate_row(row, mapping, batch, lookups) for row in batch.rows]

    codes = {r.venue.credit_code for r in results if r.venue.credit_code}
    names = {r.venue.name for r in results if r.venue.name}
    # The whole register, not just the person's scope: a venue is registered once. What is
    # found elsewhere is never described, only said to exist.
    registered_codes = set(
        Venue.objects.filter(credit_code__in=codes).values_list("credit_code", flat=True)
    ) if codes else set()
    registered_places = set(
        Venue.objects.filter(name__in=names).values_list("name", "address")
    ) if names else set()

    seen_codes, seen_places = {}, {}
    good, rejected, duplicates = [], [], []
    for result in results:
        venue = result.venue
        code, place = venue.credit_code, (venue.name, venue.address)
        if code and code in registered_codes:
            result.duplicate = _("A venue with this credit code is already registered.")
        elif all(place) and place in registered_places:
            result.duplicate = _("A venue with this name and address is already registered.")
        elif code and code in seen_codes:
            result.duplicate = _("Repeats row %(row)d (the same credit code).") % {"row": seen_codes[code]}
        elif all(place) and place in seen_places:
            result.duplicate = _("Repeats row %(row)d (the same name and address).") % {
                "row": seen_places[place]}
        if code:
            seen_codes.setdefault(code, result.number)
        if all(place):
            seen_places.setdefault(place, result.number)
        if result.duplicate:
            duplicates.append(result)
        elif result.errors:
            rejected.append(result)
        else:
            good.append(result)
    return ValidationResult(good=good, rejected=rejected, duplicates=duplicates)


# Import ----------------------------------------------------------------------------------

# Any number, the same for every import: two imports never check duplicates at once.
_IMPORT_LOCK = 720_931


def _serialize_imports():
    """Two people importing sheets with the same venues at the same moment must not both
    find them new. SQLite's IMMEDIATE transactions already run one writer at a time."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_IMPORT_LOCK])


def _stored_problems(results):
    return [
        {"row": row.number, "errors": [list(error) for error in row.errors], "duplicate": row.duplicate}
        for row in sorted(results, key=lambda row: row.number)
    ]


def import_batch(batch, user):
    """Import the good rows of ``batch`` as ``user``, all or nothing; returns the batch with
    its result. Raises AlreadyImported when it has been imported before."""
    with transaction.atomic():
        _serialize_imports()
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.status == ImportStatus.IMPORTED:
            raise AlreadyImported
        result = validate_rows(locked, user)
        created = []
        for row in result.good:
            venue = registration.record(row.venue, user, source="import", other_kinds=row.other_kinds)
            created.append(venue.pk)
        locked.status = ImportStatus.IMPORTED
        locked.imported_at = timezone.now()
        locked.result = {
            "imported": len(created), "rejected": len(result.rejected),
            "duplicates": len(result.duplicates), "venues": created,
            "problems": _stored_problems(result.rejected + result.duplicates),
        }
        locked.save(update_fields=["status", "imported_at", "result"])
        AuditEntry.objects.create(
            actor=user, action="venue.import", object_type="import_batch", object_id=str(locked.pk),
            detail={key: locked.result[key] for key in ("imported", "rejected", "duplicates")},
        )
    return locked


# Workbooks -------------------------------------------------------------------------------

def _put(sheet, row, column, value, bold=False):
    # Text from a sheet or a person is never a formula when opened in Excel.
    cell = as_text(sheet.cell(row=row, column=column, value=xlsx_value(value)))
    if bold:
        cell.font = Font(bold=True)


def _text_row(sheet, row, values, bold=False):
    for column, value in enumerate(values, start=1):
        _put(sheet, row, column, value, bold=bold)


def _workbook_bytes(workbook):
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def rejected_rows(batch, user):
    """The rows to fix, each as {"row", "cells", "problems"}: stored at import time, or
    found now for a batch not yet imported."""
    if batch.status == ImportStatus.IMPORTED:
        rows = {row["row"]: row["cells"] for row in batch.rows}
        out = []
        for stored in batch.result.get("problems", []):
            problem = RowResult(number=stored["row"], cells=rows.get(stored["row"], []),
                                errors=[tuple(error) for error in stored["errors"]],
                                duplicate=stored["duplicate"])
            out.append(problem)
        return out
    result = validate_rows(batch, user)
    return sorted(result.rejected + result.duplicates, key=lambda row: row.number)


def rejected_rows_workbook(batch, user):
    """The rejected and duplicate rows as they were in the sheet, with a last column saying
    what is wrong, to be fixed and imported again (that column is ignored on import)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Rows to fix")[:31]
    headers = list(batch.headers)
    _text_row(sheet, 1, [*headers, _("Problems")], bold=True)
    for number, row in enumerate(rejected_rows(batch, user), start=2):
        cells = (list(row.cells) + [""] * len(headers))[:len(headers)]
        _text_row(sheet, number, [*cells, row.problems_text])
    sheet.freeze_panes = "A2"
    sheet.column_dimensions[get_column_letter(len(headers) + 1)].width = 60
    return _workbook_bytes(workbook)


def _example_area(user):
    """(village name, grid name) of the first place the person works in, for the example."""
    if user is None:
        return "", ""
    area = areas_for(user).filter(level__gte=AreaLevel.VILLAGE).order_by("path").first()
    if area is None:
        return "", ""
    if area.level == AreaLevel.GRID:
        return area.get_parent().name, area.name
    return area.name, ""


def example_row(user=None):
    """A row that imports as it is for ``user`` (once: a second time it is a duplicate)."""
    village, grid = _example_area(user)
    kind = (kinds_for(user) if user is not None else VenueKind.objects.all()).order_by("sort_order").first()
    body = "92500156MA6X00001"
    values = {
        "name": _("Example shop (delete this row)"), "kind": kind.name if kind else "",
        "village": village, "grid": grid, "address": _("No. 1 Example Street"),
        "licence": str(LicenceSituation.LICENSED.label),
        "credit_code": body + credit_code_check_char(body), "floor_area": "80", "floors": "1",
        "operator_name": _("Zhang San"), "operator_mobile": "13800000000",
    }
    return [values.get(f.key, "") for f in FIELDS]


def template_workbook(user=None):
    """The census template: our headings (required ones marked) and one example row; a
    second sheet lists the kinds, licence situations, types of venue and, for ``user``, the
    villages and grids they work in."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Census")[:31]
    _text_row(sheet, 1, [f.heading for f in FIELDS], bold=True)
    _text_row(sheet, 2, example_row(user))
    sheet.freeze_panes = "A2"
    for index, f in enumerate(FIELDS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, len(f.heading) * 2 + 2)

    options = workbook.create_sheet(_("Options")[:31])
    kinds = kinds_for(user) if user is not None else VenueKind.objects.all()
    columns = [
        (_label("kind"), [kind.name for kind in kinds.order_by("sort_order")]),
        (_label("licence"), [str(label) for label in LicenceSituation.labels]),
        (_label("subtype"), [label() for label in SUBTYPE_LABELS.values()]),
    ]
    if user is not None:
        areas = list(areas_for(user).filter(level__gte=AreaLevel.VILLAGE).order_by("path"))
        villages = Area.village_names(areas)
        columns.append((AreaLevel.VILLAGE.label, [villages[a.pk] for a in areas]))
        columns.append((AreaLevel.GRID.label, [a.name if a.level == AreaLevel.GRID else "" for a in areas]))
    _text_row(options, 1, [str(heading) for heading, _values in columns], bold=True)
    for column, (_heading, values) in enumerate(columns, start=1):
        options.column_dimensions[get_column_letter(column)].width = 30
        for row, value in enumerate(values, start=2):
            _put(options, row, column, value)
    return _workbook_bytes(workbook)
