from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from portal import freshness, views
from portal.two_factor import views as two_factor_views
from procedures import views as procedure_views
from wards import views as ward_views
from wards import views_nearby as nearby_views

admin.site.site_header = "Cổng phường xã Hà Nội · Quản trị"
admin.site.site_title = "Cổng phường xã Hà Nội"
admin.site.index_title = "Quản trị cổng"
admin.site.index_template = "admin/portal_index.html"

urlpatterns = [
    path("", views.home, name="home"),
    path("gioi-thieu/", views.about, name="about"),
    path("healthz", views.healthz, name="healthz"),
    path("tra-cuu/", ward_views.convert, name="convert"),
    path("gan-toi/", nearby_views.nearby, name="nearby"),
    path("api/", include("wards.api_urls")),
    path("api/v1/procedures", procedure_views.api_search, name="api_procedures"),
    path("thu-tuc/", include("procedures.urls")),
    path("don-vi/", include("wards.urls")),
    path("bao-sai/", include("portal.reports.urls")),
    path("can-bo/bao-sai/", include("portal.reports.staff_urls")),
    path("can-bo/", include("wards.staff.urls")),
    path("thong-bao/", include("portal.notifications.urls")),
    path("tai-khoan/password_reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("tai-khoan/login/", two_factor_views.LoginView.as_view(), name="login"),
    path("tai-khoan/", include("portal.two_factor.urls")),
    path("tai-khoan/", include("django.contrib.auth.urls")),
    path("quan-tri/do-cap-nhat/", freshness.freshness, name="freshness"),
    # The admin signs in through the portal's two steps (password, then code), not its own form.
    path("quan-tri/login/", two_factor_views.LoginView.as_view(next_page="admin:index")),
    path("quan-tri/", admin.site.urls),
]

if settings.BENCH_CEILING:
    urlpatterns.append(path("bench/ceiling", views.bench_ceiling))
