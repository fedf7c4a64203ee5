"""getSyncToken as a domain function: every documented answer, precedence, tenants, tokens."""

from __future__ import annotations

import hashlib
import logging
import re

import pytest

from esws.directory import auth
from esws.directory import demo as demo_data
from esws.directory.models import Admin, Company, Location, Person, sync_filter_of
from esws.soap import answers
from esws.soap.service import get_sync_token
from esws.tokens.models import SyncToken, TokenEvent

CLIENT = "198.51.100.20"


@pytest.fixture
def valid(demo) -> dict[str, str | None]:
    """Parameters of a call that gets a token."""
    return {
        "p_companyid": demo_data.CODE,
        "p_adminusername": demo_data.USERNAME,
        "p_adminpassword": demo_data.PASSWORD,
        "p_userid": str(demo.person.pk),
        "p_locationid": None,
    }


@pytest.fixture
def other():
    """A second company with its own admin, user and location."""
    company, code = Company.create("Other Company")
    admin = Admin(company=company, username="other-admin")
    admin.set_password("other-password")
    admin.save()
    person = Person.objects.create(company=company, first_name="Olga")
    location = Location.objects.create(company=company, name="Other site")
    return code, admin, person, location


def call(params, **changes):
    return get_sync_token({**params, **changes}, CLIENT)


def assert_token(answer: str) -> SyncToken:
    assert re.fullmatch(r"[0-9a-f]{128}", answer), answer
    return SyncToken.objects.get(digest=hashlib.sha256(answer.encode()).hexdigest())


# --- the token ----------------------------------------------------------------


def test_valid_call_gets_a_token_bound_to_admin_and_user(demo, valid):
    row = assert_token(call(valid))
    assert (row.company, row.admin, row.person, row.location) == (
        demo.company,
        demo.admin,
        demo.person,
        None,
    )
    assert row.redeemed_at is None
    assert row.expires_at > row.issued_at


def test_token_is_stored_only_as_its_digest(valid):
    token = call(valid)
    assert_token(token)
    stored = [
        str(value)
        for model in (SyncToken, TokenEvent)
        for row in model.objects.values()
        for value in row.values()
    ]
    assert stored
    assert not any(token in value for value in stored)


def test_each_call_gets_a_new_token(valid):
    tokens = {call(valid) for _ in range(5)}
    assert len(tokens) == 5
    assert SyncToken.objects.count() == 5


def test_issue_is_audited_with_the_client(demo, valid):
    row = assert_token(call(valid))
    event = TokenEvent.objects.get(token=row)
    assert (event.kind, event.client, event.company) == ("issued", CLIENT, demo.company)


def test_location_binds_the_token(demo, valid):
    row = assert_token(call(valid, p_locationid=str(demo.other_location.pk)))
    assert row.location == demo.other_location


def test_surrounding_whitespace_in_ids_and_code_is_ignored(demo, valid):
    row = assert_token(
        call(
            valid,
            p_companyid=f" {demo_data.CODE}\n",
            p_userid=f" {demo.person.pk} ",
            p_locationid=f"\t{demo.location.pk}\n",
        )
    )
    assert (row.person, row.location) == (demo.person, demo.location)


# --- every documented answer, each from its own minimal cause ------------------


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"p_companyid": None}, answers.NO_SECURITY_HASH),
        ({"p_companyid": "x" * 32}, answers.UNKNOWN_SECURITY_HASH),
        ({"p_companyid": demo_data.CODE.lower()}, answers.UNKNOWN_SECURITY_HASH),
        ({"p_adminusername": None}, answers.NO_USERNAME),
        ({"p_adminpassword": None}, answers.NO_PASSWORD),
        ({"p_userid": None}, answers.NO_USERID),
        ({"p_adminpassword": "wrong-password"}, answers.NO_ADMIN),
        ({"p_adminpassword": demo_data.PASSWORD + " "}, answers.NO_ADMIN),
        ({"p_adminusername": "nobody"}, answers.NO_ADMIN),
        ({"p_adminusername": demo_data.USERNAME.upper()}, answers.NO_ADMIN),
        ({"p_userid": "999999999"}, answers.NO_USER),
        ({"p_userid": "abc"}, answers.NO_USER),
        ({"p_userid": "-1"}, answers.NO_USER),
        ({"p_userid": "0"}, answers.NO_USER),
        ({"p_userid": "1.0"}, answers.NO_USER),
        ({"p_userid": "+1"}, answers.NO_USER),
        ({"p_userid": "\u0661"}, answers.NO_USER),  # an Arabic-Indic digit one
        ({"p_userid": "9" * 30}, answers.NO_USER),  # beyond a 64-bit key
        ({"p_locationid": "999999999"}, answers.NO_LOCATION),
        ({"p_locationid": "head office"}, answers.NO_LOCATION),
        ({"p_locationid": "9" * 30}, answers.NO_LOCATION),
    ],
)
def test_documented_answer(valid, changes, expected):
    assert call(valid, **changes) == expected
    assert SyncToken.objects.count() == 0


def test_missing_parameters_are_missing_too(valid):
    # A request without the element at all answers as one with an empty element.
    params = dict(valid)
    del params["p_userid"]
    assert get_sync_token(params, CLIENT) == answers.NO_USERID
    del params["p_locationid"]
    assert get_sync_token(params, CLIENT) == answers.NO_USERID


def test_nothing_at_all(db):
    assert get_sync_token({}, CLIENT) == answers.NO_SECURITY_HASH


def test_inactive_admin_is_not_found(demo, valid):
    Admin.objects.filter(pk=demo.admin.pk).update(is_active=False)
    assert call(valid) == answers.NO_ADMIN


def test_user_must_exist_in_that_company(demo, valid, other):
    _, _, other_person, _ = other
    assert call(valid, p_userid=str(other_person.pk)) == answers.NO_USER


def test_location_of_another_company_is_not_found(valid, other):
    _, _, _, other_location = other
    assert call(valid, p_locationid=str(other_location.pk)) == answers.NO_LOCATION


def test_location_outside_the_admins_sync_filter(demo, valid):
    sync_filter = sync_filter_of(demo.admin)
    sync_filter.all_locations = False
    sync_filter.save()
    sync_filter.locations.set([demo.location])
    assert call(valid, p_locationid=str(demo.other_location.pk)) == answers.NO_LOCATION
    assert assert_token(call(valid, p_locationid=str(demo.location.pk))).location == demo.location
    # Without a location the admin picks one in the console, within the filter.
    assert_token(call(valid))


# --- precedence: the documentation's order when several things are wrong -------


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {
                "p_companyid": None,
                "p_adminusername": None,
                "p_adminpassword": None,
                "p_userid": None,
            },
            answers.NO_SECURITY_HASH,
        ),
        (
            {"p_companyid": "nope", "p_adminusername": None, "p_userid": "abc"},
            answers.UNKNOWN_SECURITY_HASH,
        ),
        ({"p_adminusername": None, "p_adminpassword": None}, answers.NO_USERNAME),
        ({"p_adminpassword": None, "p_userid": None}, answers.NO_PASSWORD),
        # A missing user id comes before checking the credentials.
        ({"p_adminpassword": "wrong", "p_userid": None}, answers.NO_USERID),
        ({"p_adminpassword": "wrong", "p_userid": "999999999"}, answers.NO_ADMIN),
        ({"p_userid": "999999999", "p_locationid": "999999999"}, answers.NO_USER),
    ],
)
def test_precedence(valid, changes, expected):
    assert call(valid, **changes) == expected


# --- tenant isolation ---------------------------------------------------------


def test_admin_of_company_a_with_company_b_code_gets_no_token(demo, valid, other):
    other_code, _, other_person, _ = other
    for user_id in (demo.person.pk, other_person.pk):
        assert call(valid, p_companyid=other_code, p_userid=str(user_id)) == answers.NO_ADMIN
    assert SyncToken.objects.count() == 0


def test_admin_of_company_b_with_company_a_code_gets_no_token(demo, valid, other):
    _, other_admin, other_person, _ = other
    answer = call(
        valid,
        p_adminusername=other_admin.username,
        p_adminpassword="other-password",
        p_userid=str(other_person.pk),
    )
    assert answer == answers.NO_ADMIN


def test_same_username_in_two_companies_uses_each_companys_password(demo, valid, other):
    other_code, other_admin, other_person, _ = other
    other_admin.username = demo_data.USERNAME
    other_admin.save()
    b = {"p_companyid": other_code, "p_userid": str(other_person.pk)}
    assert call(valid, **b) == answers.NO_ADMIN
    assert assert_token(call(valid, **b, p_adminpassword="other-password")).company_id == (
        other_admin.company_id
    )
    assert assert_token(call(valid)).company == demo.company


def test_rotated_code_stops_working(demo, valid):
    new_code = demo.company.rotate_code()
    assert call(valid) == answers.UNKNOWN_SECURITY_HASH
    assert_token(call(valid, p_companyid=new_code))


# --- logging ------------------------------------------------------------------


def test_one_log_line_per_call_without_secrets(demo, valid, caplog):
    caplog.set_level(logging.INFO, logger="esws.soap")
    token = call(valid)
    call(valid, p_adminpassword="wrong-password")
    lines = [r.getMessage() for r in caplog.records if r.name == "esws.soap"]
    assert lines == [
        f"getSyncToken: token issued (company {demo.company.pk}, client {CLIENT})",
        f"getSyncToken: {answers.NO_ADMIN} (company {demo.company.pk}, client {CLIENT})",
    ]
    everything = caplog.text
    for secret in (token, demo_data.CODE, demo_data.PASSWORD, "wrong-password"):
        assert secret not in everything


# --- verifying the admin ----------------------------------------------------------


def test_admin_is_verified_against_the_stored_hash(demo, valid):
    assert auth.verify_admin(demo.company.pk, demo_data.USERNAME, demo.admin, demo_data.PASSWORD)
    assert not auth.verify_admin(demo.company.pk, demo_data.USERNAME, demo.admin, "wrong")
    assert not auth.verify_admin(demo.company.pk, "nobody", None, demo_data.PASSWORD)


def test_unknown_or_inactive_username_still_verifies_a_password(demo, valid, monkeypatch):
    checked: list[str] = []
    real = auth.check_password

    def spy(password, encoded, *args, **kwargs):
        checked.append(encoded)
        return real(password, encoded, *args, **kwargs)

    monkeypatch.setattr(auth, "check_password", spy)
    Admin.objects.filter(pk=demo.admin.pk).update(is_active=False)
    for username in ("nobody", demo_data.USERNAME):
        assert call(valid, p_adminusername=username) == answers.NO_ADMIN
    # Same hasher as real admins' passwords, so the same cost.
    assert checked == [auth._dummy_hash()] * 2
    assert checked[0].split("$")[:4] == demo.admin.password.split("$")[:4]
