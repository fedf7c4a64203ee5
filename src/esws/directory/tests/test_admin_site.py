"""The admin site: every page an operator can reach renders, and companies get codes."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from esws.directory.models import Company, Group
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


def test_a_person_cannot_join_another_companys_group(operator, demo):
    other, _ = Company.create("Other")
    foreign = Group.objects.create(company=other, name="Night shift")
    person = demo.person
    response = operator.post(
        reverse("admin:directory_person_change", args=[person.pk]),
        {
            "company": demo.company.pk, "first_name": person.first_name,
            "last_name": person.last_name, "terminal_role": person.terminal_role,
            "groups": [foreign.pk],
            "credentials-TOTAL_FORMS": 0, "credentials-INITIAL_FORMS": 0,
            "access-TOTAL_FORMS": 0, "access-INITIAL_FORMS": 0,
        },
    )  # fmt: skip
    assert response.status_code == 200
    assert "Groups of another company: Night shift." in response.content.decode()
    assert not person.groups.exists()
