from django.urls import path

from portal.two_factor import views

app_name = "two_factor"
urlpatterns = [
    path("login/ma-xac-thuc/", views.login_code, name="login_code"),
    path("xac-thuc-hai-buoc/", views.manage, name="manage"),
    path("xac-thuc-hai-buoc/tat/", views.disable, name="disable"),
]
