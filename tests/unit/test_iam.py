"""SPEC R4: least privilege with explicit ARNs, read from the policy documents in the plan."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from tap.iam_documents import (
    ALLOWED_MANAGED_POLICIES,
    WILDCARD_CONDITION_KEYS,
    WILDCARD_RESOURCE_EXCEPTIONS,
)
from tap.offline.plan import Plan
from tap.phases import PHASES, Phase
from tests.helpers import leaves

ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"


def app_policy(plan: Plan) -> dict[str, Any]:
    policy: dict[str, Any] = json.loads(plan.one(ROLE_POLICY, "prod-ec2-app-policy-pay01").get("policy"))
    return policy


def stack_arns(plan: Plan) -> set[str]:
    """Every ARN some resource of this stack carries (its own, or e.g. its managed secret's)."""
    return {
        x
        for r in plan.resources
        if r.custom
        for x in leaves(r.outputs)
        if isinstance(x, str) and x.startswith("arn:")
    }


def test_r4_every_iam_statement_names_resources_of_this_stack(
    plans: Callable[[Phase], Plan],
) -> None:
    for phase in PHASES:
        plan = plans(phase)
        arns = stack_arns(plan)
        db_resource_id = plan.outputs["db_instance_resource_id"]
        for rp in plan.of_type(ROLE_POLICY):
            for st in json.loads(rp.get("policy"))["Statement"]:
                resources = st["Resource"] if isinstance(st["Resource"], list) else [st["Resource"]]
                for res in resources:
                    if res == "*":
                        assert set(st["Action"]) <= set(WILDCARD_RESOURCE_EXCEPTIONS), st
                        (op,) = st["Condition"].values()
                        assert {WILDCARD_CONDITION_KEYS[a] for a in st["Action"]} <= set(op)
                    elif st["Sid"] == "ReadReleaseBundle":
                        # The one object outside the stack: exactly the configured release bundle.
                        assert res == (
                            "arn:aws:s3:::payments-releases-example/payments-service/"
                            "2026.11.3/payments-service.tar.gz"
                        )
                    elif ":automation-definition/" in res:
                        # EventBridge starts an Automation by its definition ARN (default
                        # version): it must be this stack's own document.
                        name = res.split(":automation-definition/", 1)[1].removesuffix(":$DEFAULT")
                        assert name in {d.get("name") for d in plan.of_type("aws:ssm/document:Document")}
                    elif res.startswith("arn:aws:rds-db:"):
                        assert res.endswith(f":dbuser:{db_resource_id}/payments_app")
                    else:
                        base = res.removesuffix("/*").removesuffix(":*")
                        assert base in arns, f"{rp.name} grants {res}, not a resource of this stack"
                assert "*" not in st["Action"] and not any(a.endswith(":*") for a in st["Action"])


def test_r4_1_app_can_connect_as_its_db_user_and_read_its_secret_and_parameters(plan: Plan) -> None:
    by_sid = {s["Sid"]: s for s in app_policy(plan)["Statement"]}
    instance = plan.one("aws:rds/instance:Instance", "prod-rds-pay01")
    assert by_sid["ConnectAsAppUser"]["Resource"] == [
        f"arn:aws:rds-db:us-east-1:123456789012:dbuser:{instance.outputs['resourceId']}/payments_app"
    ]
    assert by_sid["ReadDatabaseSecret"]["Resource"] == [plan.outputs["db_master_user_secret_arn"]]
    params = {plan.by_arn(a).get("name") for a in by_sid["ReadDatabaseParameters"]["Resource"]}
    assert params == {"/tap/pay01/db/endpoint", "/tap/pay01/db/port", "/tap/pay01/db/master-secret-arn"}
    assert by_sid["UseProductionKey"]["Resource"] == [plan.outputs["kms_key_arn"]]
    assert by_sid["WriteAppLogs"]["Resource"] == [plan.outputs["log_bucket_arn"] + "/*"]


def test_r4_1_before_the_prod_database_exists_nothing_grants_access_to_it(
    plans: Callable[[Phase], Plan],
) -> None:
    sids = {s["Sid"] for s in app_policy(plans(Phase.INITIAL))["Statement"]}
    assert "ConnectAsAppUser" not in sids and "ReadDatabaseSecret" not in sids


def test_r4_1_instance_profile_carries_the_ec2_role_and_only_allowed_managed_policies(
    plan: Plan,
) -> None:
    role = plan.one("aws:iam/role:Role", "prod-ec2-role-pay01")
    profile = plan.one("aws:iam/instanceProfile:InstanceProfile")
    assert profile.get("role") == role.outputs["name"]
    assert "ec2.amazonaws.com" in role.get("assumeRolePolicy")
    for att in plan.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment"):
        assert att.get("policyArn") in ALLOWED_MANAGED_POLICIES
