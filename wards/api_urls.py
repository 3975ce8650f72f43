from django.urls import path

from wards import api

app_name = "api"

urlpatterns = [
    path("v1/convert", api.convert, name="convert"),
]
