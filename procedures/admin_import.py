"""The admin page that imports a catalogue file: upload, preview every error, confirm."""

import base64
import binascii
from pathlib import PurePath

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from procedures.catalogue_io import FORMATS, catalogue_import

MAX_BYTES = 1_500_000  # base64 in the confirm form must stay under Django's 2.5 MB body limit


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Tệp danh mục (CSV, XLSX hoặc JSON)"),
        help_text=gettext_lazy("Tối đa 1,5 MB. Các cột như tệp xuất ra từ nút “Xuất”."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("Tệp lớn hơn 1,5 MB."))
        if file_format(upload.name) is None:
            raise forms.ValidationError(_("Chỉ nhận tệp .csv, .xlsx hoặc .json."))
        return upload


class ConfirmForm(forms.Form):
    """Carries the previewed file back; it is checked again in full before it is saved."""

    name = forms.CharField(max_length=255, widget=forms.HiddenInput)
    content = forms.CharField(max_length=MAX_BYTES * 2, widget=forms.HiddenInput)

    def clean_content(self):
        try:
            return base64.b64decode(self.cleaned_data["content"], validate=True)
        except (binascii.Error, ValueError):
            raise forms.ValidationError(_("Tệp gửi lại bị hỏng; hãy tải lên lại.")) from None


def file_format(name: str) -> str | None:
    suffix = PurePath(name).suffix.lower().lstrip(".")
    return suffix if suffix in FORMATS else None


def decoded(content: bytes, file_format: str) -> str | bytes | None:
    if file_format == "xlsx":
        return content
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def catalogue_import_view(model_admin):
    def view(request):
        if not model_admin.has_import_permission(request):
            raise PermissionDenied
        context = {
            **model_admin.admin_site.each_context(request),
            "opts": model_admin.model._meta,
            "title": _("Nhập danh mục thủ tục"),
            "upload": UploadForm(),
        }
        if request.method == "POST" and "confirm" in request.POST:
            return _confirm(request, model_admin, context)
        if request.method == "POST":
            _preview(request, context)
        return TemplateResponse(request, "admin/procedures/procedure/import.html", context)

    return view


def _preview(request, context) -> None:
    upload = UploadForm(request.POST, request.FILES)
    context["upload"] = upload
    if not upload.is_valid():
        return
    file = upload.cleaned_data["file"]
    content = file.read()
    fmt = file_format(file.name)
    data = decoded(content, fmt)
    if data is None:
        upload.add_error("file", _("Tệp không phải văn bản UTF-8."))
        return
    report = catalogue_import(data=data, file_format=fmt, dry_run=True)
    context["report"] = report
    context["file_name"] = file.name
    if not report.errors:
        context["confirm"] = ConfirmForm(
            initial={"name": file.name, "content": base64.b64encode(content).decode()}
        )


def _confirm(request, model_admin, context):
    confirm = ConfirmForm(request.POST)
    fmt = file_format(request.POST.get("name", ""))
    data = decoded(confirm.cleaned_data["content"], fmt) if confirm.is_valid() and fmt else None
    if data is None:
        messages.error(request, _("Tệp gửi lại bị hỏng; hãy tải lên lại."))
        return redirect("admin:procedures_procedure_import")
    report = catalogue_import(data=data, file_format=fmt, dry_run=False)
    if not report.imported:
        context.update(report=report, file_name=confirm.cleaned_data["name"])
        return TemplateResponse(request, "admin/procedures/procedure/import.html", context)
    messages.success(
        request,
        _("Đã nhập %(rows)d dòng: %(new)d thủ tục mới, %(updated)d thủ tục cập nhật.")
        % {"rows": report.rows, "new": report.new, "updated": report.updated},
    )
    return redirect("admin:procedures_procedure_changelist")
