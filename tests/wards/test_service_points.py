import re
from datetime import date, time, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from wards.models import HoursException, PublicHoliday, ServicePoint, ServicePointKind, WeeklyHours
from wards.services import public_holidays_load, service_points_import_offices
from wards.sources import ward_offices
from wards.sources.records import SourceDataError

HEADER = (
    "id,matinh,ma,tentinh,loai,tenhc,cay,dientichkm2,dansonguoi,trungtamhc,kinhdo,vido,"
    "truocsapnhap,maxa,khoa\n"
)


def write_csv(folder: Path, *rows: str) -> Path:
    path = folder / "offices.csv"
    path.write_text(HEADER + "".join(row + "\n" for row in rows), encoding="utf-8")
    return path


@pytest.mark.django_db
def test_every_hanoi_unit_has_its_service_point_at_the_administrative_centre(hanoi):
    points = ServicePoint.objects.filter(
        unit__province=hanoi, kind=ServicePointKind.PUBLIC_ADMINISTRATIVE
    )
    assert points.count() == 126
    assert not points.filter(address="").exists()
    ba_dinh = points.get(unit__code="00004")
    assert ba_dinh.address == "Số 2, phố Trúc Bạch, phường Ba Đình"
    assert ba_dinh.coordinates_approximate
    assert (ba_dinh.source, ba_dinh.source_version) == ("ward-offices-2025-07-17.csv", "2025-07-17")
    assert ba_dinh.phone == "" and ba_dinh.verified_at is None  # unknown, not invented


@pytest.mark.django_db
def test_every_unit_of_the_country_joined_once():
    points = ServicePoint.objects.filter(kind=ServicePointKind.PUBLIC_ADMINISTRATIVE)
    assert points.count() == points.values("unit").distinct().count() == 3321


@pytest.mark.django_db
def test_reimporting_the_file_creates_nothing_and_keeps_staff_corrections():
    ServicePoint.objects.filter(unit__code="00004").update(address="Địa chỉ đã sửa")
    summary = service_points_import_offices(records=ward_offices.load(settings.WARD_OFFICES_CSV))
    assert (summary.created, summary.already_present) == (0, 3321)
    assert ServicePoint.objects.get(unit__code="00004").address == "Địa chỉ đã sửa"
    assert len(summary.joined_by_name_only) == 4


@pytest.mark.django_db
def test_a_row_that_joins_no_unit_fails_loudly_and_writes_nothing(tmp_path):
    ServicePoint.objects.all().delete()
    path = write_csv(
        tmp_path,
        '3,1,0003,Thủ đô Hà Nội,phường,Ba Đình,,2.97,1,"Số 2, phố Trúc Bạch",105.8,21.0,,1,x',
        '4,1,0004,Thủ đô Hà Nội,phường,Không Có,,1,1,"Số 1",105.8,21.0,,2,y',
    )
    with pytest.raises(SourceDataError, match="Không Có"):
        service_points_import_offices(records=ward_offices.load(path))
    assert not ServicePoint.objects.exists()


def test_a_file_without_the_expected_columns_is_refused(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(SourceDataError, match="missing columns"):
        ward_offices.load(path)


@pytest.mark.django_db
def test_import_command_takes_any_file_by_path(tmp_path, capsys):
    ServicePoint.objects.filter(unit__code="00004").delete()
    path = write_csv(
        tmp_path,
        '3,1,0003,Thủ đô Hà Nội,phường,Ba Đình,,2.97,1,"Số 2, phố Trúc Bạch",105.8,21.0,,1,x',
    )
    call_command("import_ward_offices", str(path))
    assert "1 created" in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("import_ward_offices", str(tmp_path / "missing.csv"))


@pytest.mark.django_db
def test_holidays_are_loaded_in_vietnamese_and_an_admin_correction_survives():
    assert PublicHoliday.objects.filter(date=date(2026, 4, 26)).exists()  # Giỗ Tổ 2026
    tet = PublicHoliday.objects.get(date=date(2026, 2, 17))
    PublicHoliday.objects.filter(pk=tet.pk).update(name="Tết (đã sửa)", edited_by_admin=True)
    public_holidays_load(years=[2026])
    assert PublicHoliday.objects.get(pk=tet.pk).name == "Tết (đã sửa)"


@pytest.mark.django_db
def test_unit_page_shows_the_service_point_with_unknown_facts_marked(client, cau_giay):
    page = client.get(cau_giay.get_absolute_url()).content.decode()
    assert "Điểm phục vụ hành chính công Phường Cầu Giấy" in page
    assert 'Giờ làm việc: <span class="unverified">chưa xác minh</span>' in page


@pytest.mark.django_db
def test_unit_page_shows_the_week_and_upcoming_closures(
    client, cau_giay, django_assert_max_num_queries
):
    point = cau_giay.service_points.get()
    for weekday in range(5):
        WeeklyHours.objects.create(
            service_point=point, weekday=weekday, opens=time(7, 30), closes=time(11, 30)
        )
        WeeklyHours.objects.create(
            service_point=point, weekday=weekday, opens=time(13, 30), closes=time(17)
        )
    HoursException.objects.create(
        service_point=point,
        start_date=date(2099, 1, 5),
        end_date=date(2099, 1, 6),
        kind="dong_cua",
        reason="Chuyển trụ sở",
    )
    point.phone = "024 3833 1234"
    point.save()
    with django_assert_max_num_queries(9):
        page = client.get(cau_giay.get_absolute_url()).content.decode()
    # The coming seven days, each with its date (a public holiday among them shows "Nghỉ").
    assert re.search(r"Thứ (Hai|Ba|Tư|Năm|Sáu) \d\d/\d\d</th><td>07:30–11:30, 13:30–17:00", page)
    assert re.search(r"Chủ nhật \d\d/\d\d</th><td>Nghỉ", page)
    assert ("Đang mở cửa" in page) or ("Đã đóng cửa" in page)
    assert 'href="tel:02438331234"' in page


@pytest.mark.django_db
def test_special_hours_for_a_date_show_in_the_week_table_and_the_list(client, cau_giay):
    from django.utils import timezone

    from wards.models import HoursExceptionKind

    point = ServicePoint.objects.get(unit=cau_giay)
    for weekday in range(7):
        WeeklyHours.objects.create(
            service_point=point, weekday=weekday, opens=time(7, 30), closes=time(17)
        )
    day = timezone.localdate() + timedelta(days=2)
    HoursException.objects.create(
        service_point=point,
        start_date=day,
        end_date=day,
        kind=HoursExceptionKind.SPECIAL_HOURS,
        reason="Tiếp dân buổi sáng",
        opens=time(8),
        closes=time(11),
    )
    page = client.get(cau_giay.get_absolute_url()).content.decode()
    row = page[page.index(day.strftime("%d/%m") + "</th>") :][:200]
    assert "08:00–11:00" in row and "Tiếp dân buổi sáng" in row
    assert "Giờ đặc biệt sắp tới" in page
    assert f"{day:%d/%m/%Y}: 08:00–11:00 (Tiếp dân buổi sáng)" in page
