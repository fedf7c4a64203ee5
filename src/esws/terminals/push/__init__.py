"""ZKTeco PUSH terminals: the wire codec, the command queue, the /iclock/ endpoints, an emulator.

The terminal is always the HTTP client: it polls for commands, so a sync only
queues them (see ``queue``) and the poll that follows delivers them.
"""
