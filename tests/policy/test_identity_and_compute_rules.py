"""SPEC R4, R5, R6: the rules on IAM, secrets and instances, on realistic resources near the
line: wildcard resources, managed policies by any attachment, secrets in parameters and user
data, and instances held to the launch template rules."""

from __future__ import annotations

import base64
import json
from typing import Any

from tap import aws_types as t
from tests.policy.examples import (
    KEY_ARN,
    SUBJECT,
    compliant_with,
    violations,
)


def _statement_policy(resource: Any) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": resource}],
        }
    )


def test_r4_2_wildcard_resource_written_as_an_arn_fails() -> None:
    """`arn:aws:s3:::*` and `arn:aws:secretsmanager:*:*:secret:*` are `"Resource": "*"` for one
    service: every bucket, every secret."""
    for resource in (
        "arn:aws:s3:::*",
        "arn:aws:s3:::*/*",
        "arn:aws:secretsmanager:*:*:secret:*",
        "arn:aws:kms:us-east-1:123456789012:key/*",
        "arn:aws:ssm:us-east-1:123456789012:parameter/*",
    ):
        props = compliant_with(t.IAM_ROLE_POLICY, policy=_statement_policy(resource))
        found = violations("iam-wildcard-resource-allow-list", t.IAM_ROLE_POLICY, props)
        assert len(found) == 1 and resource in found[0], resource


def test_r4_1_named_resources_with_object_wildcards_pass() -> None:
    """`bucket/*`, a parameter path below the stack's prefix and `dbuser:db-ID/dbuser` name
    resources; they are what R4.1 asks for."""
    for resource in (
        ["arn:aws:s3:::logs", "arn:aws:s3:::logs/*"],
        "arn:aws:ssm:us-east-1:123456789012:parameter/tap/pay01/*",
        "arn:aws:rds-db:us-east-1:123456789012:dbuser:db-ABCDEFGHIJKL/dbuser",
        "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-1234-AbCdEf",
    ):
        props = compliant_with(t.IAM_ROLE_POLICY, policy=_statement_policy(resource))
        assert violations("iam-wildcard-resource-allow-list", t.IAM_ROLE_POLICY, props) == [], resource


def test_r5_5_literal_value_in_a_secure_string_parameter_fails() -> None:
    """SecureString hides the value in the console, not in the program or the state."""
    literal = {"name": "/tap/pay01/db/password", "type": "SecureString", "value": "hunter2-but-longer"}
    found = violations("no-plaintext-secrets", t.SSM_PARAMETER, literal)
    assert len(found) == 1 and SUBJECT in found[0]
    plain = {"name": "/tap/pay01/db/endpoint", "type": "String", "insecureValue": "db.example.internal"}
    assert violations("no-plaintext-secrets", t.SSM_PARAMETER, plain) == []


BASTION = {
    "instanceType": "t3.micro",
    "metadataOptions": {"httpTokens": "required", "httpPutResponseHopLimit": 1.0},
    "rootBlockDevice": {"encrypted": True, "kmsKeyId": KEY_ARN, "volumeType": "gp3"},
    "associatePublicIpAddress": False,
    "vpcSecurityGroupIds": ["sg-app"],
}


def test_r6_2_a_plain_instance_is_held_to_the_launch_template_rules() -> None:
    """A hand-added EC2 instance (a bastion, a debug box) gets IMDSv2, an encrypted root volume
    with the key and no public IP, like the fleets."""
    assert violations("launch-template-imdsv2", t.INSTANCE, BASTION) == []
    assert violations("launch-template-ebs-encrypted", t.INSTANCE, BASTION) == []
    assert violations("launch-template-no-public-ip", t.INSTANCE, BASTION) == []
    imdsv1 = {**BASTION, "metadataOptions": {"httpTokens": "optional", "httpPutResponseHopLimit": 1.0}}
    assert len(violations("launch-template-imdsv2", t.INSTANCE, imdsv1)) == 1
    plain_root = {**BASTION, "rootBlockDevice": {"volumeType": "gp3"}}
    assert len(violations("launch-template-ebs-encrypted", t.INSTANCE, plain_root)) == 2
    extra = {**BASTION, "ebsBlockDevices": [{"deviceName": "/dev/sdf", "encrypted": False}]}
    assert len(violations("launch-template-ebs-encrypted", t.INSTANCE, extra)) == 2
    public = {**BASTION, "associatePublicIpAddress": True}
    found = violations("launch-template-no-public-ip", t.INSTANCE, public)
    assert len(found) == 1 and SUBJECT in found[0]


def test_r5_5_base64_user_data_of_an_instance_is_read() -> None:
    script = "#!/bin/bash\nDB_PASSWORD=hunter2hunter2\n"
    props = {**BASTION, "userDataBase64": base64.b64encode(script.encode()).decode()}
    found = violations("no-secrets-in-user-data", t.INSTANCE, props)
    assert len(found) == 1 and "DB_PASSWORD" in found[0]


def test_r4_1_aws_managed_policy_through_any_attachment_resource_is_checked() -> None:
    """PolicyAttachment, UserPolicyAttachment and GroupPolicyAttachment attach managed policies
    too; AdministratorAccess must not slip in through them."""
    admin = {"policyArn": "arn:aws:iam::aws:policy/AdministratorAccess", "roles": ["app"]}
    for typ in (
        "aws:iam/policyAttachment:PolicyAttachment",
        "aws:iam/userPolicyAttachment:UserPolicyAttachment",
        "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
    ):
        found = violations("iam-managed-policy-allow-list", typ, admin)
        assert len(found) == 1 and "AdministratorAccess" in found[0], typ
