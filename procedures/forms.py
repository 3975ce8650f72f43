from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from procedures.models import Field
from wards.models import Unit

ONLINE = {"full": "fully", "partly": "partly"}
PER_PAGE = 10


class ProcedureSearchForm(forms.Form):
    """One box and three filters; the page and the API validate them the same way."""

    q = forms.CharField(
        label=_("Bạn cần làm thủ tục gì?"),
        required=False,
        max_length=200,
        error_messages={"max_length": _("Nội dung tìm dài quá %(limit_value)d ký tự.")},
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Ví dụ: khai sinh, ket hon, dkkd")}
        ),
    )
    field = forms.ChoiceField(
        label=_("Lĩnh vực"), required=False, choices=[("", _("Tất cả")), *Field.choices]
    )
    moved = forms.BooleanField(label=_("Chỉ thủ tục chuyển từ quận, huyện về"), required=False)
    online = forms.ChoiceField(
        label=_("Làm trực tuyến"),
        required=False,
        choices=[("", _("Tất cả")), ("full", _("Toàn trình")), ("partly", _("Một phần"))],
    )
    trang = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=10_000,
        widget=forms.HiddenInput,
        error_messages={
            key: _("Số trang phải là số nguyên dương.")
            for key in ("invalid", "min_value", "max_value")
        },
    )
    limit = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=50,
        error_messages={
            key: _("Tham số limit phải là số nguyên từ 1 đến 50.")
            for key in ("invalid", "min_value", "max_value")
        },
    )

    def search_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "query": data["q"],
            "field_value": data["field"],
            "moved": data["moved"],
            "online": ONLINE.get(data["online"], ""),
            "limit": data["limit"] or 10,
        }

    def page_arguments(self) -> dict:
        arguments = self.search_arguments()
        del arguments["limit"]
        return {**arguments, "page": self.cleaned_data["trang"] or 1, "per_page": PER_PAGE}

    def first_error(self) -> str:
        return next(iter(self.errors.values()))[0]

    def has_criteria(self) -> bool:
        data = self.cleaned_data
        return bool(data["q"] or data["field"] or data["moved"] or data["online"])


class WhereToFileForm(forms.Form):
    """Nộp ở đâu: the resident picks their (new) unit in Hà Nội."""

    don_vi = forms.ModelChoiceField(
        label=_("Phường, xã của bạn"),
        queryset=Unit.objects.none(),
        to_field_name="code",
        empty_label=_("— Chọn phường, xã —"),
        error_messages={"invalid_choice": _("Không có phường, xã này. Hãy chọn trong danh sách.")},
    )

    def __init__(self, *args, **kwargs) -> None:
        # The procedure page also holds the subscription form, whose hidden field is don_vi too.
        kwargs.setdefault("auto_id", "where_%s")
        super().__init__(*args, **kwargs)
        self.fields["don_vi"].queryset = (
            Unit.objects.filter(province__code=settings.DEFAULT_PROVINCE_CODE)
            .select_related("province")
            .order_by("name_folded")
        )
