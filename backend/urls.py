"""The project's URLs: GraphQL (handed the composed schema), the health check, each app's own urls, the admin."""

from django.contrib import admin
from django.urls import include, path

from apikit.view import GraphQLHTTPView
from backend.health import healthz, healthz_system
from backend.schema import schema

urlpatterns = [
    path("graphql/", GraphQLHTTPView.as_view(schema=schema), name="graphql"),
    path("healthz", healthz, name="healthz"),
    path("healthz/system", healthz_system, name="healthz-system"),
    path("", include("mobile_api.urls")),
    path("", include("fieldapp.urls")),
    path("", include("inspections.web.urls")),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("inspections.web.portal.urls")),
]
