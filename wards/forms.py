from django import forms
from django.utils.translation import gettext_lazy as _

from wards.models import UnitType


class UnitFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Tìm theo tên"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("Ví dụ: Ba Đình, cau giay"),
                "autocomplete": "off",
            }
        ),
    )
    loai = forms.ChoiceField(
        label=_("Loại đơn vị"),
        required=False,
        choices=[("", _("Tất cả")), *UnitType.choices],
    )


class ConvertForm(forms.Form):
    """A former address to look up; the page and the API validate it the same way."""

    MAX_LENGTH = 200
    MAX_LIMIT = 50

    q = forms.CharField(
        label=_("Địa chỉ cũ"),
        max_length=MAX_LENGTH,
        strip=True,
        error_messages={
            "required": _("Hãy nhập địa chỉ cũ cần tra cứu (tham số q)."),
            "max_length": _("Địa chỉ dài quá %(limit_value)d ký tự, hãy rút gọn."),
            "null_characters_not_allowed": _("Địa chỉ chứa ký tự không hợp lệ."),
        },
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("Ví dụ: P. Quan Hoa, Q. Cầu Giấy, Hà Nội"),
                "autocomplete": "street-address",
                "spellcheck": "false",
            }
        ),
    )
    limit = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_LIMIT,
        error_messages={
            "invalid": _("Tham số limit phải là số nguyên từ 1 đến 50."),
            "min_value": _("Tham số limit phải là số nguyên từ 1 đến 50."),
            "max_value": _("Tham số limit phải là số nguyên từ 1 đến 50."),
        },
    )

    def first_error(self) -> str:
        return next(iter(self.errors.values()))[0]
