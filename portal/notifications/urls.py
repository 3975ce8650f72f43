from django.urls import path

from portal.notifications import views

app_name = "notifications"
urlpatterns = [
    path("dang-ky/", views.subscribe, name="subscribe"),
    path("xac-nhan/<str:token>/", views.confirm, name="confirm"),
    path("huy/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("tuy-chon/<str:token>/", views.preferences, name="preferences"),
]
