"""The Auto Scaling service-linked role, which the production key policy names.

KMS rejects a key policy whose principal does not exist ("MalformedPolicyDocumentException:
Policy contains a statement with one or more invalid principals"), and AWS creates the role only
when the first Auto Scaling group is made, after the key. So in a fresh account `initial` fails
unless the role exists, or the stack itself creates it before the key. Creating it when it
already exists fails too ("has been taken in this account"), so both directions are checked.
"""

from __future__ import annotations

from botocore.exceptions import ClientError

from tap.preflight.context import PreflightContext
from tap.preflight.result import Check, CheckResult, failed, passed

ROLE_NAME = "AWSServiceRoleForAutoScaling"
SERVICE = "autoscaling.amazonaws.com"


def _stack_creates_role(ctx: PreflightContext) -> bool:
    return ctx.settings.compute.create_autoscaling_slr


def autoscaling_role(ctx: PreflightContext) -> CheckResult:
    read = f"iam:GetRole {ROLE_NAME}"
    try:
        arn = ctx.clients.client("iam").get_role(RoleName=ROLE_NAME)["Role"]["Arn"]
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") != "NoSuchEntity":
            raise
        if _stack_creates_role(ctx):
            return passed(read, "missing; the stack creates it (aws.iam.ServiceLinkedRole) before the key")
        return failed(
            read,
            f"{ROLE_NAME} does not exist: KMS will reject the key policy that names it and `initial` fails",
            "pulumi config set tap:createAutoScalingServiceLinkedRole true (the stack then creates it "
            "before the key), or once per account: "
            f"aws iam create-service-linked-role --aws-service-name {SERVICE}",
        )
    if _stack_creates_role(ctx):
        return failed(
            read,
            f"{arn} exists and the stack also declares it: its create fails with "
            "'has been taken in this account'",
            "pulumi config set tap:createAutoScalingServiceLinkedRole false (the account already has it)",
        )
    return passed(read, f"exists: {arn}")


CHECKS = (
    Check(
        "autoscaling-service-role",
        f"{ROLE_NAME} exists (the KMS key policy names it), or the stack creates it first.",
        autoscaling_role,
        permissions=("iam:GetRole",),
    ),
)
