from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ERROR_FLAG
from django.db import models
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin
from simple_history.admin import SimpleHistoryAdmin

from portal.outbox import EventKind, quiet_change_record
from portal.text import fold
from procedures.admin_import import catalogue_import_view
from procedures.models import (
    Cost,
    LegalBasis,
    OnlineLinkCheck,
    Procedure,
    ProcedureStep,
    RequiredDocument,
)
from procedures.resources import ProcedureResource
from procedures.seeding import EDITED
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


class ReplacedLawFilter(admin.SimpleListFilter):
    """Editors find the records resting on a legal document that is no longer in force."""

    title = _("căn cứ pháp lý")
    parameter_name = "can_cu"

    def lookups(self, request, model_admin):
        return [
            ("het_hieu_luc", _("Có văn bản đã hết hiệu lực")),
            ("chua_co", _("Chưa có căn cứ pháp lý")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "het_hieu_luc":
            return queryset.filter(legal_basis__in_force=False).distinct()
        if self.value() == "chua_co":
            return queryset.filter(legal_basis__isnull=True)
        return queryset


@admin.register(Procedure)
class ProcedureAdmin(ExportMixin, SimpleHistoryAdmin):
    # Export through django-import-export; import through the portal's own page, which
    # previews every error of every row in Vietnamese before anything is saved.
    resource_classes = [ProcedureResource]
    import_export_change_list_template = "admin/procedures/procedure/change_list.html"
    export_template_name = "admin/procedures/procedure/export.html"
    list_display = [
        "name",
        "code",
        "field",
        "moved_from_district",
        "online_level",
        "rests_on_replaced_law",
        "status",
    ]
    list_filter = [
        ReplacedLawFilter,
        "settled_by",
        "field",
        "level",
        "moved_from_district",
        "status",
        "online_level",
    ]
    search_fields = ["code", "name", "name_folded"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["verified_at", "verified_by", "updated_at"]
    inlines = [StepInline, DocumentInline, CostInline, LegalBasisInline]
    actions = ["publish", "withdraw"]
    # Links to the national portal are https; say so before Django 6 makes it the default.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_urls(self):
        view = self.admin_site.admin_view(catalogue_import_view(self))
        own = [path("nhap/", view, name="procedures_procedure_import")]
        return own + super().get_urls()

    def export_action(self, request):
        # A filter the list does not know (a hand-edited address) is a message, not a 500.
        try:
            return super().export_action(request)
        except IncorrectLookupParameters:
            messages.error(request, _("Bộ lọc trong địa chỉ không hợp lệ; đã bỏ bộ lọc."))
            return redirect(f"{request.path}?{ERROR_FLAG}=1")

    def has_import_permission(self, request) -> bool:
        return self.has_add_permission(request) and self.has_change_permission(request)

    def changelist_view(self, request, extra_context=None):
        extra = {"has_import_permission": self.has_import_permission(request)}
        return super().changelist_view(request, extra_context={**(extra_context or {}), **extra})

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("legal_basis")

    @admin.display(description=_("căn cứ hết hiệu lực"), boolean=True)
    def rests_on_replaced_law(self, procedure: Procedure) -> bool:
        return any(rule.in_force is False for rule in procedure.legal_basis.all())

    def save_model(self, request, obj, form, change):
        obj.seed_digest = EDITED  # the seed no longer updates what editors changed
        super().save_model(request, obj, form, change)

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
            if name not in {"status", "slug", "editor_note", "fact_sources"}
        ]
        changes += [
            (formset.model._meta.verbose_name_plural, "", _("đã cập nhật"))
            for formset in formsets
            if formset.has_changed()
        ]
        quiet_change_record(procedure=form.instance)
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
