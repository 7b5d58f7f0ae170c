"""SPEC R16, R17.3: realistic bad resources that an earlier version of the rules let through,
and correct resources it wrongly blocked during `pulumi preview`. Each case names the gap."""

from __future__ import annotations

import base64
import json
from typing import Any

from pulumi_policy.proxy import UNKNOWN_ARRAY_VALUE, unknown_checking_proxy

from tap import aws_types as t
from tests.policy.examples import (
    DELETE,
    KEY_ARN,
    KEY_POLICY,
    SUBJECT,
    TLS_ONLY_POLICY,
    compliant_with,
    violations,
)


def _tls_policy(**statement_changes: Any) -> str:
    statement = {**TLS_ONLY_POLICY["Statement"][0], **statement_changes}  # type: ignore[index]
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def test_r8_2_alias_not_known_yet_is_not_a_missing_ttl() -> None:
    """An alias built inside an `apply` is wholly unknown on the first preview; an alias record
    has no TTL of its own, so the rule must wait rather than report 'TTL unset'."""
    props = unknown_checking_proxy(
        compliant_with(t.ROUTE53_RECORD, ttl=DELETE, records=DELETE, aliases=UNKNOWN_ARRAY_VALUE)
    )
    assert violations("dns-ttl-60", t.ROUTE53_RECORD, props) == []


def test_r3_3_tls_deny_limited_to_some_actions_fails() -> None:
    """A Deny on s3:PutObject alone still serves GetObject over plain HTTP."""
    props = compliant_with(t.S3_POLICY, policy=_tls_policy(Action="s3:PutObject"))
    found = violations("s3-tls-only-policy", t.S3_POLICY, props)
    assert len(found) == 1 and SUBJECT in found[0]


def test_r3_3_tls_deny_on_the_bucket_but_not_its_objects_fails() -> None:
    """`arn:aws:s3:::logs` matches bucket-level calls only; objects need `arn:aws:s3:::logs/*`."""
    props = compliant_with(t.S3_POLICY, policy=_tls_policy(Resource="arn:aws:s3:::logs"))
    found = violations("s3-tls-only-policy", t.S3_POLICY, props)
    assert len(found) == 1 and "objects" in found[0]


def test_r3_3_tls_deny_with_list_valued_condition_and_principal_passes() -> None:
    """IAM allows a list wherever one value goes: `["false"]` and `{"AWS": ["*"]}` are the same
    deny."""
    policy = _tls_policy(
        Principal={"AWS": ["*"]},
        Action=["s3:*"],
        Condition={"Bool": {"aws:SecureTransport": ["false"]}},
    )
    assert violations("s3-tls-only-policy", t.S3_POLICY, compliant_with(t.S3_POLICY, policy=policy)) == []


def test_r10_2_alarm_with_actions_disabled_fails() -> None:
    """actionsEnabled=false keeps the actions on paper and sends nothing."""
    for disabled in (False, "false"):
        found = violations(
            "alarm-has-actions", t.METRIC_ALARM, compliant_with(t.METRIC_ALARM, actionsEnabled=disabled)
        )
        assert len(found) == 1 and "actionsEnabled" in found[0]


def test_r2_1_udp_443_from_the_internet_fails() -> None:
    """The rule allows TCP 443 only; UDP 443 (QUIC) reaches nothing an ALB serves."""
    found = violations(
        "internet-ingress-https-only", t.INGRESS_RULE, compliant_with(t.INGRESS_RULE, ipProtocol="udp")
    )
    assert len(found) == 1 and "udp 443" in found[0]


def test_r2_1_prefix_list_ingress_is_judged_as_internet() -> None:
    """A prefix list's ranges are not in the program (they can be any public CIDR), so a rule
    naming one is held to the internet's standard: 443 only, and only on the ALB group."""
    props = compliant_with(
        t.INGRESS_RULE, cidrIpv4=DELETE, prefixListId="pl-0123456789abcdef0", fromPort=3306.0, toPort=3306.0
    )
    found = violations("internet-ingress-https-only", t.INGRESS_RULE, props)
    assert len(found) == 1 and "pl-0123456789abcdef0" in found[0]
    legacy = compliant_with(
        t.LEGACY_SG_RULE, sourceSecurityGroupId=DELETE, prefixListIds=["pl-0123456789abcdef0"]
    )
    assert len(violations("internet-ingress-https-only", t.LEGACY_SG_RULE, legacy)) == 1


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


def _key_policy_with(statement: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [*KEY_POLICY["Statement"], statement]})  # type: ignore[misc]


def test_r3_1_key_policy_letting_anyone_decrypt_fails() -> None:
    """A key anyone may decrypt with encrypts nothing; only a condition (e.g. the caller's
    account or the calling service) can make a `*` principal safe."""
    anyone = {
        "Sid": "Anyone",
        "Effect": "Allow",
        "Principal": {"AWS": "*"},
        "Action": "kms:Decrypt",
        "Resource": "*",
    }
    found = violations(
        "kms-key-policy-admin-root-only",
        t.KMS_KEY,
        compliant_with(t.KMS_KEY, policy=_key_policy_with(anyone)),
    )
    assert len(found) == 1 and "Anyone" in found[0]
    guarded = {**anyone, "Condition": {"StringEquals": {"kms:CallerAccount": "123456789012"}}}
    assert (
        violations(
            "kms-key-policy-admin-root-only",
            t.KMS_KEY,
            compliant_with(t.KMS_KEY, policy=_key_policy_with(guarded)),
        )
        == []
    )


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


def test_r9_1_ownership_other_than_bucket_owner_enforced_fails() -> None:
    """R9.1 asks for bucket-owner-enforced ownership: it switches ACLs off altogether."""
    good = {"bucket": "logs", "rule": {"objectOwnership": "BucketOwnerEnforced"}}
    assert violations("s3-bucket-owner-enforced", t.S3_OWNERSHIP, good) == []
    for weaker in ("ObjectWriter", "BucketOwnerPreferred"):
        found = violations(
            "s3-bucket-owner-enforced", t.S3_OWNERSHIP, {**good, "rule": {"objectOwnership": weaker}}
        )
        assert len(found) == 1 and weaker in found[0]


def test_r9_1_acl_grant_to_all_users_fails() -> None:
    """A grant to the AllUsers group is a public bucket whatever the canned ACL says."""
    grants = {
        "bucket": "logs",
        "accessControlPolicy": {
            "owner": {"id": "abc"},
            "grants": [
                {
                    "permission": "READ",
                    "grantee": {"type": "Group", "uri": "http://acs.amazonaws.com/groups/global/AllUsers"},
                }
            ],
        },
    }
    found = violations("s3-no-public-acl", t.S3_ACL_V2, grants)
    assert len(found) == 1 and "AllUsers" in found[0]


def test_r9_1_bucket_without_ownership_controls_is_not_fully_configured() -> None:
    from tests.policy.examples import stack_violations
    from tests.policy.stack_examples import good_stack, without

    assert stack_violations("s3-bucket-fully-configured", good_stack()) == []
    found = stack_violations("s3-bucket-fully-configured", without(good_stack(), "logs-own"))
    assert len(found) == 1 and "bucket-owner-enforced" in found[0]


AWS_MANAGED = "arn:aws:kms:us-east-1:123456789012:alias/aws/"


def test_r3_2_aws_managed_key_aliases_are_not_the_customer_key() -> None:
    """`alias/aws/sns`, `alias/aws/rds`... name the AWS-managed keys: set, but not ours (their
    policy cannot be changed, and rotation and access are AWS's)."""
    cases = [
        ("sns-topic-encrypted", t.SNS_TOPIC, {"kmsMasterKeyId": "alias/aws/sns"}),
        ("rds-encrypted-with-customer-key", t.RDS_INSTANCE, {"kmsKeyId": AWS_MANAGED + "rds"}),
        (
            "rds-performance-insights-encrypted",
            t.RDS_INSTANCE,
            {"performanceInsightsKmsKeyId": "alias/aws/rds"},
        ),
        (
            "rds-managed-master-password",
            t.RDS_INSTANCE,
            {"masterUserSecretKmsKeyId": "alias/aws/secretsmanager"},
        ),
        ("rds-snapshot-copy-encrypted", t.RDS_SNAPSHOT_COPY, {"kmsKeyId": AWS_MANAGED + "rds"}),
        ("secret-encrypted", t.SECRET, {"kmsKeyId": "alias/aws/secretsmanager"}),
        ("log-group-encrypted-with-retention", t.LOG_GROUP, {"kmsKeyId": "alias/aws/logs"}),
        (
            "dynamodb-encrypted-with-key",
            t.DYNAMODB_TABLE,
            {"serverSideEncryption": {"kmsKeyArn": AWS_MANAGED + "dynamodb"}},
        ),
    ]
    for rule, typ, change in cases:
        found = violations(rule, typ, compliant_with(typ, **change))
        assert len(found) == 1 and "AWS-managed" in found[0] and SUBJECT in found[0], (rule, found)
    ebs = compliant_with(
        t.LAUNCH_TEMPLATE,
        blockDeviceMappings=[
            {"deviceName": "/dev/xvda", "ebs": {"encrypted": "true", "kmsKeyId": "alias/aws/ebs"}}
        ],
    )
    found = violations("launch-template-ebs-encrypted", t.LAUNCH_TEMPLATE, ebs)
    assert len(found) == 1 and "AWS-managed" in found[0]


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


def _waf(**changes: Any) -> dict[str, Any]:
    return compliant_with(t.WEB_ACL, **changes)


def test_r7_4_web_acl_missing_a_managed_group_or_the_rate_limit_fails() -> None:
    """Associating an empty web ACL satisfies 'a WAF is attached' and filters nothing."""
    assert violations("waf-managed-rules-and-rate-limit", t.WEB_ACL, _waf()) == []
    rules = _waf()["rules"]
    no_sqli = _waf(rules=[r for r in rules if r["name"] != "AWSManagedRulesSQLiRuleSet"])
    found = violations("waf-managed-rules-and-rate-limit", t.WEB_ACL, no_sqli)
    assert len(found) == 1 and "AWSManagedRulesSQLiRuleSet" in found[0] and SUBJECT in found[0]
    no_rate = _waf(rules=[r for r in rules if "rateBasedStatement" not in r["statement"]])
    found = violations("waf-managed-rules-and-rate-limit", t.WEB_ACL, no_rate)
    assert len(found) == 1 and "rate" in found[0]
    assert len(violations("waf-managed-rules-and-rate-limit", t.WEB_ACL, _waf(rules=[]))) == 2


def test_r7_4_managed_group_left_in_count_mode_fails() -> None:
    """overrideAction count is how a group is trialled; left there it only counts attacks."""
    rules = [
        {**r, "overrideAction": {"count": {}}} if r["name"] == "AWSManagedRulesCommonRuleSet" else r
        for r in _waf()["rules"]
    ]
    found = violations("waf-managed-rules-and-rate-limit", t.WEB_ACL, _waf(rules=rules))
    assert len(found) == 1 and "count" in found[0]


def test_r1_3_vpc_without_flow_logs_of_all_traffic_fails() -> None:
    """Flow logs are the network's audit trail; REJECT-only logs miss every accepted connection."""
    from tests.policy.examples import res, stack_violations
    from tests.policy.stack_examples import good_stack, replaced, without

    assert stack_violations("vpc-flow-logs-all-traffic", good_stack()) == []
    found = stack_violations("vpc-flow-logs-all-traffic", without(good_stack(), "flow-log"))
    assert len(found) == 1 and "'vpc'" in found[0]
    found = stack_violations(
        "vpc-flow-logs-all-traffic", replaced(good_stack(), "flow-log", trafficType="REJECT")
    )
    assert len(found) == 1 and "REJECT" in found[0]
    other = [*good_stack(), res(t.VPC, "vpc-2", id="vpc-2", cidrBlock="10.1.0.0/16")]
    assert len(stack_violations("vpc-flow-logs-all-traffic", other)) == 1


def test_r3_2_alb_log_bucket_with_kms_default_encryption_fails() -> None:
    """ELB log delivery writes only to SSE-S3 buckets: with SSE-KMS the access logs silently
    stop, and with them the audit trail of every request."""
    from tests.policy.examples import stack_violations
    from tests.policy.stack_examples import good_stack, replaced

    assert stack_violations("alb-log-bucket-sse-s3", good_stack()) == []
    kms = [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": KEY_ARN}}]
    found = stack_violations("alb-log-bucket-sse-s3", replaced(good_stack(), "logs-sse", rules=kms))
    assert len(found) == 1 and "'alb'" in found[0] and "aws:kms" in found[0]
    # the replica bucket receives no ALB logs: KMS there is fine
    assert stack_violations("alb-log-bucket-sse-s3", replaced(good_stack(), "replica-sse", rules=kms)) == []
