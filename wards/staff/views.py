"""Staff pages: each resolves its objects through wards.staff.selectors, which answer
404 for anything outside the user's own units."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from portal.htmx import template_for, wants_fragment
from wards.history import service_point_history, unit_notice_history
from wards.services.staff_edits import (
    ConcurrentEdit,
    IntervalInput,
    hours_exception_create,
    hours_exception_delete,
    notice_publish,
    notice_withdraw,
    police_office_add,
    service_point_update,
    service_point_verify,
    weekly_hours_replace,
)
from wards.staff import selectors as staff
from wards.staff.forms import HoursExceptionForm, NoticeForm, ServicePointForm
from wards.staff.forms_week import WeekForm, apply_shortcut, typed_week, week_initial


@require_safe
@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    context = {
        "rows": staff.staff_dashboard(request.user),
        "units": staff.staff_units(request.user),
    }
    return render(request, "wards/staff/dashboard.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def point_edit(request: HttpRequest, pk: int) -> HttpResponse:
    point = staff.staff_service_point_get(request.user, pk)
    conflict = None
    if request.method == "POST":
        form = ServicePointForm(request.POST, instance=point)
        if form.is_valid():
            fields = {name: form.cleaned_data[name] for name in ServicePointForm.Meta.fields}
            try:
                service_point_update(
                    point_id=point.pk,
                    seen_version=form.cleaned_data["version"],
                    fields=fields,
                    user=request.user,
                )
            except ConcurrentEdit as edit:
                conflict = _conflict_rows(form, edit)
                # Show what was typed, now against the saved version: saving again
                # overwrites knowingly.
                data = request.POST.copy()
                data["version"] = edit.current.version
                form = ServicePointForm(data, instance=edit.current)
                form.is_valid()
            else:
                messages.success(request, _("Đã lưu thông tin điểm phục vụ."))
                return redirect("staff:point_edit", pk=point.pk)
    else:
        form = ServicePointForm(instance=point, initial={"version": point.version})
    context = {"point": point, "form": form, "conflict": conflict}
    return render(request, "wards/staff/point_edit.html", context)


def _conflict_rows(form, edit: ConcurrentEdit) -> list[tuple[str, str, str]]:
    return [
        (str(form.fields[name].label), str(yours or "—"), str(theirs or "—"))
        for name, (yours, theirs) in edit.changed.items()
    ]


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def point_hours(request: HttpRequest, pk: int) -> HttpResponse:
    """The week, a row a day with a morning and an afternoon. Shortcuts (Monday's hours
    for the working week, Saturday morning, the last saved week, another point's week)
    re-show the form without saving; Lưu saves all or nothing and says so in place."""
    point = staff.staff_service_point_get(request.user, pk)
    others = staff.staff_sibling_points(point)
    action = request.POST.get("action", "")
    saved_message = ""
    if request.method == "POST" and action == "save":
        form = WeekForm(request.POST)
        if form.is_valid():
            try:
                point = weekly_hours_replace(
                    point_id=point.pk,
                    seen_version=form.cleaned_data["version"],
                    intervals=[IntervalInput(*interval) for interval in form.intervals()],
                    user=request.user,
                )
            except ConcurrentEdit:
                messages.error(
                    request,
                    _(
                        "Người khác vừa sửa điểm phục vụ này. Giờ làm việc hiện tại ở dưới, "
                        "hãy nhập lại thay đổi của bạn."
                    ),
                )
                return redirect("staff:point_hours", pk=point.pk)
            saved_message = (
                _("Đã lưu giờ làm việc lúc %(time)s.")
                % {"time": timezone.localtime().strftime("%H:%M")}
                if point.week_changed
                else _("Giờ làm việc không thay đổi nên không có gì cần lưu.")
            )
            if not wants_fragment(request):
                messages.success(request, saved_message)
                return redirect("staff:point_hours", pk=point.pk)
            form = _saved_week_form(point)
    elif request.method == "POST":
        form = WeekForm(initial=_shortcut_week(request, point, others, action))
    else:
        form = _saved_week_form(point)
    context = {"point": point, "form": form, "others": others, "saved_message": saved_message}
    return render(request, template_for(request, "wards/staff/point_hours.html", "hours"), context)


def _saved_week_form(point) -> WeekForm:
    return WeekForm(initial={**week_initial(_week_of(point)), "version": point.version})


def _shortcut_week(request: HttpRequest, point, others, action: str) -> dict:
    version = {"version": request.POST.get("version", point.version)}
    if action == "copy_saved":
        return {**week_initial(_week_of(point)), **version}
    source = next((other for other in others if action == f"copy_point-{other.pk}"), None)
    if source is not None:
        return {**week_initial(_week_of(source)), **version}
    return {**apply_shortcut(typed_week(request.POST), action), **version}


def _week_of(point) -> list[tuple]:
    return [(h.weekday, h.opens, h.closes) for h in point.weekly_hours.all()]


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def point_exceptions(request: HttpRequest, pk: int) -> HttpResponse:
    point = staff.staff_service_point_get(request.user, pk)
    form = HoursExceptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        hours_exception_create(point=point, data=form.cleaned_data, user=request.user)
        messages.success(request, _("Đã thêm ngày nghỉ, giờ đặc biệt."))
        return redirect("staff:point_exceptions", pk=point.pk)
    context = {"point": point, "form": form, "exceptions": point.exceptions.all()}
    return render(request, "wards/staff/point_exceptions.html", context)


@require_POST
@login_required
def exception_delete(request: HttpRequest, pk: int) -> HttpResponse:
    exception = staff.staff_exception_get(request.user, pk)
    hours_exception_delete(exception=exception, user=request.user)
    messages.success(request, _("Đã xoá."))
    return redirect("staff:point_exceptions", pk=exception.service_point_id)


@require_POST
@login_required
def point_verify(request: HttpRequest, pk: int) -> HttpResponse:
    point = staff.staff_service_point_get(request.user, pk)
    service_point_verify(point=point, user=request.user)
    if wants_fragment(request):
        row = staff.staff_dashboard_row(point)
        return render(request, "wards/staff/dashboard.html#row", {"row": row})
    messages.success(request, _("Đã xác nhận thông tin vẫn đúng."))
    return redirect("staff:dashboard")


@require_safe
@login_required
def point_history(request: HttpRequest, pk: int) -> HttpResponse:
    point = staff.staff_service_point_get(request.user, pk)
    if not staff.staff_is_unit_admin(request.user, point.unit):
        raise Http404
    context = {"point": point, "entries": service_point_history(point)}
    return render(request, "wards/staff/point_history.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def unit_notices(request: HttpRequest, code: str) -> HttpResponse:
    unit = staff.staff_unit_get(request.user, code)
    form = NoticeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        notice_publish(unit=unit, user=request.user, **form.cleaned_data)
        messages.success(request, _("Đã đăng thông báo."))
        return redirect("staff:unit_notices", code=unit.code)
    context = {"unit": unit, "form": form, "notices": staff.staff_unit_notices(unit)}
    if staff.staff_is_unit_admin(request.user, unit):
        context["history"] = unit_notice_history(unit.pk)
    return render(request, "wards/staff/unit_notices.html", context)


@require_POST
@login_required
def police_office_add_view(request: HttpRequest, code: str) -> HttpResponse:
    unit = staff.staff_unit_get(request.user, code)
    point = police_office_add(unit=unit, user=request.user)
    messages.info(request, _("Nhập địa chỉ, điện thoại và giờ tiếp dân của Công an phường, xã."))
    return redirect("staff:point_edit", pk=point.pk)


@require_POST
@login_required
def notice_withdraw_view(request: HttpRequest, pk: int) -> HttpResponse:
    notice = staff.staff_notice_get(request.user, pk)
    notice_withdraw(notice=notice, user=request.user)
    messages.success(request, _("Đã thu hồi thông báo."))
    return redirect("staff:unit_notices", code=notice.unit.code)
