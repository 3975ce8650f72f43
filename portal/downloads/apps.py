from django.apps import AppConfig


class DownloadsConfig(AppConfig):
    """Open data files for anyone to download, rebuilt by a periodic job."""

    name = "portal.downloads"
    label = "downloads"
    verbose_name = "Tải dữ liệu mở"
