from django.contrib import admin
from django.urls import include, path

from portal import views
from wards import views as ward_views
from wards import views_nearby as nearby_views

urlpatterns = [
    path("", views.home, name="home"),
    path("gioi-thieu/", views.about, name="about"),
    path("healthz", views.healthz, name="healthz"),
    path("tra-cuu/", ward_views.convert, name="convert"),
    path("gan-toi/", nearby_views.nearby, name="nearby"),
    path("api/", include("wards.api_urls")),
    path("don-vi/", include("wards.urls")),
    path("can-bo/", include("wards.staff_urls")),
    path("tai-khoan/", include("django.contrib.auth.urls")),
    path("quan-tri/", admin.site.urls),
]
