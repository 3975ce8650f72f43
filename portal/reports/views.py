from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_ratelimit.decorators import ratelimit

from portal.reports import selectors
from portal.reports.forms import ReportForm, ResolveForm
from portal.reports.services import report_create, report_resolve


@require_http_methods(["GET", "HEAD", "POST"])
@ratelimit(key="ip", rate=lambda group, request: settings.REPORT_RATE_PER_IP, block=False)
def report(request: HttpRequest) -> HttpResponse:
    """The short form behind every "Báo thông tin sai" link."""
    params = request.POST if request.method == "POST" else request.GET
    target = selectors.report_target(params)
    if target is None:
        message = _("Không rõ bạn muốn báo về thông tin nào. Hãy mở lại từ trang có thông tin sai.")
        return render(request, "reports/message.html", {"message": message}, status=400)
    if request.method == "POST" and getattr(request, "limited", False):
        message = _("Bạn đã gửi nhiều báo cáo quá. Hãy thử lại sau một giờ.")
        return render(request, "reports/message.html", {"message": message}, status=429)
    form = ReportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if not form.is_spam():
            report_create(
                **target,
                what_is_wrong=form.cleaned_data["what_is_wrong"],
                email=form.cleaned_data["email"],
            )
        context = {"target": target, "email": form.cleaned_data["email"]}
        return render(request, "reports/thanks.html", context)
    status = 400 if request.method == "POST" else 200
    return render(request, "reports/form.html", {"form": form, "target": target}, status=status)


@require_safe
@never_cache
@login_required
def queue(request: HttpRequest) -> HttpResponse:
    reports = selectors.staff_reports(request.user)[:200]
    return render(request, "reports/queue.html", {"reports": reports, "form": ResolveForm()})


@require_POST
@never_cache
@login_required
def resolve(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.staff_report_get(request.user, pk)
    form = ResolveForm(request.POST)
    if not form.is_valid():
        reports = selectors.staff_reports(request.user)[:200]
        context = {"reports": reports, "form": form, "failed": report.pk}
        return render(request, "reports/queue.html", context, status=400)
    closed = report_resolve(report=report, user=request.user, **form.cleaned_data)
    if closed:
        messages.success(request, _("Đã ghi kết quả xử lý."))
    else:
        messages.info(request, _("Báo cáo này đã được xử lý trước đó."))
    return redirect("reports_staff:queue")
