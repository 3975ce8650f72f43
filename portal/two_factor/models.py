from django_otp.plugins.otp_totp.models import TOTPDevice


class TwoFactorDevice(TOTPDevice):
    """django-otp's TOTP device under a Vietnamese name, for the admin page where a site
    admin removes the device of someone who lost their phone."""

    class Meta:
        proxy = True
        verbose_name = "thiết bị xác thực hai bước"
        verbose_name_plural = "thiết bị xác thực hai bước"
