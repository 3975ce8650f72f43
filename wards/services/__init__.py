"""Every write to the wards app's tables, one module per entity group."""

from wards.services.admin_units import ImportSummary, admin_units_import
from wards.services.service_points import (
    OfficesImportSummary,
    holiday_years,
    public_holidays_load,
    service_points_import_offices,
)
from wards.services.staff_accounts import set_password_url, staff_account_invite

__all__ = [
    "ImportSummary",
    "OfficesImportSummary",
    "admin_units_import",
    "holiday_years",
    "public_holidays_load",
    "service_points_import_offices",
    "set_password_url",
    "staff_account_invite",
]
