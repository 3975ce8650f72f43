"""What admins look at when a resident asks "why did I (not) get an email?". Read-only:
every change goes through the services, never through the admin."""

from django.contrib import admin

from portal.notifications.models import Delivery, Event, Subscriber, Subscription


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class SubscriptionInline(admin.TabularInline):
    model = Subscription
    fields = ["unit", "procedure", "status", "created_at", "confirmed_at", "ended_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Subscriber)
class SubscriberAdmin(ReadOnlyAdmin):
    list_display = ["email", "frequency", "created_at"]
    list_filter = ["frequency"]
    search_fields = ["email"]
    inlines = [SubscriptionInline]


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "created_at", "fanned_out_at"]
    list_filter = ["kind"]
    search_fields = ["title"]
    date_hierarchy = "created_at"


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ["event", "subscription", "status", "attempts", "sent_at", "error"]
    list_filter = ["status"]
    search_fields = ["subscription__subscriber__email"]
    list_select_related = ["event", "subscription__subscriber"]
    raw_id_fields = ["event", "subscription"]
