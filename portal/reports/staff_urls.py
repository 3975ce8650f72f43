from django.urls import path

from portal.reports import views

app_name = "reports_staff"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("<int:pk>/", views.resolve, name="resolve"),
]
