import re
from collections.abc import Callable

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.two_factor.services import CodeCheck

SIX_DIGITS = re.compile(r"[0-9]{6}")


class CodeForm(forms.Form):
    """One six-digit code from the authenticator app, checked by `check` (a service that
    counts wrong codes). Something that is not six digits is a typing slip and is refused
    before the check, so it is not counted as a guess."""

    code = forms.CharField(
        label=_("Mã xác thực (6 chữ số)"),
        error_messages={"required": _("Hãy nhập mã 6 chữ số trong ứng dụng xác thực.")},
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "size": 8}
        ),
    )

    def __init__(self, *args, check: Callable[[str], CodeCheck], **kwargs):
        super().__init__(*args, **kwargs)
        self.check = check
        self.result: CodeCheck | None = None

    def clean_code(self) -> str:
        # Apps show the code as "123 456"; people paste it with spaces or a dash.
        code = re.sub(r"[\s-]", "", self.cleaned_data["code"])
        if not SIX_DIGITS.fullmatch(code):
            raise forms.ValidationError(
                _("Mã gồm đúng 6 chữ số, như ứng dụng xác thực hiện."), code="format"
            )
        self.result = self.check(code)
        if self.result.wait_seconds:
            raise forms.ValidationError(self._wait_message(self.result), code="throttled")
        if not self.result.accepted:
            raise forms.ValidationError(
                _("Mã không đúng hoặc đã hết hạn. Hãy nhập mã đang hiện trong ứng dụng."),
                code="wrong",
            )
        return code

    @staticmethod
    def _wait_message(result: CodeCheck) -> str:
        message = gettext(
            "Mã đã bị nhập sai %(failures)d lần liên tiếp. Hãy đợi %(seconds)d giây rồi thử lại."
        )
        return message % {"failures": result.failures, "seconds": result.wait_seconds}
