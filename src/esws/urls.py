"""URL map: the SOAP service, the sync console, the terminals' endpoints, the admin site."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("esws.soap.urls")),
    path("", include("esws.console.urls")),
    path("iclock/", include("esws.terminals.urls")),
    path("admin/", admin.site.urls),
]
