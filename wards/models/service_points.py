"""Where residents file, and when it is open."""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from wards.models.admin_units import SourcedModel, Unit


class ServicePointKind(models.TextChoices):
    PUBLIC_ADMINISTRATIVE = "hanh_chinh_cong", _("Điểm phục vụ hành chính công")
    CITY_CENTRE_BRANCH = "chi_nhanh_trung_tam", _("Chi nhánh Trung tâm Phục vụ hành chính công")
    POLICE_RECEPTION = "cong_an", _("Nơi tiếp dân của Công an phường/xã")
    OTHER = "khac", _("Khác")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Thứ Hai")
    TUESDAY = 1, _("Thứ Ba")
    WEDNESDAY = 2, _("Thứ Tư")
    THURSDAY = 3, _("Thứ Năm")
    FRIDAY = 4, _("Thứ Sáu")
    SATURDAY = 5, _("Thứ Bảy")
    SUNDAY = 6, _("Chủ nhật")


class ServicePoint(SourcedModel):
    """A place where residents of a unit file their procedures.

    An empty address, phone or email means the fact is not known yet ("chưa xác minh").
    """

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="service_points")
    name = models.CharField(_("tên"), max_length=200)
    kind = models.CharField(_("loại"), max_length=30, choices=ServicePointKind.choices)
    address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    latitude = models.FloatField(_("vĩ độ"), null=True, blank=True)
    longitude = models.FloatField(_("kinh độ"), null=True, blank=True)
    coordinates_approximate = models.BooleanField(_("toạ độ gần đúng"), default=True)
    phone = models.CharField(_("điện thoại"), max_length=30, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    accessibility_notes = models.TextField(_("lối đi cho người khuyết tật, hỗ trợ"), blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    verified_at = models.DateTimeField(_("xác nhận lúc"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người xác nhận"),
    )
    # Incremented by every staff save; a save carrying an older version is refused.
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["unit", "kind", "name"]
        verbose_name = _("điểm phục vụ")
        verbose_name_plural = _("điểm phục vụ")

    def __str__(self) -> str:
        return f"{self.name} ({self.unit})"


class WeeklyHours(models.Model):
    """One opening interval on a weekday; a day may have several (morning, afternoon)."""

    service_point = models.ForeignKey(
        ServicePoint, on_delete=models.CASCADE, related_name="weekly_hours"
    )
    weekday = models.PositiveSmallIntegerField(_("thứ"), choices=Weekday.choices)
    opens = models.TimeField(_("mở cửa"))
    closes = models.TimeField(_("đóng cửa"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["weekday", "opens"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes__gt=F("opens")), name="hours_close_after_open"
            )
        ]
        verbose_name = _("giờ làm việc trong tuần")
        verbose_name_plural = _("giờ làm việc trong tuần")

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class HoursExceptionKind(models.TextChoices):
    CLOSED = "dong_cua", _("Nghỉ, đóng cửa")
    SPECIAL_HOURS = "gio_dac_biet", _("Giờ làm việc đặc biệt")


class HoursException(models.Model):
    """Dates on which the weekly hours do not apply: a closure, or special hours."""

    service_point = models.ForeignKey(
        ServicePoint, on_delete=models.CASCADE, related_name="exceptions"
    )
    start_date = models.DateField(_("từ ngày"))
    end_date = models.DateField(_("đến hết ngày"))
    kind = models.CharField(_("loại"), max_length=20, choices=HoursExceptionKind.choices)
    reason = models.CharField(_("lý do"), max_length=200, blank=True)
    opens = models.TimeField(_("mở cửa"), null=True, blank=True)
    closes = models.TimeField(_("đóng cửa"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="exception_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(kind="dong_cua", opens__isnull=True, closes__isnull=True)
                | Q(kind="gio_dac_biet", closes__gt=F("opens")),
                name="exception_hours_match_kind",
            ),
        ]
        verbose_name = _("ngày nghỉ, giờ đặc biệt")
        verbose_name_plural = _("ngày nghỉ, giờ đặc biệt")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.start_date:%d/%m/%Y}–{self.end_date:%d/%m/%Y}"

    def covers(self, day: date) -> bool:
        return self.start_date <= day <= self.end_date


class PublicHoliday(models.Model):
    """A day off for public offices. Loaded from the `holidays` package; an admin may
    correct a day (the government fixes Tết's days off each year), and such a row is
    never overwritten by a later load."""

    date = models.DateField(_("ngày"), unique=True)
    name = models.CharField(_("tên"), max_length=200)
    is_day_off = models.BooleanField(_("được nghỉ"), default=True)
    source = models.CharField(_("nguồn"), max_length=100)
    edited_by_admin = models.BooleanField(_("quản trị viên đã sửa"), default=False)

    class Meta:
        ordering = ["date"]
        verbose_name = _("ngày lễ, nghỉ")
        verbose_name_plural = _("ngày lễ, nghỉ")

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.name}"
