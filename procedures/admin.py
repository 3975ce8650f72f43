from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportMixin
from simple_history.admin import SimpleHistoryAdmin

from portal.notifications.models import EventKind
from portal.text import fold
from procedures.models import (
    Cost,
    LegalBasis,
    OnlineLinkCheck,
    Procedure,
    ProcedureStep,
    RequiredDocument,
)
from procedures.resources import ProcedureResource
from procedures.services import procedure_announce, procedures_set_status


class StepInline(admin.TabularInline):
    model = ProcedureStep
    extra = 0


class DocumentInline(admin.TabularInline):
    model = RequiredDocument
    extra = 0


class CostInline(admin.TabularInline):
    model = Cost
    extra = 0


class LegalBasisInline(admin.TabularInline):
    model = LegalBasis
    extra = 0


@admin.register(Procedure)
class ProcedureAdmin(ImportExportMixin, SimpleHistoryAdmin):
    # Import shows a preview with every row's errors before anything is saved.
    resource_classes = [ProcedureResource]
    list_display = [
        "name",
        "code",
        "field",
        "level",
        "moved_from_district",
        "online_level",
        "status",
    ]
    list_filter = ["field", "level", "moved_from_district", "status", "online_level"]
    search_fields = ["code", "name", "name_folded"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["verified_at", "verified_by", "updated_at"]
    inlines = [StepInline, DocumentInline, CostInline, LegalBasisInline]
    actions = ["publish", "withdraw"]

    def get_search_results(self, request, queryset, search_term):
        # Editors type without diacritics too: search the folded name as well.
        results, distinct = super().get_search_results(request, queryset, search_term)
        if search_term:
            results |= queryset.filter(name_folded__contains=fold(search_term))
        return results, distinct

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # The admin saves in one transaction: the event commits with the change or not at all.
        changes = [
            (form.fields[name].label, form.initial.get(name, ""), form.cleaned_data.get(name, ""))
            for name in form.changed_data
            if name not in {"status", "slug"}
        ]
        changes += [
            (formset.model._meta.verbose_name_plural, "", _("đã cập nhật"))
            for formset in formsets
            if formset.has_changed()
        ]
        published = "status" in form.changed_data and form.instance.status == "published"
        if change and (changes or published):
            kind = EventKind.PROCEDURE_PUBLISHED if published else EventKind.PROCEDURE_CHANGED
            procedure_announce(procedure=form.instance, kind=kind, changes=changes)

    @admin.action(description=_("Công bố các thủ tục đã chọn"), permissions=["change"])
    def publish(self, request, queryset):
        count = procedures_set_status(procedures=queryset, status="published", user=request.user)
        self.message_user(request, _("Đã công bố %d thủ tục.") % count, messages.SUCCESS)

    @admin.action(description=_("Bãi bỏ các thủ tục đã chọn"), permissions=["change"])
    def withdraw(self, request, queryset):
        count = procedures_set_status(procedures=queryset, status="withdrawn", user=request.user)
        self.message_user(request, _("Đã bãi bỏ %d thủ tục.") % count, messages.SUCCESS)


@admin.register(OnlineLinkCheck)
class OnlineLinkCheckAdmin(admin.ModelAdmin):
    """The nightly check of online-service links; a link is "hỏng" after three failures."""

    list_display = ["procedure", "state", "consecutive_failures", "last_checked_at", "last_result"]
    list_filter = ["state"]
    search_fields = ["procedure__name", "url"]
    readonly_fields = [f.name for f in OnlineLinkCheck._meta.fields]

    def has_add_permission(self, request):
        return False
