"""The admin site: every page an operator can reach renders, and companies get codes."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from esws.directory.models import Company
from esws.sync import runs


@pytest.fixture
def operator(client, django_user_model):
    user = django_user_model.objects.create_superuser("operator", password="operator-password")
    client.force_login(user)
    return client


def test_every_list_and_change_page_renders(operator, demo):
    runs.execute(runs.start(demo.admin, demo.person, demo.location).pk)
    for model, _model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        assert operator.get(reverse("admin:{}_{}_changelist".format(*info))).status_code == 200, (
            info
        )
        first = model.objects.first()
        if first is not None:
            page = operator.get(reverse("admin:{}_{}_change".format(*info), args=[first.pk]))
            assert page.status_code == 200, info


def test_adding_a_company_shows_its_code_once(operator, db):
    response = operator.post(
        reverse("admin:directory_company_add"), {"name": "Acme", "frame_ancestors": ""}, follow=True
    )
    company = Company.objects.get(name="Acme")
    shown = [str(m) for m in response.context["messages"]]
    code = shown[0].split(": ", 1)[1].split(" ")[0]
    assert Company.by_code(code) == company
    assert (
        code
        not in operator.get(
            reverse("admin:directory_company_change", args=[company.pk])
        ).content.decode()
    )
