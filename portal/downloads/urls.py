from django.urls import path

from portal.downloads import views

app_name = "downloads"
urlpatterns = [
    path("", views.index, name="index"),
    # deploy/nginx/cong-phuong-xa.conf serves the same paths from DOWNLOADS_ROOT.
    path("tep/<str:name>", views.download, name="file"),
]
