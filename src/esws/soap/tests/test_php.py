"""PHP's SoapClient in WSDL mode, as many integrators call ESWS, against the running service."""

from __future__ import annotations

import hashlib
import re
import subprocess

import pytest

from esws.directory import demo as demo_data
from esws.directory.demo import ensure_demo
from esws.soap import answers
from esws.tokens.models import SyncToken

pytestmark = [
    pytest.mark.php,
    pytest.mark.e2e,
]

# The integrator's code as the documentation would have it: a SoapClient built
# from the WSDL alone. Only the WSDL cache is switched off, so that every run
# reads the WSDL of the service under test.
SCRIPT = r"""<?php
ini_set('soap.wsdl_cache_enabled', '0');
[, $url, $code, $username, $password, $userId, $locationId] = $argv;
$c = new SoapClient($url . "?wsdl");
echo $c->__soapCall("Esws.getSyncToken", [$code, $username, $password, $userId, $locationId]);
"""


@pytest.fixture
def php_call(live_service, tmp_path):
    script = tmp_path / "get_sync_token.php"
    script.write_text(SCRIPT)

    def call(*params: str) -> str:
        result = subprocess.run(
            ["php", str(script), live_service + "/webservicesesws", *params],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    return call


def test_php_gets_a_token(php_call):
    demo = ensure_demo()
    token = php_call(
        demo_data.CODE,
        demo_data.USERNAME,
        demo_data.PASSWORD,
        str(demo.person.pk),
        str(demo.location.pk),
    )
    assert re.fullmatch(r"[0-9a-f]{128}", token)
    row = SyncToken.objects.get(digest=hashlib.sha256(token.encode()).hexdigest())
    assert (row.person, row.location) == (demo.person, demo.location)


def test_php_gets_error_strings(php_call):
    demo = ensure_demo()
    user_id = str(demo.person.pk)
    assert php_call(demo_data.CODE, demo_data.USERNAME, "wrong", user_id, "") == answers.NO_ADMIN
    assert php_call(demo_data.CODE, demo_data.USERNAME, demo_data.PASSWORD, "999999", "") == (
        answers.NO_USER
    )
    assert SyncToken.objects.count() == 0
