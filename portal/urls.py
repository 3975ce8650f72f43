from django.contrib import admin
from django.urls import include, path

from portal import views

urlpatterns = [
    path("", views.home, name="home"),
    path("gioi-thieu/", views.about, name="about"),
    path("healthz", views.healthz, name="healthz"),
    path("don-vi/", include("wards.urls")),
    path("quan-tri/", admin.site.urls),
]
