"""The operator CLI, run as operators run it: a separate `esws` process on the same database."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from esws.directory.models import Admin, Company, Person
from esws.testing.processes import service_env

pytestmark = pytest.mark.django_db(transaction=True)


def esws(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "esws.cli", *args],
        input=stdin, capture_output=True, text=True, env=service_env(), timeout=60, check=False,
    )  # fmt: skip


def ok(*args: str, stdin: str = "") -> object:
    done = esws(*args, "--json", stdin=stdin)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_demo_json_prints_everything_a_client_needs():
    first = ok("demo")
    second = ok("demo")
    assert first == second
    assert first["security_code"] == "^4p;tU0Q+#dEIhTWkuj5FnLD^aKWqVu0"
    assert first["admin_username"] == "demo-admin"
    assert first["service_url"].endswith("/webservicesesws")
    assert Company.objects.count() == 1


def test_set_up_a_company_from_scratch_and_sync_a_user():
    company = ok("company", "create", "--name", "Acme")
    code = company["security_code"]
    assert len(code) == 32 and Company.by_code(code).pk == company["id"]
    cid = str(company["id"])
    location = ok("location", "create", "--company", cid, "--name", "Gate")
    lid = str(location["id"])
    admin = ok("admin", "create", "--company", cid, "--username", "hr", "--password-stdin",
               "--kinds", "card,pin", stdin="correct horse\n")  # fmt: skip
    assert admin["kinds"] == ["card", "pin"]
    assert Admin.objects.get(username="hr").check_password("correct horse")
    user = ok("user", "create", "--company", cid, "--first-name", "Zoe", "--card", "4242",
              "--pin", "9876", "--location", lid)  # fmt: skip
    ok("terminal", "create", "--company", cid, "--location", lid, "--serial", "T-1")
    run = ok("sync", "start", "--user", str(user["id"]), "--location", lid)
    assert esws("worker", "--batch").returncode == 0
    assert ok("sync", "show", str(run["id"]))["status"] == "done"
    shown = ok("terminal", "show", "T-1")
    assert shown["users"] == [
        {"user_id": str(user["id"]), "name": "Zoe", "role": "user", "pin_code_set": True,
         "credentials": [{"kind": "card", "slot": 0}]}
    ]  # fmt: skip
    rotated = ok("company", "rotate-code", cid)
    assert Company.by_code(code) is None and Company.by_code(rotated["security_code"]).pk == int(
        cid
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("user", "create", "--company", "99", "--first-name", "x"), "no company with id '99'"),
        (("location", "create", "--company", "abc", "--name", "x"), "no company with id 'abc'"),
        (("terminal", "show", "NOPE"), "no terminal with id or serial number 'NOPE'"),
        (("sync", "show", "12345"), "no sync with id 12345"),
        (("company", "frame", "{c}", "ftp://x"), "not an origin"),
        (("company", "frame", "{c}", "https://a.example;script-src *"), "not an origin"),
        (("admin", "create", "--company", "{c}", "--username", "u"), "--password-stdin"),
        (
            ("user", "create", "--company", "{c}", "--first-name", "x", "--pin", "12a"),
            "digits only",
        ),
        (
            ("user", "create", "--company", "{c}", "--first-name", "x", "--expires", "soon"),
            "not a date",
        ),
        (
            ("user", "create", "--company", "{c}", "--first-name", "x", "--start", "2027-02-30"),
            "not a date",
        ),
        (
            ("location", "create", "--company", "{c}", "--name", "x" * 300),
            "at most 200 characters",
        ),
        (("lockout", "lift"), "give --company and --username, --operator, or --address"),
    ],
)
def test_bad_input_gets_a_clear_message_and_a_non_zero_exit(args, message):
    company, _ = Company.create("Existing")
    done = esws(*(a.replace("{c}", str(company.pk)) for a in args))
    assert done.returncode != 0
    assert message in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr


@pytest.mark.parametrize(
    "options",
    [("--locations", "999"), ("--kinds", "card,retina"), ("--username", "u" * 200)],
)
def test_a_refused_admin_create_leaves_no_admin(options):
    company, _ = Company.create("Existing")
    done = esws("admin", "create", "--company", str(company.pk), "--username", "hr",
                *options, "--password-stdin", stdin="correct horse\n")  # fmt: skip
    assert done.returncode == 1 and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert not Admin.objects.exists()


def test_a_refused_user_create_leaves_no_user():
    company, _ = Company.create("Existing")
    done = esws("user", "create", "--company", str(company.pk), "--first-name", "Zoe",
                "--card", "4242", "--card", "not-a-number")  # fmt: skip
    assert done.returncode == 1 and "decimal digits" in done.stderr
    assert not Person.objects.exists()


def test_short_password_is_refused():
    Company.create("Existing")
    done = esws("admin", "create", "--company", str(Company.objects.get().pk), "--username", "u",
                "--password-stdin", stdin="short\n")  # fmt: skip
    assert done.returncode == 1 and "at least 8 characters" in done.stderr
    assert not Admin.objects.exists()


def test_the_emulator_refuses_a_state_file_it_did_not_write(tmp_path):
    state = tmp_path / "state.json"
    state.write_text('{"not": "users"}')
    done = esws("terminal-emulator", "--server", "http://127.0.0.1:9", "--sn", "EMU-1",
                "--once", "--state", str(state))  # fmt: skip
    assert done.returncode == 1 and "not an emulator state file" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
