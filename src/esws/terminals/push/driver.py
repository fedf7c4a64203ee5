"""The ``push`` driver: a sync queues commands; the terminal fetches them when it polls."""

from __future__ import annotations

from esws.directory.models import Credential, Person, Terminal
from esws.sync.models import TerminalSync
from esws.sync.planner import Plan, Removal
from esws.terminals.drivers.base import Outcome
from esws.terminals.push import codec, queue

WAITING = "waiting for the terminal"

# Terminal privilege (Pri) per role.
PRIVILEGES: dict[str, int] = {Person.Role.USER: 0, Person.Role.ENROLLER: 2, Person.Role.ADMIN: 14}


def commands_for(plan: Plan) -> list[codec.Command]:
    """What makes a terminal's copy of the user equal to the plan, whatever it held before.

    The whole user record (unsent fields may be reset by the terminal), then
    the removal of all templates, then the templates the plan has: stale ones
    cannot survive. The terminal holds two cards (Card and ViceCard): the
    first two in the user's order are sent.
    """
    if isinstance(plan, Removal):
        return [codec.Delete("USERINFO", plan.user_id)]
    pin = plan.user_id
    cards = [c.value for c in plan.credentials if c.kind == Credential.Kind.CARD]
    user = codec.UserInfo(
        pin=pin,
        name=plan.name,
        privilege=PRIVILEGES.get(plan.role, 0),
        password=plan.pin_code,
        card=cards[0] if cards else "",
        vice_card=cards[1] if len(cards) > 1 else "",
    )
    commands: list[codec.Command] = [
        codec.Update(user),
        codec.Delete("FINGERTMP", pin),
        codec.Delete("FACE", pin),
    ]
    commands += [
        codec.Update(codec.FingerTemplate(pin, c.slot, c.value))
        for c in plan.credentials
        if c.kind == Credential.Kind.FINGERPRINT
    ]
    commands += [
        codec.Update(codec.FaceTemplate(pin, c.slot, c.value))
        for c in plan.credentials
        if c.kind == Credential.Kind.FACE
    ]
    return commands


class PushDriver:
    def apply(self, terminal: Terminal, plan: Plan, sync: TerminalSync) -> Outcome:
        try:
            texts = [codec.command_text(command) for command in commands_for(plan)]
        except codec.ProtocolError as exc:
            return Outcome(TerminalSync.Status.FAILED, f"Cannot be sent to the terminal: {exc}.")
        queue.enqueue(terminal, plan.user_id, texts, sync)
        return Outcome(TerminalSync.Status.WAITING, WAITING)
