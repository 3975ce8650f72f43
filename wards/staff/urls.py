from django.urls import path

from wards.staff import views

app_name = "staff"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("diem/<int:pk>/", views.point_edit, name="point_edit"),
    path("diem/<int:pk>/gio/", views.point_hours, name="point_hours"),
    path("diem/<int:pk>/ngay-nghi/", views.point_exceptions, name="point_exceptions"),
    path("diem/<int:pk>/xac-nhan/", views.point_verify, name="point_verify"),
    path("diem/<int:pk>/lich-su/", views.point_history, name="point_history"),
    path("ngay-nghi/<int:pk>/xoa/", views.exception_delete, name="exception_delete"),
    path("don-vi/<str:code>/thong-bao/", views.unit_notices, name="unit_notices"),
    path("don-vi/<str:code>/cong-an/", views.police_office_add_view, name="police_office_add"),
    path("thong-bao/<int:pk>/thu-hoi/", views.notice_withdraw_view, name="notice_withdraw"),
]
