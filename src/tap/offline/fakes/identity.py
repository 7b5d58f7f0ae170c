"""Fakes of IAM roles, policies and instance profiles, KMS keys and aliases, Secrets Manager secrets."""

from __future__ import annotations

from typing import Any

from tap import aws_types as t
from tap.offline.fakes.context import Fake, FakeContext, uuid
from tap.registrar import registrar

FAKES: dict[str, Fake] = {}
fake = registrar(FAKES)


@fake(t.SECRET)
def _secret(c: FakeContext) -> tuple[str, dict[str, Any]]:
    # Secrets Manager appends six random characters to the name in the ARN.
    arn = c.arn("secretsmanager", f"secret:{c.inputs.get('name', c.name)}-{c.h(6)}")
    return arn, {"arn": arn}


@fake(t.IAM_ROLE)
def _role(c: FakeContext) -> tuple[str, dict[str, Any]]:
    name = c.physical_name(max_len=64)
    return name, {
        "name": name,
        "arn": f"arn:aws:iam::{c.account}:role/{name}",
        "uniqueId": "AROA" + c.h(17).upper(),
    }


@fake(t.IAM_ROLE_POLICY)
def _role_policy(c: FakeContext) -> tuple[str, dict[str, Any]]:
    name = c.physical_name()
    return f"{c.inputs.get('role', 'role')}:{name}", {"name": name}


@fake(t.IAM_POLICY)
def _policy(c: FakeContext) -> tuple[str, dict[str, Any]]:
    name = c.physical_name()
    arn = f"arn:aws:iam::{c.account}:policy/{name}"
    return arn, {"name": name, "arn": arn, "policyId": "ANPA" + c.h(17).upper()}


@fake(t.IAM_INSTANCE_PROFILE)
def _profile(c: FakeContext) -> tuple[str, dict[str, Any]]:
    name = c.physical_name()
    return name, {
        "name": name,
        "arn": f"arn:aws:iam::{c.account}:instance-profile/{name}",
        "uniqueId": "AIPA" + c.h(17).upper(),
    }


@fake(t.IAM_ROLE_POLICY_ATTACHMENT)
def _attachment(c: FakeContext) -> tuple[str, dict[str, Any]]:
    return f"{c.inputs.get('role', 'role')}-{c.h(20)}", {}


@fake(t.KMS_KEY)
def _kms_key(c: FakeContext) -> tuple[str, dict[str, Any]]:
    kid = uuid(c)
    return kid, {"keyId": kid, "arn": c.arn("kms", f"key/{kid}")}


@fake(t.KMS_ALIAS)
def _kms_alias(c: FakeContext) -> tuple[str, dict[str, Any]]:
    name = c.physical_name()
    key = c.inputs.get("targetKeyId", "")
    return name, {"arn": c.arn("kms", name), "targetKeyArn": c.arn("kms", f"key/{key}")}
