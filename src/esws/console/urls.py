"""The console's URLs. The token URL is the one the seed documents; everything
after it is scoped to the person the token was for."""

from django.urls import path

from esws.console import views

app_name = "console"

urlpatterns = [
    # <path:...>: anything after the prefix is answered (and logged) as a refused token.
    path("users/oneSyncUserLogin/<path:token>", views.redeem, name="redeem"),
    path("users/oneSyncUserLogin/", views.redeem, {"token": ""}),
    path("users/sync/closed/", views.closed, name="closed"),
    path("users/sync/<int:person_id>/", views.sync_page, name="sync"),
    path("users/sync/<int:person_id>/run", views.start_sync, name="run"),
    path("users/sync/<int:person_id>/status", views.status, name="status"),
    path("users/sync/<int:person_id>/done", views.done, name="done"),
]
