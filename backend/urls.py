from django.contrib import admin
from django.urls import path

from backend.api.view import GraphQLHTTPView
from backend.health import healthz

urlpatterns = [
    path("graphql/", GraphQLHTTPView.as_view(), name="graphql"),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
]
