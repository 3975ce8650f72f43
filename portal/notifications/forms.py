from django import forms
from django.utils.translation import gettext_lazy as _

from portal.notifications.models import Frequency
from procedures.models import Procedure, Status
from wards.models import Unit


class SubscribeForm(forms.Form):
    """An address and the one unit or procedure it wants to hear about."""

    email = forms.EmailField(
        label=_("Địa chỉ thư điện tử của bạn"),
        max_length=254,
        error_messages={
            "required": _("Hãy nhập địa chỉ thư điện tử."),
            "invalid": _("Địa chỉ thư điện tử chưa đúng (ví dụ: ten@example.com)."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "inputmode": "email"}),
    )
    don_vi = forms.CharField(required=False, max_length=10, widget=forms.HiddenInput)
    thu_tuc = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        code, slug = data.get("don_vi"), data.get("thu_tuc")
        data["unit"] = Unit.objects.filter(code=code).first() if code else None
        data["procedure"] = (
            Procedure.objects.filter(slug=slug, status=Status.PUBLISHED).first() if slug else None
        )
        if (data["unit"] is None) == (data["procedure"] is None):
            raise forms.ValidationError(
                _("Không rõ bạn muốn theo dõi đơn vị hay thủ tục nào; hãy mở lại trang đó.")
            )
        return data


class PreferencesForm(forms.Form):
    frequency = forms.ChoiceField(
        label=_("Nhận thư"), choices=Frequency.choices, widget=forms.RadioSelect
    )
    keep = forms.TypedMultipleChoiceField(
        label=_("Tiếp tục theo dõi"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, subscriptions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keep"].choices = [(s.pk, str(s.followed)) for s in subscriptions]
