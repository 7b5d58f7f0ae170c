"""AWS Backup (SPEC R19): the production database has a daily backup plan whose recovery points
are copied to a vault in another region, every vault is encrypted with a customer key and
locked, and the plan's retention is one the locks accept (else every job fails)."""

from __future__ import annotations

from typing import Any

from tap import aws_types as t
from tap.policies.database import owned_instances
from tap.policies.phase import stack_phase_plan
from tap.policies.props import UNKNOWN, Unknown, customer_key_problem, number, value
from tap.policies.rules import Report, Resource, Stack, resource_rule, stack_rule

MIN_RECOVERY_DAYS = 7
# AWS's minimum grace period for a compliance-mode lock.
MIN_GRACE_DAYS = 3


@resource_rule(
    "backup-vault-customer-key",
    "Backup vaults are encrypted with a customer-managed KMS key.",
    "R3.2, R19",
    t.BACKUP_VAULT,
)
def vault_customer_key(r: Resource, report: Report) -> None:
    problem = customer_key_problem(r.get("kmsKeyArn"))
    if problem:
        report(f"{r.label} kmsKeyArn {problem}")


@resource_rule(
    "backup-vault-lock-bounds",
    f"Vault locks bound retention (minimum at least {MIN_RECOVERY_DAYS} days, a maximum set) "
    f"and, in compliance mode, keep a grace period of at least {MIN_GRACE_DAYS} days.",
    "R19",
    t.BACKUP_VAULT_LOCK,
)
def lock_bounds(r: Resource, report: Report) -> None:
    lo, hi, grace = (number(r.get(k)) for k in ("minRetentionDays", "maxRetentionDays", "changeableForDays"))
    if not isinstance(lo, Unknown) and (lo is None or lo < MIN_RECOVERY_DAYS):
        report(f"{r.label} lets recovery points be deleted after {lo} days; at least {MIN_RECOVERY_DAYS}")
    if hi is None:
        report(f"{r.label} sets no maxRetentionDays: a plan could keep recovery points forever")
    if isinstance(grace, float) and grace < MIN_GRACE_DAYS:
        report(f"{r.label} has changeableForDays={grace:g}; AWS requires at least {MIN_GRACE_DAYS}")


def _region(arn: Any) -> Any:
    parts = arn.split(":") if isinstance(arn, str) else []
    return parts[3] if len(parts) > 3 else None


def _lock_bounds(stack: Stack) -> dict[Any, tuple[Any, Any]]:
    return {
        lk.get("backupVaultName"): (number(lk.get("minRetentionDays")), number(lk.get("maxRetentionDays")))
        for lk in stack.of_type(t.BACKUP_VAULT_LOCK)
    }


def _outside(days: Any, bounds: tuple[Any, Any]) -> bool:
    lo, hi = bounds
    if not isinstance(days, float) or isinstance(lo, Unknown) or isinstance(hi, Unknown):
        return False
    return (isinstance(lo, float) and days < lo) or (isinstance(hi, float) and days > hi)


def _check_rule(
    stack: Stack, plan: Resource, rule: Any, locks: dict[Any, tuple[Any, Any]], report: Report
) -> None:
    vault = stack.find(value(rule, "targetVaultName"), t.BACKUP_VAULT)
    keep = number(value(rule, "lifecycle", "deleteAfter"))
    if vault is not None and _outside(keep, locks.get(vault.get("name"), (None, None))):
        report(f"{plan.label} keeps recovery points {keep} days, outside {vault.label}'s lock", plan.urn)
    copies = value(rule, "copyActions")
    if copies is UNKNOWN or vault is None or UNKNOWN in (copies if isinstance(copies, list) else []):
        return
    if any(value(cp, "destinationVaultArn") is UNKNOWN for cp in copies):
        return
    remote = []
    for cp in copies if isinstance(copies, list) else []:
        dest = stack.find(value(cp, "destinationVaultArn"), t.BACKUP_VAULT)
        if dest is None:
            continue
        if _region(dest.get("arn")) != _region(vault.get("arn")):
            remote.append(dest)
        if _outside(number(value(cp, "lifecycle", "deleteAfter")), locks.get(dest.get("name"), (None, None))):
            report(f"{plan.label} copies with a retention outside {dest.label}'s lock", plan.urn)
    if not remote:
        report(
            f"{plan.label} copies nothing to a vault in another region: a regional loss takes the backups",
            plan.urn,
        )


@stack_rule(
    "backup-prod-database",
    "From the phase the production database exists, an AWS Backup selection names it, in a plan "
    "that copies to a vault in another region with a retention every vault lock accepts; every "
    "vault is locked.",
    "R19",
)
def backup_prod_database(stack: Stack, report: Report) -> None:
    phase_plan = stack_phase_plan(stack)
    if phase_plan is None or not phase_plan.prod_database:
        return
    locks = _lock_bounds(stack)
    vaults = stack.of_type(t.BACKUP_VAULT)
    if UNKNOWN in locks or any(v.get(k) is UNKNOWN for v in vaults for k in ("arn", "name")):
        return
    for vault in stack.of_type(t.BACKUP_VAULT):
        if vault.get("name") not in locks and vault.get("name") is not UNKNOWN:
            report(
                f"{vault.label} has no vault lock: an administrator could delete its recovery points",
                vault.urn,
            )
    if any(p.get("id") is UNKNOWN for p in stack.of_type(t.BACKUP_PLAN)):
        return
    selected: dict[Any, Resource] = {}
    for sel in stack.of_type(t.BACKUP_SELECTION):
        chosen = stack.find(sel.get("planId"), t.BACKUP_PLAN)
        resources = sel.get("resources")
        if sel.get("planId") is UNKNOWN or resources is UNKNOWN:
            return
        if chosen is None or not isinstance(resources, list):
            continue
        for arn in resources:
            selected[arn] = chosen
    for db in owned_instances(stack):
        arn = db.get("arn")
        if arn is UNKNOWN:
            continue
        plan = selected.get(arn)
        if plan is None:
            report(f"{db.label} is in no AWS Backup plan", db.urn)
            continue
        rules = plan.get("rules")
        for rule in rules if isinstance(rules, list) else []:
            _check_rule(stack, plan, rule, locks, report)


RULES = [vault_customer_key, lock_bounds]
STACK_RULES = [backup_prod_database]
