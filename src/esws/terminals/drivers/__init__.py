"""Terminal drivers: each makes one kind of terminal hold what the planner says.

A driver's ``apply`` either finishes (done or failed) or, for terminals that
are reached later (they poll the server), queues the work and answers
"waiting"; whoever receives the terminal's confirmation then settles the
TerminalSync row.
"""

from __future__ import annotations

from esws.directory.models import Terminal
from esws.terminals.drivers.base import Driver, Outcome
from esws.terminals.drivers.simulated import SimulatedDriver
from esws.terminals.push.driver import PushDriver

DRIVERS: dict[str, Driver] = {
    Terminal.Driver.SIMULATED: SimulatedDriver(),
    Terminal.Driver.PUSH: PushDriver(),
}


def driver_for(terminal: Terminal) -> Driver:
    return DRIVERS[terminal.driver]


__all__ = ["DRIVERS", "Driver", "Outcome", "driver_for"]
