"""The census import pages: upload → map columns → preview → import → result. Only staff who
may record venues and work somewhere may import; each sees only the imports they started (a
superuser every one), so another person's import answers 404. The work is done in
venues.census_import."""

from functools import wraps
from pathlib import Path

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from openpyxl.utils import get_column_letter

from . import audit, census_import
from .access import scope_roots
from .models import ImportBatch, ImportStatus

# How many of the good rows the preview shows; all of them are imported.
PREVIEW_GOOD_ROWS = 20


def may_import(user):
    return user.is_authenticated and user.has_perm("venues.add_venue") and bool(scope_roots(user))


def import_access(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not may_import(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)
    return wrapped


def batches_for(user):
    batches = ImportBatch.objects.select_related("created_by")
    return batches if user.is_superuser else batches.filter(created_by=user)


def _batch(request, batch_id):
    return get_object_or_404(batches_for(request.user), pk=batch_id)


def _xlsx_response(data, filename):
    response = HttpResponse(data, content_type=census_import.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Census sheet (.xlsx)"),
        help_text=gettext_lazy("The first sheet is read: a row of column headings, then one row per "
                               "venue. At most 5 MB and 5000 rows."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx," + census_import.XLSX_CONTENT_TYPE}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.headers, self.rows = census_import.read_workbook(upload)
        if not self.rows:
            raise ValidationError(_("The sheet has column headings but no rows of venues."))
        return upload


class MappingForm(forms.Form):
    """One choice of column per field of ours, pre-filled with the columns recognised."""

    def __init__(self, *args, batch, **kwargs):
        super().__init__(*args, **kwargs)
        columns = [
            (str(index), f"{get_column_letter(index + 1)}：{census_import.column_heading(batch, index)}")
            for index in range(len(batch.headers))
        ]
        mapping = census_import.clean_mapping(batch)
        for f in census_import.FIELDS:
            self.fields[f.key] = forms.ChoiceField(
                label=f.label, required=f.required,
                choices=[("", _("— not in the sheet —")), *columns],
                initial=str(mapping[f.key]) if f.key in mapping else "",
                error_messages={"required": _("Every row needs this: choose the column that holds it.")},
            )

    def clean(self):
        cleaned = super().clean()
        used = {}
        for f in census_import.FIELDS:
            column = cleaned.get(f.key)
            if not column:
                continue
            if column in used:
                self.add_error(f.key, _("This column is already chosen for “%(field)s”.")
                               % {"field": census_import.FIELDS_BY_KEY[used[column]].label})
            else:
                used[column] = f.key
        return cleaned

    def mapping(self):
        return {key: int(value) for key, value in self.cleaned_data.items() if value}


@import_access
def import_index(request):
    """Upload a sheet; below, the person's earlier imports and the template."""
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        batch = ImportBatch.objects.create(
            created_by=request.user, file_name=Path(upload.name).name[:200], headers=form.headers,
            rows=form.rows, mapping=census_import.suggest_mapping(form.headers),
        )
        messages.success(request, _("%(count)d rows read from %(file)s. Check which column holds what.")
                         % {"count": len(batch.rows), "file": batch.file_name})
        return redirect("venues_import_mapping", batch_id=batch.pk)
    batches = batches_for(request.user).defer("rows", "headers", "mapping")[:50]
    return render(request, "venues/admin/import_index.html", {"form": form, "batches": batches})


@import_access
def import_template(request):
    return _xlsx_response(census_import.template_workbook(request.user),
                          _("census-template") + ".xlsx")


@import_access
def import_mapping(request, batch_id):
    batch = _batch(request, batch_id)
    if batch.status == ImportStatus.IMPORTED:
        return redirect("venues_import_result", batch_id=batch.pk)
    form = MappingForm(request.POST or None, batch=batch)
    if request.method == "POST" and form.is_valid():
        batch.mapping = form.mapping()
        batch.save(update_fields=["mapping"])
        return redirect("venues_import_preview", batch_id=batch.pk)
    return render(request, "venues/admin/import_mapping.html", {"form": form, "batch": batch})


@import_access
def import_preview(request, batch_id):
    batch = _batch(request, batch_id)
    if batch.status == ImportStatus.IMPORTED:
        return redirect("venues_import_result", batch_id=batch.pk)
    if census_import.missing_fields(batch):
        return redirect("venues_import_mapping", batch_id=batch.pk)
    result = census_import.validate_rows(batch, request.user)
    return render(request, "venues/admin/import_preview.html", {
        "batch": batch, "result": result, "problems": result.problems,
        "first_good": result.good[:PREVIEW_GOOD_ROWS],
    })


@require_POST
@import_access
def import_run(request, batch_id):
    batch = _batch(request, batch_id)
    if batch.status != ImportStatus.IMPORTED and census_import.missing_fields(batch):
        # Every row would be refused: choose the columns first rather than spend the sheet.
        return redirect("venues_import_mapping", batch_id=batch.pk)
    try:
        batch = census_import.import_batch(batch, request.user)
    except census_import.AlreadyImported:
        messages.warning(request, _("This sheet was imported already; nothing was imported again."))
    else:
        messages.success(request, _("%(count)d venues imported.") % {"count": batch.result["imported"]})
    return redirect("venues_import_result", batch_id=batch.pk)


@import_access
def import_result(request, batch_id):
    batch = _batch(request, batch_id)
    if batch.status != ImportStatus.IMPORTED:
        return redirect("venues_import_preview", batch_id=batch.pk)
    return render(request, "venues/admin/import_result.html", {
        "batch": batch, "rows": census_import.rejected_rows(batch, request.user),
    })


@import_access
def import_rejected(request, batch_id):
    batch = _batch(request, batch_id)
    data = census_import.rejected_rows_workbook(batch, request.user)
    # The person's own sheet comes back as it was, to be fixed: recorded as an export.
    audit.record(request, "import.rejected_download", batch)
    return _xlsx_response(data, _("%(name)s-rows-to-fix") % {"name": Path(batch.file_name).stem} + ".xlsx")


def import_urls():
    """The import pages, registered with the venue list (venues.wagtail_hooks)."""
    return [
        path("venues/import/", import_index, name="venues_import"),
        path("venues/import/template/", import_template, name="venues_import_template"),
        path("venues/import/<int:batch_id>/", import_mapping, name="venues_import_mapping"),
        path("venues/import/<int:batch_id>/preview/", import_preview, name="venues_import_preview"),
        path("venues/import/<int:batch_id>/run/", import_run, name="venues_import_run"),
        path("venues/import/<int:batch_id>/result/", import_result, name="venues_import_result"),
        path("venues/import/<int:batch_id>/rejected/", import_rejected, name="venues_import_rejected"),
    ]
