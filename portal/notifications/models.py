"""Who asked to hear about what, the changes worth telling (the outbox), and each email.

An `Event` row is written in the same transaction as the public change it describes, so a
change can never be committed without its notification, whatever the broker is doing. Each
(event, subscription) pair becomes one `Delivery` row: the unique constraint makes fan-out
repeatable, and the conditional update that claims a delivery makes sending repeatable.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.outbox import EventKind
from procedures.models import Procedure
from wards.models import ServicePoint, Unit


class Frequency(models.TextChoices):
    IMMEDIATE = "ngay", _("Ngay khi có thay đổi")
    WEEKLY = "hang_tuan", _("Một thư tóm tắt mỗi tuần")


class Subscriber(models.Model):
    """One email address; what it follows are its subscriptions."""

    email = models.EmailField(_("thư điện tử"), unique=True)
    frequency = models.CharField(
        _("nhận thư"), max_length=10, choices=Frequency.choices, default=Frequency.IMMEDIATE
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("người nhận thư")
        verbose_name_plural = _("người nhận thư")

    def __str__(self) -> str:
        return self.email


class SubscriptionStatus(models.TextChoices):
    PENDING = "cho_xac_nhan", _("Chờ xác nhận")
    CONFIRMED = "da_xac_nhan", _("Đã xác nhận")
    ENDED = "da_huy", _("Đã hủy")


class Subscription(models.Model):
    """An address follows one unit (its notices and service points) or one procedure."""

    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="subscriptions"
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, null=True, blank=True, related_name="subscriptions"
    )
    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, null=True, blank=True, related_name="subscriptions"
    )
    status = models.CharField(
        _("trạng thái"),
        max_length=15,
        choices=SubscriptionStatus.choices,
        default=SubscriptionStatus.PENDING,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__isnull=False, procedure__isnull=True)
                | Q(unit__isnull=True, procedure__isnull=False),
                name="subscription_follows_one_thing",
            ),
            models.UniqueConstraint(
                fields=["subscriber", "unit"],
                condition=Q(unit__isnull=False),
                name="one_subscription_per_unit",
            ),
            models.UniqueConstraint(
                fields=["subscriber", "procedure"],
                condition=Q(procedure__isnull=False),
                name="one_subscription_per_procedure",
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"])]
        verbose_name = _("đăng ký nhận thư")
        verbose_name_plural = _("đăng ký nhận thư")

    def __str__(self) -> str:
        return f"{self.subscriber} → {self.unit or self.procedure}"

    @property
    def followed(self) -> Unit | Procedure:
        return self.unit or self.procedure


class Event(models.Model):
    """A public change worth an email: the transactional outbox."""

    kind = models.CharField(_("loại"), max_length=20, choices=EventKind.choices)
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
    title = models.CharField(_("tóm tắt"), max_length=300)
    # [{"label": "Điện thoại", "old": "…", "new": "…"}], in the order the page shows them.
    changes = models.JSONField(_("thay đổi"), default=list, blank=True)
    path = models.CharField(_("trang"), max_length=300)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    fanned_out_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=Q(fanned_out_at__isnull=True),
                name="event_awaiting_fan_out",
            )
        ]
        verbose_name = _("sự kiện")
        verbose_name_plural = _("sự kiện (hộp thư đi)")

    def __str__(self) -> str:
        return self.title


class DeliveryStatus(models.TextChoices):
    PENDING = "cho_gui", _("Chờ gửi")
    SENT = "da_gui", _("Đã gửi")
    FAILED = "loi", _("Lỗi")


class Delivery(models.Model):
    """One email telling one subscription about one event."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="deliveries")
    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["event", "subscription"], name="one_delivery_per_event_and_subscription"
            )
        ]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=Q(status="cho_gui"),
                name="delivery_pending",
            )
        ]
        verbose_name = _("thư đã gửi")
        verbose_name_plural = _("thư đã gửi")

    def __str__(self) -> str:
        return f"{self.event} → {self.subscription.subscriber}"


class DigestSend(models.Model):
    """The weekly digest of one subscriber for one week, sent at most once."""

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="digests")
    week_start = models.DateField()
    events = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["subscriber", "week_start"], name="one_digest_per_week")
        ]

    def __str__(self) -> str:
        return f"{self.subscriber} {self.week_start}"


class ReminderReason(models.TextChoices):
    UNVERIFIED = "chua_xac_minh", _("Chưa xác nhận thông tin trong 90 ngày")
    NO_HOURS = "chua_co_gio", _("Chưa có giờ làm việc")


class StaffReminder(models.Model):
    """A reminder to a unit's staff about one service point, at most one per reason a week."""

    service_point = models.ForeignKey(
        ServicePoint, on_delete=models.CASCADE, related_name="reminders"
    )
    reason = models.CharField(max_length=20, choices=ReminderReason.choices)
    week_start = models.DateField()
    recipients = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["service_point", "reason", "week_start"], name="one_reminder_per_week"
            )
        ]

    def __str__(self) -> str:
        return f"{self.service_point} {self.reason} {self.week_start}"
