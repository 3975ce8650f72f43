from django.contrib import admin
from django.urls import path
from simple_history.admin import SimpleHistoryAdmin

from portal.outbox import quiet_change_record
from wards.admin_invite import staff_invite_view
from wards.models import (
    AdministrativeChange,
    DataSource,
    FormerUnit,
    HoursException,
    Notice,
    Province,
    PublicHoliday,
    ServicePoint,
    StaffMembership,
    Succession,
    Unit,
    WeeklyHours,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Imported rows change only through setup_data, so the admin shows them read-only."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Province)
class ProvinceAdmin(ReadOnlyAdmin):
    list_display = ["code", "full_name", "legal_basis", "source_version"]
    search_fields = ["code", "name", "name_folded"]


class SuccessionInline(admin.TabularInline):
    model = Succession
    fk_name = "unit"
    fields = ["former_unit", "is_default", "source", "source_version"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Unit)
class UnitAdmin(ReadOnlyAdmin):
    list_display = ["code", "full_name", "province", "legal_basis", "source_version"]
    list_filter = ["type", "province"]
    list_select_related = ["province"]
    search_fields = ["code", "name", "name_folded"]
    inlines = [SuccessionInline]


@admin.register(FormerUnit)
class FormerUnitAdmin(ReadOnlyAdmin):
    list_display = ["code", "full_name", "district_name", "former_province_name"]
    list_filter = ["type", "province"]
    search_fields = ["code", "name", "name_folded", "district_name"]


@admin.register(AdministrativeChange)
class AdministrativeChangeAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "legal_basis", "legal_basis_date", "source", "recorded_at"]
    list_select_related = ["province", "unit"]


@admin.register(DataSource)
class DataSourceAdmin(ReadOnlyAdmin):
    list_display = ["name", "version", "licence", "imported_at"]


class WeeklyHoursInline(admin.TabularInline):
    model = WeeklyHours
    extra = 0


class HoursExceptionInline(admin.TabularInline):
    model = HoursException
    extra = 0


@admin.register(ServicePoint)
class ServicePointAdmin(SimpleHistoryAdmin):
    list_display = ["name", "unit", "kind", "address", "verified_at", "is_active"]
    list_filter = ["kind", "is_active", "unit__province"]
    list_select_related = ["unit"]
    search_fields = ["name", "address", "unit__name_folded", "unit__code"]
    raw_id_fields = ["unit", "verified_by"]
    readonly_fields = ["source", "source_version", "version", "created_at", "updated_at"]
    inlines = [WeeklyHoursInline, HoursExceptionInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        quiet_change_record(unit=form.instance.unit)


@admin.register(PublicHoliday)
class PublicHolidayAdmin(admin.ModelAdmin):
    list_display = ["date", "name", "is_day_off", "source", "edited_by_admin"]
    list_filter = ["is_day_off", "edited_by_admin"]
    date_hierarchy = "date"
    readonly_fields = ["source", "edited_by_admin"]

    def save_model(self, request, obj, form, change):
        # An admin's correction (the actual Tết days off) survives later loads.
        obj.edited_by_admin = True
        super().save_model(request, obj, form, change)


@admin.register(StaffMembership)
class StaffMembershipAdmin(admin.ModelAdmin):
    """Site admins give staff accounts their units here."""

    list_display = ["user", "unit", "role", "created_at"]
    list_filter = ["role", "unit__province"]
    list_select_related = ["user", "unit"]
    search_fields = ["user__username", "user__email", "unit__name_folded", "unit__code"]
    autocomplete_fields = ["user", "unit"]

    def get_urls(self):
        view = self.admin_site.admin_view(staff_invite_view(self))
        return [path("moi/", view, name="wards_staffmembership_invite"), *super().get_urls()]


@admin.register(Notice)
class NoticeAdmin(SimpleHistoryAdmin):
    list_display = ["title", "unit", "kind", "published_at", "ends_on", "withdrawn_at"]
    list_filter = ["kind"]
    list_select_related = ["unit"]
    search_fields = ["title", "unit__name_folded"]
    raw_id_fields = ["unit", "created_by"]
