"""Fakes of IAM roles, policies and instance profiles, KMS keys and aliases, Secrets Manager secrets."""

from __future__ import annotations

from typing import Any

from tap.offline.fakes.context import Fake, FakeContext, registers_in, uuid

FAKES: dict[str, Fake] = {}
fake = registers_in(FAKES)


@fake("aws:secretsmanager/secret:Secret")
def _secret(c: FakeContext) -> tuple[str, dict[str, Any]]:
    # Secrets Manager appends six random characters to the name in the ARN.
    arn = c.arn("secretsmanager", f"secret:{c.inputs.get('name', c.name)}-{c.h(6)}")
    return arn, {"arn": arn}


@fake("aws:iam/role:Role")
def _role(c: FakeContext) -> tuple[str, dict[str, Any]]:
    name = c.physical_name(max_len=64)
    return name, {
        "name": name,
        "arn": f"arn:aws:iam::{c.account}:role/{name}",
        "uniqueId": "AROA" + c.h(17).upper(),
    }


@fake("aws:iam/rolePolicy:RolePolicy")
def _role_policy(c: FakeContext) -> tuple[str, dict[str, Any]]:
    name = c.physical_name()
    return f"{c.inputs.get('role', 'role')}:{name}", {"name": name}


@fake("aws:iam/policy:Policy")
def _policy(c: FakeContext) -> tuple[str, dict[str, Any]]:
    name = c.physical_name()
    arn = f"arn:aws:iam::{c.account}:policy/{name}"
    return arn, {"name": name, "arn": arn, "policyId": "ANPA" + c.h(17).upper()}


@fake("aws:iam/instanceProfile:InstanceProfile")
def _profile(c: FakeContext) -> tuple[str, dict[str, Any]]:
    name = c.physical_name()
    return name, {
        "name": name,
        "arn": f"arn:aws:iam::{c.account}:instance-profile/{name}",
        "uniqueId": "AIPA" + c.h(17).upper(),
    }


@fake("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
def _attachment(c: FakeContext) -> tuple[str, dict[str, Any]]:
    return f"{c.inputs.get('role', 'role')}-{c.h(20)}", {}


@fake("aws:kms/key:Key")
def _kms_key(c: FakeContext) -> tuple[str, dict[str, Any]]:
    kid = uuid(c)
    return kid, {"keyId": kid, "arn": c.arn("kms", f"key/{kid}")}


@fake("aws:kms/alias:Alias")
def _kms_alias(c: FakeContext) -> tuple[str, dict[str, Any]]:
    name = c.physical_name()
    key = c.inputs.get("targetKeyId", "")
    return name, {"arn": c.arn("kms", name), "targetKeyArn": c.arn("kms", f"key/{key}")}
