"""The admin page that invites the staff of many units at once: one line a person."""

import csv
import io
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wards.models import Unit
from wards.services import staff_account_invite
from wards.services.staff_accounts import ROLE_NAMES

MAX_LINES = 500


class InviteForm(forms.Form):
    lines = forms.CharField(
        label=gettext_lazy("Danh sách mời (mỗi dòng: mã đơn vị, thư điện tử, vai trò)"),
        help_text=gettext_lazy(
            "Ví dụ: 00166, can.bo@caugiay.hanoi.gov.vn, editor. Vai trò: editor (cập nhật "
            "điểm phục vụ, giờ, thông báo) hoặc unit-admin (thêm xem lịch sử); bỏ trống là "
            "editor. Có thể dán từ bảng tính (CSV). Tối đa 500 dòng."
        ),
        max_length=100_000,
        widget=forms.Textarea(attrs={"rows": 10, "cols": 80}),
    )


@dataclass(frozen=True)
class Invitation:
    line: int
    unit: Unit
    email: str
    role: str


def parse_invitations(text: str) -> tuple[list[Invitation], list[tuple[int, str]]]:
    """Every line checked before anyone is invited; (invitations, errors by line)."""
    rows = [
        (number, [cell.strip() for cell in row])
        for number, row in enumerate(csv.reader(io.StringIO(text)), start=1)
        if any(cell.strip() for cell in row)
    ]
    if len(rows) > MAX_LINES:
        return [], [(0, _("Nhiều hơn %(max)d dòng.") % {"max": MAX_LINES})]
    units = {u.code: u for u in Unit.objects.filter(code__in=[r[0] for _, r in rows if r])}
    invitations, errors, seen = [], [], set()
    for number, cells in rows:
        code, email, role = [*cells, "", "", ""][:3]
        problems = []
        if code not in units:
            problems.append(_("không có đơn vị mã “%(code)s”") % {"code": code[:20]})
        try:
            validate_email(email)
        except ValidationError:
            problems.append(_("thư điện tử “%(email)s” không đúng") % {"email": email[:100]})
        if (role or "editor") not in ROLE_NAMES:
            problems.append(_("vai trò “%(role)s” không có") % {"role": role[:30]})
        if (code, email.lower()) in seen:
            problems.append(_("trùng một dòng trước"))
        seen.add((code, email.lower()))
        if problems:
            errors.append((number, "; ".join(problems)))
        else:
            invitations.append(Invitation(number, units[code], email, ROLE_NAMES[role or "editor"]))
    return invitations, errors


def staff_invite_view(model_admin):
    def view(request):
        if not request.user.is_superuser:
            raise PermissionDenied
        form = InviteForm(request.POST or None)
        context = {
            **model_admin.admin_site.each_context(request),
            "opts": model_admin.model._meta,
            "title": _("Mời cán bộ phường, xã"),
            "form": form,
        }
        if request.method == "POST" and form.is_valid():
            invitations, errors = parse_invitations(form.cleaned_data["lines"])
            if errors or not invitations:
                context["errors"] = errors or [(0, _("Không có dòng nào."))]
            else:
                with transaction.atomic():
                    for invitation in invitations:
                        staff_account_invite(
                            unit=invitation.unit, email=invitation.email, role=invitation.role
                        )
                messages.success(
                    request,
                    _("Đã mời %(count)d cán bộ; mỗi người nhận một thư để tự đặt mật khẩu.")
                    % {"count": len(invitations)},
                )
                return redirect("admin:wards_staffmembership_changelist")
        return TemplateResponse(request, "admin/wards/staffmembership/invite.html", context)

    return view
