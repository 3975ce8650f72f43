"""A resident's report that something the portal shows is wrong.

The row is its own outbox: the staff email and the reply to the reporter are each claimed
by a conditional update of their timestamp, so a task that runs twice sends once.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

MAX_TEXT = 2000


class ReportStatus(models.TextChoices):
    OPEN = "moi", _("Chưa xử lý")
    FIXED = "da_sua", _("Đã sửa")
    NOT_A_PROBLEM = "khong_sai", _("Thông tin không sai")


class Report(models.Model):
    unit = models.ForeignKey(
        "wards.Unit", on_delete=models.CASCADE, null=True, blank=True, related_name="reports"
    )
    service_point = models.ForeignKey(
        "wards.ServicePoint", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    procedure = models.ForeignKey(
        "procedures.Procedure",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reports",
    )
    what_is_wrong = models.TextField(_("thông tin nào sai"), max_length=MAX_TEXT)
    email = models.EmailField(_("thư điện tử để nhận trả lời"), blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.OPEN
    )
    staff_note = models.CharField(_("ghi chú của cán bộ"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("gửi lúc"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("xử lý lúc"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    staff_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    reply_sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("báo thông tin sai")
        verbose_name_plural = _("báo thông tin sai")
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__isnull=False) | Q(procedure__isnull=False),
                name="report_is_about_a_unit_or_a_procedure",
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject}: {self.what_is_wrong[:60]}"

    @property
    def subject(self) -> str:
        if self.service_point_id:
            return self.service_point.name
        if self.procedure_id:
            return self.procedure.name
        return self.unit.full_name

    @property
    def is_open(self) -> bool:
        return self.status == ReportStatus.OPEN
