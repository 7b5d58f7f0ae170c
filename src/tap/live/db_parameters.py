"""The production database's parameter group as deployed, for `tap verify --live`: the rules on
parameter groups (TLS required, no general log, the `mysql` schema kept out of replication) then
judge what RDS applies, not only what the plan declared.

Only the parameters someone set are read (`Source="user"`): the stack sets exactly those, and an
engine default is not the stack's to judge; a parameter reset to its default in the console
drops out, which the rules report as not set. A group of engine defaults (`default.*`) sets
nothing, so it fails the rules that require a value, which is what it does to the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from types_boto3_rds.client import RDSClient
    from types_boto3_rds.type_defs import DBInstanceTypeDef, ParameterOutputTypeDef


@dataclass(frozen=True)
class ParameterGroup:
    """A group as the rules judge it: its name and the parameters set on it. The instance's
    ParameterApplyStatus is not read: the parameters judged (TLS, general log, the fence filter)
    are dynamic, in force once set."""

    name: str
    parameters: tuple[ParameterOutputTypeDef, ...] = field(default_factory=tuple)


def describe_parameter_groups(rds: RDSClient, db_instance: DBInstanceTypeDef) -> list[ParameterGroup]:
    """The instance's parameter groups (RDS reports one for MySQL), each with the parameters set."""
    found = []
    for group in db_instance.get("DBParameterGroups") or []:
        name = group["DBParameterGroupName"]
        pages = rds.get_paginator("describe_db_parameters").paginate(DBParameterGroupName=name, Source="user")
        params = tuple(p for page in pages for p in page.get("Parameters", []))
        found.append(ParameterGroup(name, params))
    return found
