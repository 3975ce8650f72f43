from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from portal.reports.models import Report, ReportStatus
from portal.reports.services import report_resolve


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """Catalogue editors answer reports about procedures here (ward staff use /can-bo/)."""

    list_display = ["created_at", "procedure", "unit", "status", "what_is_wrong"]
    list_filter = ["status", ("procedure", admin.EmptyFieldListFilter)]
    search_fields = ["what_is_wrong", "procedure__name", "unit__name"]
    readonly_fields = [
        "unit",
        "service_point",
        "procedure",
        "what_is_wrong",
        "email",
        "status",
        "created_at",
        "resolved_at",
        "resolved_by",
    ]
    fields = [*readonly_fields, "staff_note"]
    actions = ["mark_fixed", "mark_not_a_problem"]

    def has_add_permission(self, request):
        return False

    def _resolve(self, request, queryset, status):
        note = ""
        closed = sum(
            report_resolve(report=report, status=status, staff_note=note, user=request.user)
            for report in queryset.filter(status=ReportStatus.OPEN)
        )
        self.message_user(request, _("Đã xử lý %d báo cáo.") % closed, messages.SUCCESS)

    @admin.action(description=_("Đánh dấu đã sửa"), permissions=["change"])
    def mark_fixed(self, request, queryset):
        self._resolve(request, queryset, ReportStatus.FIXED)

    @admin.action(description=_("Đánh dấu thông tin không sai"), permissions=["change"])
    def mark_not_a_problem(self, request, queryset):
        self._resolve(request, queryset, ReportStatus.NOT_A_PROBLEM)
