from django.contrib import admin
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.two_factor.models import TwoFactorDevice

# django-otp's own page for the same rows, in English and able to add a device for someone
# else, gives way to the one below.
admin.site.unregister(TOTPDevice)


@admin.register(TwoFactorDevice)
class TwoFactorDeviceAdmin(admin.ModelAdmin):
    """Who has two-factor sign-in on. A site admin deletes the device of someone who lost
    their phone; they then sign in with the password alone and set up the new phone.
    Nobody adds or edits a device here: each person does that with their own app."""

    list_display = ["account", "state", "created", "last_used", "failures"]
    search_fields = ["user__username", "user__email"]
    list_select_related = ["user"]
    # The secret never shows: the page lists these and nothing else.
    fields = readonly_fields = list_display

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="tài khoản", ordering="user__username")
    def account(self, device):
        return device.user

    @admin.display(description="trạng thái", ordering="confirmed")
    def state(self, device):
        return "đang dùng" if device.confirmed else "chưa xác nhận"

    @admin.display(description="tạo lúc", ordering="created_at")
    def created(self, device):
        return device.created_at

    @admin.display(description="dùng lần cuối", ordering="last_used_at")
    def last_used(self, device):
        return device.last_used_at

    @admin.display(description="số lần nhập sai liên tiếp")
    def failures(self, device):
        return device.throttling_failure_count
