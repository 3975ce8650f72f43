from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


# The types are not translated: each begins its unit's official name ("Phường Ba Đình",
# `full_name`), which English pages keep as it is.
class ProvinceType(models.TextChoices):
    CITY = "thanh_pho", "Thành phố"
    PROVINCE = "tinh", "Tỉnh"


class UnitType(models.TextChoices):
    WARD = "phuong", "Phường"
    COMMUNE = "xa", "Xã"
    SPECIAL_ZONE = "dac_khu", "Đặc khu"


class FormerUnitType(models.TextChoices):
    WARD = "phuong", "Phường"
    COMMUNE = "xa", "Xã"
    TOWNSHIP = "thi_tran", "Thị trấn"


class SourcedModel(models.Model):
    """Where an imported row came from, and which release of that source."""

    source = models.CharField(_("nguồn"), max_length=100)
    source_version = models.CharField(_("phiên bản nguồn"), max_length=50)

    class Meta:
        abstract = True


class Province(SourcedModel):
    code = models.CharField(_("mã"), max_length=2, unique=True)
    name = models.CharField(_("tên"), max_length=100)
    type = models.CharField(_("loại"), max_length=20, choices=ProvinceType.choices)
    slug = models.SlugField(max_length=100, unique=True)
    name_folded = models.CharField(max_length=120, editable=False)
    legal_basis = models.CharField(_("căn cứ pháp lý"), max_length=100, blank=True)
    legal_basis_date = models.DateField(_("ngày ban hành"), null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("tỉnh/thành phố")
        verbose_name_plural = _("tỉnh/thành phố")

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        return reverse("wards:province", kwargs={"province_slug": self.slug})

    @property
    def full_name(self) -> str:
        return f"{self.get_type_display()} {self.name}"


class Unit(SourcedModel):
    """A commune-level unit (phường, xã, đặc khu) since 1 July 2025."""

    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="units")
    code = models.CharField(_("mã"), max_length=5, unique=True)
    name = models.CharField(_("tên"), max_length=100)
    type = models.CharField(_("loại"), max_length=20, choices=UnitType.choices)
    slug = models.SlugField(max_length=120)
    name_folded = models.CharField(max_length=150, editable=False, db_index=True)
    latitude = models.FloatField(_("vĩ độ (gần đúng)"), null=True, blank=True)
    longitude = models.FloatField(_("kinh độ (gần đúng)"), null=True, blank=True)
    area_km2 = models.DecimalField(
        _("diện tích (km²)"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    legal_basis = models.CharField(_("căn cứ pháp lý"), max_length=100, blank=True)
    legal_basis_date = models.DateField(_("ngày ban hành"), null=True, blank=True)

    class Meta:
        ordering = ["province__code", "name_folded"]
        constraints = [
            models.UniqueConstraint(
                fields=["province", "slug"], name="unit_slug_unique_in_province"
            )
        ]
        verbose_name = _("đơn vị cấp xã")
        verbose_name_plural = _("đơn vị cấp xã")

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        return reverse(
            "wards:unit", kwargs={"province_slug": self.province.slug, "unit_slug": self.slug}
        )

    @property
    def full_name(self) -> str:
        return f"{self.get_type_display()} {self.name}"


class FormerUnit(SourcedModel):
    """A commune-level unit as it was before 1 July 2025, with its former district.

    Five island districts had no commune-level units; each is one row with an empty code
    and type, standing for the whole district.
    """

    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        related_name="former_units",
        help_text=_("Tỉnh/thành phố hiện nay"),
    )
    code = models.CharField(_("mã"), max_length=5, blank=True)
    name = models.CharField(_("tên"), max_length=100, blank=True)
    type = models.CharField(_("loại"), max_length=20, choices=FormerUnitType.choices, blank=True)
    name_folded = models.CharField(max_length=150, editable=False, db_index=True)
    district_code = models.CharField(_("mã huyện cũ"), max_length=3)
    district_name = models.CharField(_("quận/huyện cũ"), max_length=100)
    former_province_code = models.CharField(_("mã tỉnh cũ"), max_length=2)
    former_province_name = models.CharField(_("tỉnh/thành phố cũ"), max_length=100)
    latitude = models.FloatField(_("vĩ độ (gần đúng)"), null=True, blank=True)
    longitude = models.FloatField(_("kinh độ (gần đúng)"), null=True, blank=True)
    successors = models.ManyToManyField(Unit, through="Succession", related_name="predecessors")

    class Meta:
        ordering = ["former_province_code", "district_code", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["district_code", "code"], name="former_unit_code_unique_in_district"
            ),
            models.UniqueConstraint(
                fields=["code"], condition=~Q(code=""), name="former_unit_code_unique"
            ),
        ]
        verbose_name = _("đơn vị cũ")
        verbose_name_plural = _("đơn vị cũ")

    def __str__(self) -> str:
        if not self.type:
            return self.district_name
        return f"{self.full_name}, {self.district_name}"

    @property
    def full_name(self) -> str:
        if not self.type:
            return self.district_name
        return f"{self.get_type_display()} {self.name}"


class Succession(SourcedModel):
    """The former unit went (whole or in part) into the new unit.

    A former unit with several successions was divided; exactly one of them is the
    default, the one its official records went to.
    """

    former_unit = models.ForeignKey(
        FormerUnit, on_delete=models.CASCADE, related_name="successions"
    )
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="successions")
    is_default = models.BooleanField(_("đơn vị mặc định"), default=False)

    class Meta:
        ordering = ["former_unit", "-is_default", "unit__name_folded"]
        constraints = [
            models.UniqueConstraint(fields=["former_unit", "unit"], name="succession_unique"),
            models.UniqueConstraint(
                fields=["former_unit"],
                condition=Q(is_default=True),
                name="succession_one_default",
            ),
        ]
        verbose_name = _("kế thừa")
        verbose_name_plural = _("kế thừa")

    def __str__(self) -> str:
        return f"{self.former_unit} → {self.unit}"


class AdministrativeChange(SourcedModel):
    """A change to a province or unit after the reform (a reclassification, a rename),
    kept rather than overwritten so the page can say what changed, when and why."""

    province = models.ForeignKey(
        Province, on_delete=models.CASCADE, null=True, blank=True, related_name="changes"
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, null=True, blank=True, related_name="changes"
    )
    field = models.CharField(_("thuộc tính"), max_length=30)
    old_value = models.CharField(_("giá trị cũ"), max_length=200)
    new_value = models.CharField(_("giá trị mới"), max_length=200)
    legal_basis = models.CharField(_("căn cứ pháp lý"), max_length=100, blank=True)
    legal_basis_date = models.DateField(_("ngày ban hành"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("ghi nhận lúc"), auto_now_add=True)

    class Meta:
        ordering = ["legal_basis_date", "recorded_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(province__isnull=True) ^ Q(unit__isnull=True),
                name="change_of_exactly_one_entity",
            ),
            models.UniqueConstraint(
                fields=["unit", "field", "old_value", "new_value"],
                condition=Q(unit__isnull=False),
                name="unit_change_unique",
            ),
            models.UniqueConstraint(
                fields=["province", "field", "old_value", "new_value"],
                condition=Q(province__isnull=False),
                name="province_change_unique",
            ),
        ]
        verbose_name = _("thay đổi sau sắp xếp")
        verbose_name_plural = _("thay đổi sau sắp xếp")

    def __str__(self) -> str:
        return f"{self.province or self.unit}: {self.describe()}"

    def describe(self) -> str:
        """`Loại đơn vị: Xã → Phường`, in words a resident reads."""
        if self.field == "type":
            labels = dict(ProvinceType.choices if self.province_id else UnitType.choices)
            return _("Loại đơn vị: %(old)s → %(new)s") % {
                "old": labels.get(self.old_value, self.old_value),
                "new": labels.get(self.new_value, self.new_value),
            }
        return _("Tên: %(old)s → %(new)s") % {"old": self.old_value, "new": self.new_value}


class DataSource(models.Model):
    """A data set the portal imports, with the release last imported and its licence."""

    name = models.CharField(_("tên"), max_length=100, unique=True)
    version = models.CharField(_("phiên bản"), max_length=50)
    licence = models.CharField(_("giấy phép"), max_length=100)
    url = models.URLField(_("địa chỉ"), blank=True)
    credit = models.CharField(_("ghi công"), max_length=300, blank=True)
    description = models.TextField(_("mô tả"), blank=True)
    imported_at = models.DateTimeField(_("nhập lúc"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("nguồn dữ liệu")
        verbose_name_plural = _("nguồn dữ liệu")

    def __str__(self) -> str:
        return f"{self.name} {self.version}"
