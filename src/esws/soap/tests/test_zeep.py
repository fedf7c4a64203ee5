"""zeep, a real SOAP client, against the service running under gunicorn, from the WSDL alone."""

from __future__ import annotations

import hashlib
import re

import pytest
import zeep

from esws.directory import demo as demo_data
from esws.directory.demo import ensure_demo
from esws.soap import answers
from esws.tokens.models import SyncToken

pytestmark = pytest.mark.e2e


@pytest.fixture
def service(live_service):
    client = zeep.Client(live_service + "/webservicesesws?wsdl")
    return client.service["Esws.getSyncToken"]


def test_zeep_gets_a_token(service):
    demo = ensure_demo()
    token = service(demo_data.CODE, demo_data.USERNAME, demo_data.PASSWORD, str(demo.person.pk), "")
    assert re.fullmatch(r"[0-9a-f]{128}", token)
    row = SyncToken.objects.get(digest=hashlib.sha256(token.encode()).hexdigest())
    assert (row.person, row.location) == (demo.person, None)


def test_zeep_with_location_and_keywords(service):
    demo = ensure_demo()
    token = service(
        p_companyID=demo_data.CODE,
        p_adminUsername=demo_data.USERNAME,
        p_adminPassword=demo_data.PASSWORD,
        p_userId=str(demo.person.pk),
        p_locationID=str(demo.other_location.pk),
    )
    row = SyncToken.objects.get(digest=hashlib.sha256(token.encode()).hexdigest())
    assert row.location == demo.other_location


def test_zeep_gets_error_strings(service):
    demo = ensure_demo()
    user_id = str(demo.person.pk)
    wrong = service(demo_data.CODE, demo_data.USERNAME, "wrong-password", user_id, "")
    assert wrong == answers.NO_ADMIN
    assert service("", "", "", "", "") == answers.NO_SECURITY_HASH
    assert service(demo_data.CODE, demo_data.USERNAME, demo_data.PASSWORD, "", "") == (
        answers.NO_USERID
    )
    assert SyncToken.objects.count() == 0
