"""The PUSH terminals' endpoints, mounted at /iclock/.

Some firmware asks for the ``.aspx`` or ``.php`` variants of the paths;
they are the same endpoints.
"""

from django.urls import re_path

from esws.terminals.push import views

app_name = "push"

urlpatterns = [
    re_path(r"^cdata(?:\.aspx|\.php)?$", views.cdata, name="cdata"),
    re_path(r"^getrequest(?:\.aspx|\.php)?$", views.getrequest, name="getrequest"),
    re_path(r"^devicecmd(?:\.aspx|\.php)?$", views.devicecmd, name="devicecmd"),
    re_path(r"^ping(?:\.aspx|\.php)?$", views.ping, name="ping"),
]
