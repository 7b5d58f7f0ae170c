"""Launch templates and plain EC2 instances (SPEC R6.2, R3.2): IMDSv2 only with a hop limit of
1, volumes encrypted with the customer key, and no public IP. A hand-added instance (a bastion,
a debug box) is held to the same rules as the fleets."""

from __future__ import annotations

from typing import Any

from tap import aws_types as t
from tap.policies.props import UNKNOWN, Unknown, customer_key_problem, flag, number
from tap.policies.rules import Report, Resource, resource_rule

COMPUTE_TYPES = (t.LAUNCH_TEMPLATE, t.INSTANCE)


@resource_rule(
    "launch-template-imdsv2",
    "Launch templates and instances require IMDSv2 session tokens with a response hop limit of "
    "1, so a container or proxy on the host cannot read the instance role's credentials.",
    "R6.2",
    *COMPUTE_TYPES,
)
def imdsv2(r: Resource, report: Report) -> None:
    tokens = r.get("metadataOptions", "httpTokens")
    if tokens is not UNKNOWN and tokens != "required":
        report(f"{r.label} has metadataOptions.httpTokens={tokens!r}; it must be 'required' (IMDSv2)")
    hops = number(r.get("metadataOptions", "httpPutResponseHopLimit"))
    if not isinstance(hops, Unknown) and hops != 1:
        shown = "unset (AWS default 1, but say so)" if hops is None else int(hops)
        report(f"{r.label} has metadataOptions.httpPutResponseHopLimit {shown}; it must be 1")


@resource_rule(
    "launch-template-ebs-encrypted",
    "Every EBS volume a launch template or instance defines is encrypted with the customer-managed key.",
    "R3.2, R6.2",
    *COMPUTE_TYPES,
)
def ebs_encrypted(r: Resource, report: Report) -> None:
    if r.type == t.INSTANCE:
        _instance_volumes(r, report)
        return
    mappings = r.get("blockDeviceMappings")
    if mappings is UNKNOWN:
        return
    if not isinstance(mappings, list) or not mappings:
        report(
            f"{r.label} defines no block device mappings, so the root volume is not encrypted with the key"
        )
        return
    for i, m in enumerate(mappings):
        if m is UNKNOWN:
            continue
        ebs = m.get("ebs") if isinstance(m, dict) else None
        if ebs is UNKNOWN:
            continue
        if not isinstance(ebs, dict):
            report(f"{r.label} blockDeviceMappings[{i}] has no ebs settings (unencrypted)")
            continue
        _volume(r, report, f"blockDeviceMappings[{i}]", ebs)


def _volume(r: Resource, report: Report, where: str, ebs: dict[str, Any]) -> None:
    enc = flag(ebs.get("encrypted"))
    if enc is not UNKNOWN and enc is not True:
        report(f"{r.label} {where} is not encrypted")
    problem = customer_key_problem(ebs.get("kmsKeyId"))
    if problem:
        report(f"{r.label} {where}.kmsKeyId {problem}")


def _instance_volumes(r: Resource, report: Report) -> None:
    root = r.get("rootBlockDevice")
    if root is not UNKNOWN:
        _volume(r, report, "rootBlockDevice", root if isinstance(root, dict) else {})
    extra = r.get("ebsBlockDevices")
    for i, ebs in enumerate(extra if isinstance(extra, list) else []):
        if isinstance(ebs, dict):
            _volume(r, report, f"ebsBlockDevices[{i}]", ebs)


@resource_rule(
    "launch-template-no-public-ip",
    "Instances from a launch template, and plain instances, get no public IP address.",
    "R6.2",
    *COMPUTE_TYPES,
)
def no_public_ip(r: Resource, report: Report) -> None:
    if r.type == t.INSTANCE:
        if flag(r.get("associatePublicIpAddress")) is True:
            report(f"{r.label} associates a public IP address")
        return
    nics = r.get("networkInterfaces")
    if not isinstance(nics, list):
        return
    for i, nic in enumerate(nics):
        if isinstance(nic, dict) and flag(nic.get("associatePublicIpAddress")) is True:
            report(f"{r.label} networkInterfaces[{i}] associates a public IP address")


RULES = [imdsv2, ebs_encrypted, no_public_ip]
