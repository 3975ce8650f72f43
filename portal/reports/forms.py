from django import forms
from django.utils.translation import gettext_lazy as _

from portal.reports.models import MAX_TEXT


class ReportForm(forms.Form):
    what_is_wrong = forms.CharField(
        label=_("Thông tin nào sai, và đúng ra là gì?"),
        max_length=MAX_TEXT,
        min_length=10,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": MAX_TEXT}),
        error_messages={
            "required": _("Hãy viết thông tin nào sai."),
            "min_length": _("Hãy viết rõ hơn một chút (ít nhất %(limit_value)d ký tự)."),
            "max_length": _("Nội dung dài quá %(limit_value)d ký tự."),
        },
    )
    email = forms.EmailField(
        label=_("Thư điện tử của bạn (không bắt buộc, để nhận trả lời)"),
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    # Left empty by people; filled by form-filling robots (hidden from view and from
    # screen readers, not from the page's markup).
    website = forms.CharField(required=False, max_length=200, label=_("Để trống ô này"))

    def is_spam(self) -> bool:
        return bool(self.cleaned_data.get("website"))


class ResolveForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Kết quả"),
        choices=[("da_sua", _("Đã sửa")), ("khong_sai", _("Thông tin không sai"))],
    )
    staff_note = forms.CharField(
        label=_("Ghi chú gửi người báo (không bắt buộc)"), required=False, max_length=500
    )
