"""Forms ward staff fill in. Every rule a resident-facing fact must meet is checked here,
so the form comes back with the error beside the field and what was typed."""

import phonenumbers
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wards.models import (
    HoursException,
    HoursExceptionKind,
    Notice,
    NoticeKind,
    ServicePoint,
)
from wards.nearby import in_vietnam


class ServicePointForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = ServicePoint
        fields = [
            "name",
            "address",
            "phone",
            "email",
            "latitude",
            "longitude",
            "coordinates_approximate",
            "accessibility_notes",
            "note",
            "is_active",
        ]
        widgets = {
            "accessibility_notes": forms.Textarea(attrs={"rows": 2}),
            "note": forms.Textarea(attrs={"rows": 2}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        }

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        if not phone:
            return ""
        try:
            number = phonenumbers.parse(phone, "VN")
        except phonenumbers.NumberParseException:
            number = None
        if number is None or not phonenumbers.is_valid_number(number):
            raise forms.ValidationError(_("Số điện thoại không đúng, ví dụ: 024 3833 1234."))
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)

    def clean(self):
        cleaned = super().clean()
        latitude, longitude = cleaned.get("latitude"), cleaned.get("longitude")
        if (latitude is None) != (longitude is None):
            self.add_error("longitude", _("Nhập cả vĩ độ và kinh độ, hoặc bỏ trống cả hai."))
        elif latitude is not None and not in_vietnam(latitude, longitude):
            self.add_error("latitude", _("Toạ độ này nằm ngoài Việt Nam, hãy kiểm tra lại."))
        return cleaned


class HoursExceptionForm(forms.ModelForm):
    class Meta:
        model = HoursException
        fields = ["start_date", "end_date", "kind", "reason", "opens", "closes"]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}),
            "end_date": forms.DateInput(attrs={"type": "date"}),
            "opens": forms.TimeInput(attrs={"type": "time"}),
            "closes": forms.TimeInput(attrs={"type": "time"}),
        }

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("Ngày kết thúc phải từ ngày bắt đầu trở đi."))
        kind, opens, closes = cleaned.get("kind"), cleaned.get("opens"), cleaned.get("closes")
        if kind == HoursExceptionKind.CLOSED and (opens or closes):
            self.add_error("opens", _("Ngày nghỉ thì bỏ trống giờ mở và đóng cửa."))
        if kind == HoursExceptionKind.SPECIAL_HOURS:
            if not opens or not closes:
                self.add_error("opens", _("Giờ đặc biệt cần cả giờ mở và giờ đóng cửa."))
            elif closes <= opens:
                self.add_error("closes", _("Giờ đóng cửa phải sau giờ mở cửa."))
        return cleaned

    def validate_constraints(self, exclude=None):
        # The database constraints repeat the rules above; the form's own messages are
        # the ones staff should read.
        return


class NoticeForm(forms.ModelForm):
    class Meta:
        model = Notice
        fields = ["kind", "title", "body", "ends_on"]
        widgets = {
            "body": forms.Textarea(attrs={"rows": 6}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
        }

    def clean(self):
        cleaned = super().clean()
        ends_on = cleaned.get("ends_on")
        if cleaned.get("kind") == NoticeKind.CLOSURE and not ends_on:
            self.add_error("ends_on", _("Thông báo tạm đóng cửa cần ngày kết thúc."))
        if ends_on and ends_on < timezone.localdate():
            self.add_error("ends_on", _("Ngày kết thúc đã qua."))
        return cleaned

    def validate_constraints(self, exclude=None):
        return
