"""The driver interface."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from esws.directory.models import Terminal
    from esws.sync.models import TerminalSync
    from esws.sync.planner import Plan


@dataclass(frozen=True)
class Outcome:
    status: str  # a TerminalSync.Status value: done, failed or waiting
    detail: str = ""


class Driver(Protocol):
    def apply(self, terminal: Terminal, plan: Plan, sync: TerminalSync) -> Outcome:
        """Make the terminal's copy of the plan's user match the plan."""
        ...
