from django.urls import path

from procedures import views

app_name = "procedures"

urlpatterns = [
    path("", views.search, name="search"),
    path("<slug:slug>/", views.detail, name="detail"),
]
