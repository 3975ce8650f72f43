from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """Residents' email subscriptions, the outbox of public changes and their deliveries."""

    name = "portal.notifications"
    label = "notifications"
    verbose_name = "Thông báo qua thư điện tử"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from portal.notifications.services import event_dispatch
        from portal.outbox import event_recorded

        event_recorded.connect(event_dispatch, dispatch_uid="notifications.event_dispatch")
