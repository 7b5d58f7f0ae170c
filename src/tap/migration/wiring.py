"""Builds a Controller from what the CLI (or a test) has: settings, deployed ids, clients."""

from __future__ import annotations

import getpass
import os
import socket
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path

from tap.aws_clients import AwsClients
from tap.migration.appliers import Applier, PulumiApplier, Route53Applier, StackFactory, select_stack
from tap.migration.budget import CONTROLLER_LEASE_SECONDS
from tap.migration.clock import Clock
from tap.migration.controller import DEFAULT_POLL_SECONDS, BakeTick, Controller
from tap.migration.deployment import Deployment
from tap.migration.store import StateStore
from tap.migration.switch_judgement import SwitchProbe
from tap.settings import Settings

DEFAULT_LEASE_SECONDS = CONTROLLER_LEASE_SECONDS


class ApplierName(StrEnum):
    PULUMI = "pulumi"
    ROUTE53 = "route53"


def default_owner() -> str:
    """Who holds the lock, readable in `status`: user@host:pid."""
    return f"{getpass.getuser()}@{socket.gethostname()}:{os.getpid()}"


def build_controller(
    settings: Settings,
    deployment: Deployment,
    clients: AwsClients,
    clock: Clock,
    *,
    stack_name: str,
    work_dir: Path,
    applier: ApplierName = ApplierName.PULUMI,
    reconcile: bool = True,
    owner: str | None = None,
    stack_factory: StackFactory = select_stack,
    lease_seconds: int = DEFAULT_LEASE_SECONDS,
    poll_seconds: int = DEFAULT_POLL_SECONDS,
    latency_stat: str = "p99",
    progress: Callable[[BakeTick], None] | None = None,
    on_output: Callable[[str], None] | None = None,
    switch_probe: SwitchProbe | None = None,
) -> Controller:
    """`switch_probe` reads both databases for the database gate: `DatabaseAccess.probe` from
    the same options as `tap db` (None: that gate fails closed, it never guesses)."""
    deployment.require()
    pulumi = PulumiApplier(stack_name, work_dir, stack_factory)
    chosen: Applier = pulumi
    if applier == ApplierName.ROUTE53:
        chosen = Route53Applier(
            clients.client("route53"), deployment, clock, reconcile=pulumi if reconcile else None
        )
    store = StateStore(
        clients.client("dynamodb"), deployment.state_table, owner or default_owner(), clock, lease_seconds
    )
    return Controller(
        settings,
        deployment,
        clients,
        store,
        chosen,
        pulumi,
        clock,
        poll_seconds=poll_seconds,
        latency_stat=latency_stat,
        progress=progress,
        on_output=on_output,
        switch_probe=switch_probe,
    )
