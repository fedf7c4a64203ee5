"""The simulated terminal: its memory is rows in the database.

It answers at once or after its configured delay, and can be switched
offline, so the console's failure paths can be seen and tested without
hardware.
"""

from __future__ import annotations

import time
from dataclasses import asdict

from django.db import transaction

from esws.directory.models import Terminal
from esws.sync.models import TerminalSync
from esws.sync.planner import Plan, Removal
from esws.terminals.drivers.base import Outcome
from esws.terminals.models import Simulator, TerminalUser

OFFLINE = "The terminal did not answer (it is offline)."


class SimulatedDriver:
    def apply(self, terminal: Terminal, plan: Plan, sync: TerminalSync) -> Outcome:
        simulator, _ = Simulator.objects.get_or_create(terminal=terminal)
        if simulator.delay_ms:
            time.sleep(simulator.delay_ms / 1000)
        if not simulator.online:
            return Outcome(TerminalSync.Status.FAILED, OFFLINE)
        with transaction.atomic():
            if isinstance(plan, Removal):
                TerminalUser.objects.filter(terminal=terminal, user_id=plan.user_id).delete()
                return Outcome(TerminalSync.Status.DONE, "removed")
            TerminalUser.objects.update_or_create(
                terminal=terminal,
                user_id=plan.user_id,
                defaults={
                    "name": plan.name,
                    "role": plan.role,
                    "pin_code": plan.pin_code,
                    "credentials": [asdict(c) for c in plan.credentials],
                },
            )
        return Outcome(TerminalSync.Status.DONE, "")
