from django.urls import re_path

from esws.soap import views

urlpatterns = [
    # The original's path, with or without a trailing slash.
    re_path(r"^webservicesesws/?$", views.endpoint, name="soap-endpoint"),
]
