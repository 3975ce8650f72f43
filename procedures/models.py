"""The catalogue of administrative procedures (thủ tục hành chính).

Shaped after the shared vocabularies so exports map cleanly: EU CPSV-AP's Public Service
with its Cost, Evidence (required documents), Output (result) and Rule (legal basis), and
Open Referral HSDS's required documents and cost options. An empty or null fact is
unknown and shown as "chưa xác minh"; it is never filled in by guess.
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.text import fold, join_sentences

CODE_FORMAT = re.compile(r"[0-9]\.[0-9]{6}")
SAME_DAY = _(
    "Trong ngày làm việc; hồ sơ nhận sau 15 giờ mà không giải quyết kịp thì trả kết quả trong "
    "ngày làm việc tiếp theo"
)


class Field(models.TextChoices):
    CIVIL_STATUS = "ho_tich", _("Hộ tịch")
    CERTIFICATION = "chung_thuc", _("Chứng thực")
    HOUSEHOLD_BUSINESS = "ho_kinh_doanh", _("Hộ kinh doanh")
    COOPERATIVE = "hop_tac_xa", _("Hợp tác xã")
    RESIDENCE = "cu_tru", _("Cư trú")
    SOCIAL_PROTECTION = "bao_tro_xa_hoi", _("Bảo trợ xã hội")
    MERITORIOUS = "nguoi_co_cong", _("Người có công")
    CONSTRUCTION = "xay_dung", _("Xây dựng")
    HOUSING = "nha_o", _("Nhà ở")
    LAND = "dat_dai", _("Đất đai")
    ADOPTION = "nuoi_con_nuoi", _("Nuôi con nuôi")
    RELIGION = "ton_giao", _("Tín ngưỡng, tôn giáo")
    COMPLAINTS = "khieu_nai_to_cao", _("Khiếu nại, tố cáo")
    MEDIATION = "hoa_giai", _("Hòa giải ở cơ sở")
    LABOUR = "lao_dong", _("Lao động, việc làm")
    EDUCATION = "giao_duc", _("Giáo dục")
    AGRICULTURE = "nong_nghiep", _("Nông nghiệp")


class Level(models.TextChoices):
    COMMUNE = "xa", _("Cấp xã")
    PROVINCE = "tinh", _("Cấp tỉnh")
    BOTH = "xa_tinh", _("Cấp xã và cấp tỉnh")


class OnlineLevel(models.TextChoices):
    NONE = "none", _("Không trực tuyến")
    PARTLY = "partly", _("Trực tuyến một phần")
    FULLY = "fully", _("Trực tuyến toàn trình")


class MovedStatus(models.TextChoices):
    """Who did the procedure before 1 July 2025, when the district level was abolished."""

    YES = "yes", _("Chuyển từ cấp huyện về cấp xã")
    NO = "no", _("Cấp xã đã thực hiện từ trước")
    BOTH = "both", _("Trước 1/7/2025 cả cấp huyện và cấp xã cùng thực hiện")


class Settler(models.TextChoices):
    """Who settles the procedure, which decides where a resident files it."""

    COMMUNE = "ubnd_xa", _("UBND phường, xã")
    COMMUNE_POLICE = "cong_an_xa", _("Công an phường, xã")
    CITY = "thanh_pho", _("Cơ quan cấp thành phố")


def settler_from_agency(agency: str) -> str:
    """The settler an agency's wording names ("" when it does not say)."""
    text = f" {agency.lower()} "
    if text.strip().startswith("công an"):
        return Settler.COMMUNE_POLICE
    # Where the resident files: a commune that receives and forwards counts as the commune.
    if any(word in text for word in ("cấp xã", " xã ", "phường")):
        return Settler.COMMUNE
    if any(word in text for word in ("cấp tỉnh", " sở ", "cấp thành phố")):
        return Settler.CITY
    return ""


class Status(models.TextChoices):
    DRAFT = "draft", _("Nháp")
    PUBLISHED = "published", _("Đã công bố")
    WITHDRAWN = "withdrawn", _("Đã bãi bỏ")


class Channel(models.TextChoices):
    IN_PERSON = "in_person", _("Trực tiếp")
    POST = "post", _("Bưu chính công ích")
    ONLINE = "online", _("Trực tuyến")


class Procedure(models.Model):
    code = models.CharField(_("mã thủ tục"), max_length=20, blank=True)
    code_verified = models.BooleanField(_("mã đã đối chiếu CSDL quốc gia"), default=False)
    name = models.CharField(_("tên"), max_length=300)
    slug = models.SlugField(max_length=200, unique=True)
    name_folded = models.CharField(max_length=300, editable=False, db_index=True)
    field = models.CharField(_("lĩnh vực"), max_length=30, choices=Field.choices)
    level = models.CharField(_("cấp thực hiện"), max_length=10, choices=Level.choices)
    agency = models.CharField(_("cơ quan thực hiện"), max_length=200, blank=True)
    settled_by = models.CharField(
        _("nơi nộp theo cơ quan giải quyết"),
        max_length=10,
        choices=Settler.choices,
        blank=True,
        help_text=_("Quyết định “Nộp ở đâu”: điểm phục vụ của phường, xã; Công an; cấp thành phố."),
    )
    name_en = models.CharField(
        _("tên tiếng Anh"),
        max_length=300,
        blank=True,
        help_text=_("Chỉ khi CSDL quốc gia về thủ tục hành chính có tên tiếng Anh."),
    )
    moved_from_district = models.CharField(
        _("trước 1/7/2025"), max_length=4, choices=MovedStatus.choices, blank=True
    )
    moved_by = models.CharField(_("văn bản chuyển"), max_length=200, blank=True)
    target_group = models.TextField(_("đối tượng thực hiện"), blank=True)
    channels = models.JSONField(_("cách thức thực hiện"), default=list, blank=True)
    processing_days = models.DecimalField(
        _("thời hạn (ngày làm việc)"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    same_day_cutoff = models.BooleanField(
        _("trong ngày, nhận sau 15 giờ thì trả ngày làm việc tiếp theo"), default=False
    )
    processing_note = models.TextField(
        _("ghi chú thời hạn"),
        blank=True,
        help_text=_("Chỉ điều số ngày không nói (gia hạn khi phải xác minh...), không nhắc lại."),
    )
    result_document = models.CharField(_("kết quả"), max_length=300, blank=True)
    online_level = models.CharField(
        _("mức dịch vụ công trực tuyến"), max_length=10, choices=OnlineLevel.choices, blank=True
    )
    national_portal_url = models.URLField(_("đường dẫn Cổng DVC quốc gia"), blank=True)
    any_service_point_in_city = models.BooleanField(
        _("nộp ở bất kỳ điểm phục vụ nào trong thành phố"), null=True, blank=True
    )
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    conflict_note = models.TextField(
        _("các nguồn mâu thuẫn"),
        blank=True,
        help_text=_("Người dân đọc được: viết bằng tiếng Việt, nêu cả hai điều các nguồn ghi."),
    )
    source = models.TextField(_("nguồn"), help_text=_("Văn bản hoặc trang nêu các thông tin này"))
    fact_sources = models.JSONField(
        _("nguồn của từng thông tin"),
        default=dict,
        blank=True,
        help_text=_(
            'Tên thông tin → danh sách nguồn, ví dụ {"documents": ["https://..."]}. Các '
            "khoá: code, moved, documents, processing, costs, legal, online, steps."
        ),
    )
    editor_note = models.TextField(
        _("ghi chú biên tập"),
        blank=True,
        help_text=_("Chỉ biên tập viên thấy: điều chưa chắc, điều chưa tìm được nguồn."),
    )
    seed_digest = models.CharField(max_length=64, blank=True, editable=False)
    verified_at = models.DateTimeField(_("xác minh lúc"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at", "name_folded", "seed_digest"])

    class Meta:
        ordering = ["field", "name_folded"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                condition=~Q(code=""),
                name="procedure_code_unique",
                violation_error_message=_("Mã thủ tục (cột code) này đã có ở một thủ tục khác."),
            ),
        ]
        verbose_name = _("thủ tục hành chính")
        verbose_name_plural = _("thủ tục hành chính")

    def __str__(self) -> str:
        return f"{self.code} {self.name}".strip()

    def save(self, *args, **kwargs):
        self.name_folded = fold(self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("procedures:detail", kwargs={"slug": self.slug})

    @property
    def is_moved(self) -> bool:
        return self.moved_from_district == MovedStatus.YES

    def processing_text(self) -> str:
        """The processing time as one text that states each fact once."""
        note = self.processing_note.strip()
        if self.same_day_cutoff:
            return join_sentences([SAME_DAY, note])
        if self.processing_days is None:
            return join_sentences([note])
        if not self.processing_days:
            return join_sentences([note or gettext("Giải quyết ngay khi nhận đủ hồ sơ hợp lệ")])
        days = f"{self.processing_days.normalize():f}".replace(".", ",")
        if translation.get_language() != settings.LANGUAGE_CODE:
            # The note stays Vietnamese: the number is stated in the page's language and the
            # note follows as written.
            days = formats.number_format(self.processing_days.normalize())
            number = 1 if self.processing_days == 1 else 2
            stated = ngettext("%(days)s ngày làm việc", "%(days)s ngày làm việc", number)
            return join_sentences([stated % {"days": days}, note])
        stated = f"{days} ngày làm việc"
        # A note that opens by restating the number ("03 ngày làm việc kể từ ...") continues
        # the same sentence instead of repeating it.
        repeat = re.match(rf"0*{re.escape(days)}\s*ngày(\s*làm việc)?\s*", note)
        if repeat:
            rest = note[repeat.end() :]
            return join_sentences([f"{stated} {rest}" if rest[:1].isalnum() else stated + rest])
        if re.search(rf"(?<![\d,])0*{re.escape(days)}\s*ngày làm việc", note):
            return join_sentences([note])  # the note already says it, in its own sentence
        return join_sentences([stated, note])

    def clean(self):
        if self.code and not CODE_FORMAT.fullmatch(self.code):
            message = _("Mã thủ tục có dạng 1.001193 (một chữ số, dấu chấm, sáu chữ số).")
            raise ValidationError({"code": message})


class ProcedureStep(models.Model):
    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(_("thứ tự"))
    text = models.TextField(_("bước"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["procedure", "order"]
        verbose_name = _("bước thực hiện")
        verbose_name_plural = _("trình tự thực hiện")

    def __str__(self) -> str:
        return self.text[:80]


class RequiredDocument(models.Model):
    """CPSV-AP Evidence / HSDS required_document."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="documents")
    order = models.PositiveSmallIntegerField(_("thứ tự"))
    name = models.CharField(_("giấy tờ"), max_length=300)
    originals = models.PositiveSmallIntegerField(_("số bản chính"), null=True, blank=True)
    copies = models.PositiveSmallIntegerField(_("số bản sao"), null=True, blank=True)
    form_name = models.CharField(_("mẫu đơn, tờ khai"), max_length=200, blank=True)
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["procedure", "order"]
        verbose_name = _("thành phần hồ sơ")
        verbose_name_plural = _("thành phần hồ sơ")

    def __str__(self) -> str:
        return self.name


class CostKind(models.TextChoices):
    CHARGE = "le_phi", _("Lệ phí")
    FEE = "phi", _("Phí")


class Cost(models.Model):
    """CPSV-AP Cost / HSDS cost_option. An amount is Hà Nội's only when `province` says
    so; an unknown amount is null, never another province's figure."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="costs")
    kind = models.CharField(_("loại"), max_length=10, choices=CostKind.choices)
    is_free = models.BooleanField(
        _("không thu"), default=False, help_text=_("Chỉ khi văn bản pháp luật nói không thu.")
    )
    amount_vnd = models.PositiveIntegerField(_("mức (đồng)"), null=True, blank=True)
    province = models.CharField(_("áp dụng tại"), max_length=100, blank=True)
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)
    exemptions = models.TextField(_("miễn, giảm"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("phí, lệ phí")
        verbose_name_plural = _("phí, lệ phí")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_vnd__isnull=True) | ~Q(province=""),
                name="cost_amount_names_its_province",
            ),
            models.CheckConstraint(
                condition=Q(is_free=False) | Q(amount_vnd__isnull=True),
                name="cost_free_has_no_amount",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount_text}".strip()

    @property
    def amount_text(self) -> str:
        """Money as residents write it: 3.000 đồng (VND 3,000 on an English page)."""
        if self.amount_vnd is None:
            return ""
        grouped = f"{self.amount_vnd:,}".replace(",", formats.get_format("THOUSAND_SEPARATOR"))
        return gettext("%(amount)s đồng") % {"amount": grouped}


class LegalBasis(models.Model):
    """CPSV-AP Rule: the legal documents the procedure rests on."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="legal_basis")
    order = models.PositiveSmallIntegerField(_("thứ tự"))
    kind = models.CharField(
        _("loại văn bản"), max_length=30, blank=True, help_text=_("Luật, Nghị định, Thông tư...")
    )
    number = models.CharField(
        _("số hiệu"), max_length=100, blank=True, help_text=_("Để trống khi nguồn chỉ nêu tên.")
    )
    title = models.CharField(_("trích yếu"), max_length=300, blank=True)
    article = models.CharField(_("điều, khoản"), max_length=200, blank=True)
    issued_on = models.DateField(_("ngày ban hành"), null=True, blank=True)
    in_force = models.BooleanField(_("còn hiệu lực"), null=True, blank=True)
    replaced_by = models.CharField(_("thay thế bởi"), max_length=100, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["procedure", "order"]
        verbose_name = _("căn cứ pháp lý")
        verbose_name_plural = _("căn cứ pháp lý")
        constraints = [
            models.CheckConstraint(
                condition=~Q(number="") | ~Q(title=""),
                name="legal_basis_names_its_document",
                violation_error_message=_("Cần số hiệu hoặc tên của văn bản."),
            )
        ]

    def __str__(self) -> str:
        return self.number or self.title


class LinkState(models.TextChoices):
    OK = "ok", _("Hoạt động")
    FAILING = "loi_tam", _("Lỗi (đang theo dõi)")
    BROKEN = "hong", _("Hỏng")


class OnlineLinkCheck(models.Model):
    """The last checks of a procedure's online-service link. A link is called broken only
    after several failures in a row, so one slow night of the national portal is no alarm."""

    procedure = models.OneToOneField(Procedure, on_delete=models.CASCADE, related_name="link_check")
    url = models.URLField(max_length=500)
    state = models.CharField(max_length=10, choices=LinkState.choices, default=LinkState.OK)
    consecutive_failures = models.PositiveSmallIntegerField(default=0)
    last_checked_at = models.DateTimeField(null=True, blank=True)
    last_ok_at = models.DateTimeField(null=True, blank=True)
    last_result = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("kiểm tra đường dẫn trực tuyến")
        verbose_name_plural = _("kiểm tra đường dẫn trực tuyến")

    def __str__(self) -> str:
        return f"{self.procedure}: {self.get_state_display()}"
