from django.apps import AppConfig


class TwoFactorConfig(AppConfig):
    name = "portal.two_factor"
    label = "two_factor"
    verbose_name = "Xác thực hai bước"
