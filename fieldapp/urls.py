from django.urls import path, re_path

from fieldapp.views import app_file, operation

urlpatterns = [
    path("app/", app_file, name="field-app"),
    path("app/operations/<slug:name>.graphql", operation, name="field-app-operation"),
    re_path(r"^app/(?P<name>[A-Za-z0-9_./-]+)$", app_file, name="field-app-file"),
]
