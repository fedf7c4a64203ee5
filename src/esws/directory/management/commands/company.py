"""``esws company``: create companies, list them, rotate their security codes."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from esws.directory.commandline import NounCommand, company_arg
from esws.directory.models import Company


def _row(company: Company) -> dict[str, Any]:
    return {
        "id": company.pk,
        "name": company.name,
        "code_hint": company.code_hint,
        "frame_ancestors": company.allowed_frame_ancestors(),
    }


class Command(NounCommand):
    help = "Manage companies (tenants) and their security codes."
    verbs = {
        "create": "Create a company; prints its security code once.",
        "list": "List companies.",
        "rotate-code": "Give a company a new security code; the old one stops working.",
        "frame": "Set the origins allowed to embed the sync console (iframe).",
    }

    def arguments_create(self, p: CommandParser) -> None:
        p.add_argument("--name", required=True)

    def do_create(self, name: str, **_: Any) -> tuple[Any, str]:
        company, code = Company.create(name.strip())
        data = {**_row(company), "security_code": code}
        return data, f"company {company.pk} {company.name!r}\nsecurity code: {code}\n(shown once)"

    def arguments_list(self, p: CommandParser) -> None:
        pass

    def do_list(self, **_: Any) -> tuple[Any, str]:
        rows = [_row(c) for c in Company.objects.all()]
        return rows, "\n".join(f"{r['id']:>4}  {r['name']}  code {r['code_hint']}" for r in rows)

    def arguments_rotate_code(self, p: CommandParser) -> None:
        p.add_argument("company", type=company_arg, help="Company id.")

    def do_rotate_code(self, company: Company, **_: Any) -> tuple[Any, str]:
        code = company.rotate_code()
        data = {**_row(company), "security_code": code}
        return data, f"new security code of company {company.pk}: {code}\n(shown once)"

    def arguments_frame(self, p: CommandParser) -> None:
        p.add_argument("company", type=company_arg, help="Company id.")
        p.add_argument("origins", nargs="*", help="e.g. https://hr.example.com; none = self only")

    def do_frame(self, company: Company, origins: list[str], **_: Any) -> tuple[Any, str]:
        company.frame_ancestors = "\n".join(origins)
        company.full_clean()
        company.save(update_fields=["frame_ancestors"])
        shown = ", ".join(origins) or "this site only"
        return _row(company), f"company {company.pk} may be framed by: {shown}"
