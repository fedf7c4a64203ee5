"""``esws lockout``: see and lift password-guessing lockouts."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils import timezone

from esws.directory import throttle
from esws.directory.commandline import NounCommand, company_arg
from esws.directory.models import Company, LoginThrottle


class Command(NounCommand):
    help = "List and lift lockouts caused by failed administrator and operator logins."
    verbs = {
        "list": "List keys with failures or an active lockout.",
        "lift": "Lift the lockout of an administrator (--company, --username), "
        "an admin-site --operator, or an --address.",
    }

    def arguments_list(self, p: CommandParser) -> None:
        pass

    def do_list(self, **_: Any) -> tuple[Any, str]:
        now = timezone.now()
        rows = [
            {
                "key": r.key,
                "failures": r.failures,
                "locked_until": r.locked_until if r.locked_until and r.locked_until > now else None,
            }
            for r in LoginThrottle.objects.filter(failures__gt=0)
        ]
        text = "\n".join(
            f"{r['key']:<50} {r['failures']:>3} failures"
            + (f", locked until {r['locked_until']:%Y-%m-%d %H:%M:%S}" if r["locked_until"] else "")
            for r in rows
        )
        return rows, text or "no failed logins on record"

    def arguments_lift(self, p: CommandParser) -> None:
        p.add_argument("--company", type=company_arg)
        p.add_argument("--username")
        p.add_argument("--operator", help="Username of an admin-site operator.")
        p.add_argument("--address", help="Client IP address.")

    def do_lift(
        self,
        company: Company | None,
        username: str | None,
        operator: str | None,
        address: str | None,
        **_: Any,
    ) -> tuple[Any, str]:
        if address:
            key = throttle.address_key(address)
        elif operator:
            key = throttle.operator_key(operator)
        elif company and username:
            key = throttle.user_key(company.pk, username)
        else:
            raise CommandError("give --company and --username, --operator, or --address")
        lifted = throttle.lift(key)
        return {"lifted": lifted, "key": key}, f"lifted {lifted} lockout record(s) for {key}"
