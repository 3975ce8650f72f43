from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """Residents tell the unit's staff (or the catalogue editors) that something is wrong."""

    name = "portal.reports"
    label = "reports"
    verbose_name = "Báo thông tin sai"
    default_auto_field = "django.db.models.BigAutoField"
