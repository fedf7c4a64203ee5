"""The admin pages of the terminals app: they open, and nothing on them can be edited by hand."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.test import RequestFactory

from esws.directory.models import Terminal
from esws.terminals.admin import PendingCommandInline, TerminalUserInline
from esws.terminals.models import PushCommand, PushState, RawUpload, Simulator, TerminalUser

from .conftest import sync

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(client):
    client.force_login(User.objects.create_superuser("operator", password="x" * 12))
    return client


def test_pages_open(demo, push_terminal, operator, device):
    sync(demo, push_terminal)
    commands = device.poll()
    device.answer(commands[:2], {commands[0].id: -1001})
    device.handshake()
    device.post("cdata", "1\t2025-12-02 08:59:41", table="ATTLOG")
    sim = Terminal.objects.get(serial_number="SIM-HQ-1")
    TerminalUser.objects.create(terminal=sim, user_id="1", name="A", role="user")
    Simulator.objects.create(terminal=sim)
    for model in (PushCommand, RawUpload, PushState, Simulator, TerminalUser):
        url = f"/admin/terminals/{model._meta.model_name}/"
        assert operator.get(url).status_code == 200, url
        obj = model.objects.first()
        assert operator.get(f"{url}{obj.pk}/change/").status_code == 200, url
    page = operator.get("/admin/terminals/pushcommand/").content.decode()
    assert "capacity full (-1001)" in page
    assert operator.get("/admin/terminals/pushcommand/add/").status_code == 403


def test_inlines_for_the_terminal_page(demo, push_terminal, device):
    sync(demo, push_terminal)
    device.answer(device.poll()[:1])
    request = RequestFactory().get("/")
    request.user = User.objects.create_superuser("operator2", password="x" * 12)
    pending = PendingCommandInline(Terminal, admin.site).get_queryset(request)
    assert set(pending.values_list("status", flat=True)) == {"sent"}
    assert pending.count() == 6
    assert not TerminalUserInline(Terminal, admin.site).has_change_permission(request)
