from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """Residents' email subscriptions, the outbox of public changes and their deliveries."""

    name = "portal.notifications"
    label = "notifications"
    verbose_name = "Thông báo qua thư điện tử"
    default_auto_field = "django.db.models.BigAutoField"
