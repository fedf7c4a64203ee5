"""Shared plumbing of the operator commands: subcommands, --json output, clear errors.

Each noun (company, admin, user, location, terminal, ...) is one management
command whose first argument is the verb. Bad input ends in CommandError, which
Django prints as one line on stderr with exit status 1: never a traceback. A
verb that writes several rows checks its input first and writes them in one
transaction, so a refused command leaves nothing behind.
"""

from __future__ import annotations

import argparse
import functools
import getpass
import json
import sys
from collections.abc import Callable
from datetime import datetime
from typing import Any, NoReturn

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DataError, IntegrityError
from django.utils.dateparse import parse_datetime
from django.utils.timezone import is_naive, make_aware

from esws.directory.models import Company, Location, Person


class VerbParser(CommandParser):
    """A verb's usage errors, an unknown id among them, as one line on stderr (exit 2)."""

    def error(self, message: str) -> NoReturn:
        if self.called_from_command_line:
            self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")
        raise CommandError(f"Error: {message}")


class NounCommand(BaseCommand):
    """A command with verbs: ``esws <noun> <verb> [options]``."""

    verbs: dict[str, str] = {}  # verb -> help

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(
            dest="verb", required=True, metavar="VERB", parser_class=VerbParser
        )
        for verb, help_text in self.verbs.items():
            p = sub.add_parser(verb, help=help_text, description=help_text)
            p.add_argument("--json", action="store_true", help="Print the result as JSON.")
            getattr(self, f"arguments_{verb.replace('-', '_')}")(p)

    def handle(self, *args: Any, **options: Any) -> None:
        handler: Callable[..., Any] = getattr(self, f"do_{options['verb'].replace('-', '_')}")
        try:
            result = handler(**options)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        except IntegrityError as exc:
            raise CommandError(f"conflicts with existing data ({exc})") from exc
        except DataError as exc:
            # PostgreSQL enforces column lengths that SQLite ignores.
            reason = str(exc).splitlines()[0]
            raise CommandError(f"a value does not fit the database ({reason})") from exc
        if result is None:
            return
        data, text = result
        self.stdout.write(json.dumps(data, indent=2, default=str) if options["json"] else text)


def argument_type(fn: Callable[[str], Any]) -> Callable[[str], Any]:
    """Let a lookup serve as an argparse type: a miss becomes a one-line usage error (exit 2)."""

    @functools.wraps(fn)
    def wrapper(value: str) -> Any:
        try:
            return fn(value)
        except CommandError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    return wrapper


@argument_type
def company_arg(value: str) -> Company:
    return _get(Company, value, "company")


def location_of(company: Company, value: str) -> Location:
    return _get(Location, value, "location", company=company)


def person_of(company: Company | None, value: str) -> Person:
    kwargs = {"company": company} if company else {}
    return _get(Person, value, "user", **kwargs)


def _get(model: Any, value: str, noun: str, **scope: Any) -> Any:
    try:
        return model.objects.get(pk=int(value), **scope)
    except (ValueError, model.DoesNotExist):
        where = f" in company {scope['company'].pk}" if "company" in scope else ""
        raise CommandError(f"no {noun} with id {value!r}{where}") from None


def moment(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = parse_datetime(value) or parse_datetime(value + "T00:00:00")
    except ValueError:  # well-formed but impossible, like 2027-02-30
        parsed = None
    if parsed is None:
        raise CommandError(
            f"not a date or date-time: {value!r} (use 2027-01-31 or 2027-01-31T08:00)"
        )
    return make_aware(parsed) if is_naive(parsed) else parsed


def read_password(options: dict[str, Any]) -> str:
    """From stdin (--password-stdin) or a prompt; never from the command line."""
    if options.get("password_stdin"):
        password = sys.stdin.readline().rstrip("\n")
    elif sys.stdin.isatty():
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password (again): "):
            raise CommandError("the passwords differ")
    else:
        raise CommandError("give the password on stdin with --password-stdin")
    if len(password) < 8:
        raise CommandError("the password must be at least 8 characters")
    return password
