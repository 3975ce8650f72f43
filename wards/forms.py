from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from wards.models import Unit, UnitType
from wards.nearby import in_vietnam, unit_origin


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

    def __init__(self, *args, unit_counts: dict[str, int] | None = None, **kwargs) -> None:
        """`unit_counts` (selectors.province_unit_counts): offer only the types the province
        has, so Hà Nội's filter has no "Đặc khu" that would list nothing."""
        super().__init__(*args, **kwargs)
        if unit_counts is not None:
            self.fields["loai"].choices = [
                ("", _("Tất cả")),
                *((value, label) for value, label in UnitType.choices if unit_counts.get(value)),
            ]


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


class NearbyForm(forms.Form):
    """Where to look from: the browser's position, or a Hà Nội unit picked from the list."""

    lat = forms.FloatField(
        required=False,
        min_value=-90,
        max_value=90,
        widget=forms.HiddenInput,
        error_messages={
            key: _("Vĩ độ phải là một số từ -90 đến 90.")
            for key in ("invalid", "min_value", "max_value")
        },
    )
    lon = forms.FloatField(
        required=False,
        min_value=-180,
        max_value=180,
        widget=forms.HiddenInput,
        error_messages={
            key: _("Kinh độ phải là một số từ -180 đến 180.")
            for key in ("invalid", "min_value", "max_value")
        },
    )
    don_vi = forms.ModelChoiceField(
        label=_("Hoặc chọn phường, xã của bạn"),
        queryset=Unit.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=_("— Chọn phường, xã —"),
        widget=forms.Select(attrs={"aria-describedby": "don-vi-hint"}),
        error_messages={
            "invalid_choice": _("Không có phường, xã này ở Hà Nội. Hãy chọn lại trong danh sách.")
        },
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["don_vi"].queryset = (
            Unit.objects.filter(province__code=settings.DEFAULT_PROVINCE_CODE)
            .only("code", "name", "type", "latitude", "longitude")
            .order_by("name_folded")
        )

    def clean(self) -> dict:
        data = super().clean()
        if self.errors:
            return data
        lat, lon, unit = data.get("lat"), data.get("lon"), data.get("don_vi")
        if lat is not None and lon is not None:
            if not in_vietnam(lat, lon):
                raise forms.ValidationError(
                    _(
                        "Vị trí của bạn nằm ngoài Việt Nam nên không tìm được điểm phục vụ gần."
                        " Hãy chọn phường, xã trong danh sách."
                    ),
                    code="outside_vietnam",
                )
            data["origin"] = (lat, lon)
        elif lat is not None or lon is not None:
            raise forms.ValidationError(
                _("Thiếu vĩ độ hoặc kinh độ. Hãy thử lại, hoặc chọn phường, xã trong danh sách."),
                code="incomplete",
            )
        elif unit is not None:
            data["origin"] = unit_origin(unit)
            if data["origin"] is None:
                raise forms.ValidationError(
                    _("Chưa có toạ độ nơi làm thủ tục của %(unit)s. Hãy chọn phường, xã khác."),
                    code="no_coordinates",
                    params={"unit": unit.full_name},
                )
        else:
            raise forms.ValidationError(
                _("Hãy bấm “Dùng vị trí của tôi” hoặc chọn phường, xã của bạn."), code="required"
            )
        return data

    def first_error(self) -> str:
        return next(iter(self.errors.values()))[0]
