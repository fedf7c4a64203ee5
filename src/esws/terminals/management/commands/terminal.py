"""``esws terminal``: terminals, what they hold, and the simulated ones' switches."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser

from esws.directory.commandline import NounCommand, argument_type, company_arg, location_of
from esws.directory.models import Company, Terminal
from esws.terminals.models import PushCommand, Simulator, kinds_text
from esws.terminals.push import registry


@argument_type
def terminal_arg(value: str) -> Terminal:
    """A terminal by id or serial number."""
    terminal = Terminal.objects.filter(serial_number=value).first()
    if terminal is None and value.isdigit():
        terminal = Terminal.objects.filter(pk=int(value)).first()
    if terminal is None:
        raise CommandError(f"no terminal with id or serial number {value!r}")
    return terminal


def _row(t: Terminal) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": t.pk,
        "serial_number": t.serial_number,
        "name": t.name,
        "driver": t.driver,
        "company": t.company_id,
        "location": t.location_id,
        "approved": t.approved,
        "last_seen_at": t.last_seen_at,
    }
    if t.driver == Terminal.Driver.SIMULATED:
        sim = Simulator.objects.filter(terminal=t).first()
        row["online"] = sim.online if sim else True
        row["delay_ms"] = sim.delay_ms if sim else 0
    return row


def _line(r: dict[str, Any]) -> str:
    where = f"location {r['location']}" if r["location"] else "no location"
    state = "" if r["approved"] else " PENDING APPROVAL"
    if r.get("online") is False:
        state += " OFFLINE"
    return f"{r['id']:>4}  {r['serial_number']}  {r['name'] or '-'}  {r['driver']}  {where}{state}"


class Command(NounCommand):
    help = "Manage terminals and look at what they hold."
    verbs = {
        "create": "Register a terminal at a location.",
        "list": "List terminals (--pending: those waiting for approval).",
        "show": "Show a terminal and the users it holds.",
        "simulate": "Switch a simulated terminal online/offline or give it a delay.",
        "approve": "Put a terminal that called in (pending) into service at a location.",
    }

    def arguments_create(self, p: CommandParser) -> None:
        p.add_argument("--company", type=company_arg, required=True)
        p.add_argument("--location", required=True)
        p.add_argument("--serial", required=True, help="Serial number (SN).")
        p.add_argument("--name", default="")
        p.add_argument(
            "--driver", choices=[d for d, _ in Terminal.Driver.choices], default="simulated"
        )

    def do_create(self, company: Company, **o: Any) -> tuple[Any, str]:
        serial = o["serial"].strip()
        if not serial:
            raise CommandError("the serial number is empty")
        if Terminal.objects.filter(serial_number=serial).exists():
            raise CommandError(f"a terminal with serial number {serial!r} exists already")
        terminal = Terminal(
            company=company,
            location=location_of(company, o["location"]),
            serial_number=serial,
            name=o["name"].strip(),
            driver=o["driver"],
        )
        terminal.full_clean()
        terminal.save()
        row = _row(terminal)
        return row, _line(row)

    def arguments_list(self, p: CommandParser) -> None:
        p.add_argument("--company", type=company_arg)
        p.add_argument("--pending", action="store_true")

    def do_list(self, company: Company | None, pending: bool, **_: Any) -> tuple[Any, str]:
        qs = Terminal.objects.all()
        if company:
            qs = qs.filter(company=company)
        if pending:
            qs = qs.filter(approved=False)
        rows = [_row(t) for t in qs]
        return rows, "\n".join(_line(r) for r in rows) or "no terminals"

    def arguments_show(self, p: CommandParser) -> None:
        p.add_argument("terminal", type=terminal_arg, help="Id or serial number.")

    def do_show(self, terminal: Terminal, **_: Any) -> tuple[Any, str]:
        row = _row(terminal)
        row["users"] = [
            {
                "user_id": u.user_id,
                "name": u.name,
                "role": u.role,
                "pin_code_set": bool(u.pin_code),
                "credentials": [{"kind": c["kind"], "slot": c["slot"]} for c in u.credentials],
            }
            for u in terminal.memory.all()
        ]
        lines = [_line(row)]
        if row["last_seen_at"]:
            lines.append(f"  last contact: {row['last_seen_at']:%Y-%m-%d %H:%M:%S %Z}")
        if terminal.driver == Terminal.Driver.PUSH:
            pending = PushCommand.objects.filter(
                terminal=terminal, status__in=[PushCommand.Status.QUEUED, PushCommand.Status.SENT]
            ).order_by("pk")
            row["pending_commands"] = [
                {"id": c.pk, "user_id": c.user_id, "status": c.status, "command": c.text[:60]}
                for c in pending
            ]
            lines.append(f"  pending commands: {len(row['pending_commands'])}")
            lines += [
                f"    C:{c['id']} {c['status']:<6} {c['command']}" for c in row["pending_commands"]
            ]
            return row, "\n".join(lines)
        lines.append(f"  users held: {len(row['users'])}")
        for u in row["users"]:
            creds = kinds_text(u["credentials"]) or "no credentials"
            pin = ", PIN code" if u["pin_code_set"] else ""
            lines.append(f"  {u['user_id']:>6}  {u['name']}  ({creds}{pin})")
        return row, "\n".join(lines)

    def arguments_simulate(self, p: CommandParser) -> None:
        p.add_argument("terminal", type=terminal_arg, help="Id or serial number.")
        state = p.add_mutually_exclusive_group()
        state.add_argument("--online", action="store_true")
        state.add_argument("--offline", action="store_true")
        p.add_argument("--delay-ms", type=int, help="Answer after this many milliseconds.")

    def do_simulate(self, terminal: Terminal, **o: Any) -> tuple[Any, str]:
        if terminal.driver != Terminal.Driver.SIMULATED:
            raise CommandError(f"terminal {terminal.serial_number} is not a simulated terminal")
        sim, _ = Simulator.objects.get_or_create(terminal=terminal)
        if o["online"] or o["offline"]:
            sim.online = bool(o["online"])
        if o["delay_ms"] is not None:
            if o["delay_ms"] < 0:
                raise CommandError("the delay cannot be negative")
            sim.delay_ms = o["delay_ms"]
        sim.save()
        row = _row(terminal)
        return row, _line(row) + f"  delay {sim.delay_ms} ms"

    def arguments_approve(self, p: CommandParser) -> None:
        p.add_argument("terminal", type=terminal_arg, help="Id or serial number.")
        p.add_argument("--company", type=company_arg, required=True)
        p.add_argument("--location", required=True)
        p.add_argument("--name", default="")

    def do_approve(self, terminal: Terminal, company: Company, **o: Any) -> tuple[Any, str]:
        location = location_of(company, o["location"])
        registry.approve(terminal, company, location, o["name"].strip())
        row = _row(terminal)
        return row, _line(row) + "  (approved: it gets commands from its next poll)"
