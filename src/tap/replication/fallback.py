"""`tap db fallback`: prod -> dev, the same sequence reversed. Possible while dev replicates
from prod (started by the cutover) and prod's engine has not passed dev's (replication from a
newer to an older server is unsupported: the stack pins prod's version for the window)."""

from __future__ import annotations

from tap.replication.context import DbContext
from tap.replication.journal import Direction
from tap.replication.report import SwitchReport
from tap.replication.switch import run_switch


def fallback(ctx: DbContext) -> SwitchReport:
    return run_switch(ctx, Direction.FALLBACK)
