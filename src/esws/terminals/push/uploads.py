"""What terminals upload, stored as raw records with their terminal and time."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from esws.directory.models import Terminal
from esws.terminals.models import RawUpload
from esws.terminals.push import codec, registry


def store(terminal: Terminal, table: str, stamp: str, lines: Sequence[codec.UploadLine]) -> int:
    """Store the records (punches already stored are skipped) and the table's stamp.

    Returns the number of records accepted, for ``OK:<n>``: a punch sent again
    counts, since the server holds it.
    """
    rows = []
    for line in lines:
        record = line.record
        time = getattr(record, "time", None)
        rows.append(
            RawUpload(
                terminal=terminal,
                table=table,
                kind=codec.kind_of(record),
                pin=str(getattr(record, "pin", ""))[:32],
                device_time=time.strftime(codec.TIME_FORMAT) if time else "",
                record=line.text,
                stamp=stamp,
            )
        )
    with transaction.atomic():
        RawUpload.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
        if stamp:
            registry.record_stamp(terminal, table, stamp)
    return len(rows)
