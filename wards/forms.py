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
