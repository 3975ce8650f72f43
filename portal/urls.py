from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from portal import freshness, views
from portal.api import api
from portal.two_factor import views as two_factor_views
from wards import api as wards_api
from wards import views as ward_views
from wards import views_nearby as nearby_views

admin.site.site_header = "Cổng phường xã Hà Nội · Quản trị"
admin.site.site_title = "Cổng phường xã Hà Nội"
admin.site.index_title = "Quản trị cổng"
admin.site.index_template = "admin/portal_index.html"

# Staff, accounts, the admin, the API and the health check: one URL each, in Vietnamese.
urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    # Open data (Vietnamese only for now): the page and the files nginx also serves.
    path("du-lieu/", include("portal.downloads.urls")),
    path("api/v1/convert", wards_api.convert_direct),
    path("api/v1/", api.urls),
    path("can-bo/bao-sai/", include("portal.reports.staff_urls")),
    path("can-bo/", include("wards.staff.urls")),
    path("tai-khoan/password_reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("tai-khoan/login/", two_factor_views.LoginView.as_view(), name="login"),
    path("tai-khoan/", include("portal.two_factor.urls")),
    path("tai-khoan/", include("django.contrib.auth.urls")),
    path("quan-tri/do-cap-nhat/", freshness.freshness, name="freshness"),
    # The admin signs in through the portal's two steps (password, then code), not its own form.
    path("quan-tri/login/", two_factor_views.LoginView.as_view(next_page="admin:index")),
    path("quan-tri/", admin.site.urls),
]

# The resident side: Vietnamese at these paths, English under /en/ (the same paths, so a
# page's two versions differ only by the prefix). reverse() and {% url %} give the prefix
# of the language being rendered.
urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("gioi-thieu/", views.about, name="about"),
    path("tra-cuu/", ward_views.convert, name="convert"),
    path("gan-toi/", nearby_views.nearby, name="nearby"),
    path("thu-tuc/", include("procedures.urls")),
    path("don-vi/", include("wards.urls")),
    path("bao-sai/", include("portal.reports.urls")),
    path("thong-bao/", include("portal.notifications.urls")),
    prefix_default_language=False,
)

if settings.BENCH_CEILING:
    urlpatterns.append(path("bench/ceiling", views.bench_ceiling))
