from django.urls import path

from wards import views

app_name = "wards"

urlpatterns = [
    path("", views.province_list, name="province_list"),
    path("ma/<str:code>/", views.unit_by_code, name="unit_by_code"),
    path("<slug:province_slug>/", views.province_detail, name="province"),
    path("<slug:province_slug>/<slug:unit_slug>/", views.unit_detail, name="unit"),
]
