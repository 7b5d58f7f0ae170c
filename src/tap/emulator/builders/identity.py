"""Keys and IAM: the KMS keys (with their policies and rotation), aliases, roles, inline
policies and the instance profile."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tap import aws_types as t
from tap.emulator.registry import SeedContext, as_json, builds
from tap.offline.plan import PlannedResource

if TYPE_CHECKING:
    from types_boto3_kms.type_defs import CreateKeyRequestTypeDef


@builds(t.KMS_KEY)
def kms_key(ctx: SeedContext, r: PlannedResource) -> None:
    kms = ctx.clients.client("kms")
    args: CreateKeyRequestTypeDef = {
        "Description": r.get("description") or "",
        "KeyUsage": r.get("keyUsage") or "ENCRYPT_DECRYPT",
        "KeySpec": r.get("customerMasterKeySpec") or "SYMMETRIC_DEFAULT",
    }
    if r.get("policy"):
        args["Policy"] = as_json(r.get("policy"))
    meta = kms.create_key(**args)["KeyMetadata"]
    ctx.sub.add(r.id, meta["KeyId"])
    ctx.sub.add(r.outputs.get("arn"), meta["Arn"])
    if r.get("enableKeyRotation"):
        kms.enable_key_rotation(KeyId=meta["KeyId"])


@builds(t.KMS_ALIAS)
def kms_alias(ctx: SeedContext, r: PlannedResource) -> None:
    ctx.clients.client("kms").create_alias(
        AliasName=r.get("name"), TargetKeyId=ctx.sub.value(r.get("targetKeyId"))
    )


@builds(t.IAM_ROLE)
def role(ctx: SeedContext, r: PlannedResource) -> None:
    trust = r.get("assumeRolePolicy") or r.outputs.get("assumeRolePolicy")
    ctx.clients.client("iam").create_role(
        RoleName=r.outputs.get("name") or r.id, AssumeRolePolicyDocument=ctx.sub.text(as_json(trust))
    )


@builds(t.IAM_ROLE_POLICY)
def role_policy(ctx: SeedContext, r: PlannedResource) -> None:
    ctx.clients.client("iam").put_role_policy(
        RoleName=r.get("role"),
        PolicyName=r.outputs.get("name") or r.id,
        PolicyDocument=ctx.sub.text(as_json(r.get("policy"))),
    )


@builds(t.IAM_INSTANCE_PROFILE)
def instance_profile(ctx: SeedContext, r: PlannedResource) -> None:
    iam, name = ctx.clients.client("iam"), r.outputs.get("name") or r.id
    got = iam.create_instance_profile(InstanceProfileName=name)["InstanceProfile"]
    iam.add_role_to_instance_profile(InstanceProfileName=name, RoleName=r.get("role"))
    ctx.sub.add(r.outputs.get("arn"), got["Arn"])
