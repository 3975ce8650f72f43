"""Ward staff, the units they keep, and the notices they publish."""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from wards.models.admin_units import Unit


class StaffRole(models.TextChoices):
    EDITOR = "bien_tap", _("Biên tập viên")
    UNIT_ADMIN = "quan_tri", _("Quản trị đơn vị")


class StaffMembership(models.Model):
    """A staff account may keep one or more units; only theirs."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="unit_memberships"
    )
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="staff_memberships")
    role = models.CharField(_("vai trò"), max_length=20, choices=StaffRole.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "unit"], name="one_membership_per_unit")
        ]
        verbose_name = _("cán bộ đơn vị")
        verbose_name_plural = _("cán bộ đơn vị")

    def __str__(self) -> str:
        return f"{self.user} – {self.unit} ({self.get_role_display()})"


class NoticeKind(models.TextChoices):
    GENERAL = "thong_bao", _("Thông báo")
    CLOSURE = "tam_dong_cua", _("Tạm đóng cửa")


class Notice(models.Model):
    """A notice of a unit. A closure notice shows as a banner on the unit page until its
    end date. The body is HTML sanitised on the way in."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(_("loại"), max_length=20, choices=NoticeKind.choices)
    title = models.CharField(_("tiêu đề"), max_length=200)
    body = models.TextField(_("nội dung"))
    ends_on = models.DateField(_("hiệu lực đến hết ngày"), null=True, blank=True)
    published_at = models.DateTimeField(_("đăng lúc"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-published_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="tam_dong_cua") | Q(ends_on__isnull=False),
                name="closure_notice_has_end_date",
            )
        ]
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")

    def __str__(self) -> str:
        return self.title

    def is_active_on(self, day: date) -> bool:
        return self.withdrawn_at is None and (self.ends_on is None or self.ends_on >= day)
