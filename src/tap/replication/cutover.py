"""`tap db cutover`: dev -> prod. The named sequence (decisions.py runs it, switch.py drives it):

gates -> fence dev -> wait until prod applied dev's fence position -> stop + record prod's
position -> dev replicates from prod -> unfence prod -> flip the writer -> confirm.
"""

from __future__ import annotations

from tap.replication.context import DbContext
from tap.replication.journal import Direction
from tap.replication.report import SwitchReport
from tap.replication.switch import run_switch


def cutover(ctx: DbContext) -> SwitchReport:
    return run_switch(ctx, Direction.CUTOVER)
