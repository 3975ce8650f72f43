"""Forms ward staff fill in. Every rule a resident-facing fact must meet is checked here,
so the form comes back with the error beside the field and what was typed."""

import re
from datetime import timedelta

import nh3
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
from wards.services.staff_edits import NOTICE_TAGS

# Upper bounds on what staff type, beyond the model's own: long texts and how far dates reach.
MAX_LONG_TEXT = 2000
MAX_NOTICE = 20_000
DAYS_BACK, DAYS_AHEAD, MAX_SPAN = 366, 2 * 366, 366


def date_in_reach(day, field: str, form: forms.Form) -> None:
    today = timezone.localdate()
    if day and not (today - timedelta(DAYS_BACK) <= day <= today + timedelta(DAYS_AHEAD)):
        form.add_error(field, _("Chỉ nhận ngày trong khoảng một năm trước đến hai năm tới."))


class ServicePointForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    accessibility_notes = forms.CharField(
        label=_("Lối đi cho người khuyết tật, hỗ trợ"),
        required=False,
        max_length=MAX_LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    note = forms.CharField(
        label=_("Ghi chú"),
        required=False,
        max_length=MAX_LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

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
        date_in_reach(start, "start_date", self)
        date_in_reach(end, "end_date", self)
        if start and end and (end - start).days > MAX_SPAN:
            self.add_error(
                "end_date", _("Một lần nghỉ dài nhất một năm; hãy chia thành nhiều lần.")
            )
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

    def clean_body(self) -> str:
        body = self.cleaned_data["body"]
        if len(body) > MAX_NOTICE:
            raise forms.ValidationError(_("Nội dung dài quá %(max)d ký tự.") % {"max": MAX_NOTICE})
        visible = re.sub(r"<[^>]*>|&nbsp;|\s", "", nh3.clean(body, tags=NOTICE_TAGS))
        if not visible:
            raise forms.ValidationError(_("Nội dung trống (sau khi bỏ định dạng không cho phép)."))
        return body

    def clean(self):
        cleaned = super().clean()
        ends_on = cleaned.get("ends_on")
        date_in_reach(ends_on, "ends_on", self)
        if cleaned.get("kind") == NoticeKind.CLOSURE and not ends_on:
            self.add_error("ends_on", _("Thông báo tạm đóng cửa cần ngày kết thúc."))
        if ends_on and ends_on < timezone.localdate():
            self.add_error("ends_on", _("Ngày kết thúc đã qua."))
        return cleaned

    def validate_constraints(self, exclude=None):
        return
