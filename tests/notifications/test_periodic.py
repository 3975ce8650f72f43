import pytest
from wards.models import ServicePoint, StaffMembership
@pytest.mark.django_db
def test_x(cau_giay):
    print(ServicePoint.objects.count(), ServicePoint.objects.filter(weekly_hours__isnull=False).distinct().count(), ServicePoint.objects.filter(verified_at__isnull=False).count(), cau_giay.service_points.count(), StaffMembership.objects.count())
    print(list(cau_giay.service_points.values("name","kind","verified_at","source")))
