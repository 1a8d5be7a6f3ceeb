"""Spreadsheets we hand out (.xlsx and .csv) hold text people typed: a venue's name, an area,
a staff member's name, a census sheet's cells. Excel runs a cell that starts with "=" (and, in
a .csv, also "+", "-", "@", a tab or a carriage return) as a formula, which can fetch a web
address or start a program (OWASP "CSV injection"). Every export writes text through this
module, so no text ever becomes a live formula:

- .xlsx: a text cell is always stored as text (openpyxl would store "=..." as a formula),
  without the control characters an .xlsx file cannot hold (openpyxl refuses to write them,
  which would break the whole download);
- .csv: a field that starts with one of those characters gets a leading single quote, as
  OWASP recommends, so the cell is read as text.

Numbers and dates are left alone: only text is changed, so a negative number stays a number,
and masked mobile numbers ("138****0000") never start with one of the characters."""

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_text(value):
    """A .csv field that no spreadsheet reads as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def xlsx_value(value):
    """A value openpyxl can write: text loses the control characters .xlsx cannot hold."""
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def as_text(cell):
    """An openpyxl cell whose text is never a formula."""
    if cell.data_type == "f":
        cell.data_type = "s"
    return cell


def text_cells(sheet, values):
    """A row for a write-only sheet (``sheet.append(text_cells(sheet, [...]))``)."""
    return [as_text(WriteOnlyCell(sheet, xlsx_value(value))) for value in values]


def protect_wagtail_exports():
    """Wagtail's own .csv exports (the venue list and the audit log through modeladmin, and
    Wagtail's reports, such as the site history with staff names and snippet names) write
    text as it is; its .xlsx exports store "=..." as text already, but stop at a control
    character. Called once from VenuesConfig.ready()."""
    from wagtail.admin.views.mixins import SpreadsheetExportMixin

    original = SpreadsheetExportMixin.preprocess_field_value
    if getattr(original, "protects_formulas", False):
        return

    def preprocess_field_value(self, field, value, export_format):
        value = original(self, field, value, export_format)
        return csv_text(value) if export_format == self.FORMAT_CSV else xlsx_value(value)

    preprocess_field_value.protects_formulas = True
    SpreadsheetExportMixin.preprocess_field_value = preprocess_field_value
