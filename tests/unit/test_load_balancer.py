"""SPEC R7: the ALB, its one HTTPS listener, target groups, certificate and WAF."""

from __future__ import annotations

from tap.offline.plan import Plan
from tests.helpers import SUBNET, sg_named

ALB = "aws:lb/loadBalancer:LoadBalancer"
LISTENER = "aws:lb/listener:Listener"
TG = "aws:lb/targetGroup:TargetGroup"


def test_r7_1_alb_is_public_in_the_public_subnets_with_the_alb_group(plan: Plan) -> None:
    alb = plan.one(ALB)
    public = {s.id for s in plan.of_type(SUBNET) if s.get("tags")["Tier"] == "public"}
    assert alb.get("name") == "prod-alb-pay01" and alb.get("internal") is False
    assert set(alb.get("subnets")) == public
    assert alb.get("securityGroups") == [sg_named(plan, "alb-sg").id]
    assert alb.get("enableHttp2") is True and alb.get("dropInvalidHeaderFields") is True
    assert alb.get("enableDeletionProtection") is True


def test_r7_1_access_logs_go_to_the_log_bucket_after_its_policy(plan: Plan) -> None:
    alb = plan.one(ALB)
    logs = plan.one("aws:s3/bucket:Bucket", "prod-logs-pay01")
    policy = plan.one("aws:s3/bucketPolicy:BucketPolicy", "prod-logs-policy-pay01")
    assert alb.get("accessLogs") == {"bucket": logs.outputs["bucket"], "prefix": "alb", "enabled": True}
    assert policy.urn in alb.dependencies


def test_r7_2_one_listener_https_443_with_the_validated_certificate(plan: Plan) -> None:
    (listener,) = plan.of_type(LISTENER)
    validation = plan.one("aws:acm/certificateValidation:CertificateValidation")
    cert = plan.one("aws:acm/certificate:Certificate")
    assert (listener.get("port"), listener.get("protocol")) == (443, "HTTPS")
    assert listener.get("loadBalancerArn") == plan.one(ALB).outputs["arn"]
    assert listener.get("sslPolicy") == "ELBSecurityPolicy-TLS13-1-2-2021-06"
    assert listener.get("certificateArn") == validation.outputs["certificateArn"] == cert.outputs["arn"]
    assert cert.get("domainName") == "app.payments.example.com"
    assert cert.get("validationMethod") == "DNS"


def test_r7_2_certificate_is_validated_by_a_record_in_the_zone(plan: Plan) -> None:
    cert = plan.one("aws:acm/certificate:Certificate")
    record = plan.one("aws:route53/record:Record", "prod-certificate-validation-record-pay01")
    option = cert.outputs["domainValidationOptions"][0]
    assert record.get("name") == option["resourceRecordName"]
    assert record.get("records") == [option["resourceRecordValue"]]
    assert record.get("zoneId") == plan.one("aws:route53/zone:Zone", "prod-zone-pay01").outputs["zoneId"]


def test_r7_3_listener_forwards_to_the_two_target_groups_created_green_100(plan: Plan) -> None:
    (listener,) = plan.of_type(LISTENER)
    (action,) = listener.get("defaultActions")
    tgs = {t.name: t.outputs["arn"] for t in plan.of_type(TG)}
    forwarded = {(g["arn"], g["weight"]) for g in action["forward"]["targetGroups"]}
    assert forwarded == {(tgs["prod-tg-blue-pay01"], 0), (tgs["prod-tg-green-pay01"], 100)}


def test_r7_3_target_groups_health_check_the_app(plan: Plan) -> None:
    vpc = plan.one("aws:ec2/vpc:Vpc")
    for tg in plan.of_type(TG):
        assert (tg.get("port"), tg.get("protocol"), tg.get("vpcId")) == (8080, "HTTP", vpc.id)
        assert tg.get("deregistrationDelay") == 30
        hc = tg.get("healthCheck")
        assert (
            hc["path"],
            hc["interval"],
            hc["timeout"],
            hc["healthyThreshold"],
            hc["unhealthyThreshold"],
            hc["matcher"],
        ) == ("/health", 30, 5, 2, 2, "200")


def test_r7_2_there_is_no_port_80_anywhere(any_phase_plan: Plan) -> None:
    for r in any_phase_plan.of_type(LISTENER):
        assert r.get("port") != 80
    for r in any_phase_plan.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"):
        assert r.get("fromPort") != 80


def test_r7_4_waf_with_managed_groups_and_rate_limit_is_on_the_alb(plan: Plan) -> None:
    acl = plan.one("aws:wafv2/webAcl:WebAcl")
    assoc = plan.one("aws:wafv2/webAclAssociation:WebAclAssociation")
    assert assoc.get("resourceArn") == plan.one(ALB).outputs["arn"]
    assert assoc.get("webAclArn") == acl.outputs["arn"]
    rules = {r["name"]: r for r in acl.get("rules")}
    assert {
        "AWSManagedRulesCommonRuleSet",
        "AWSManagedRulesKnownBadInputsRuleSet",
        "AWSManagedRulesSQLiRuleSet",
        "AWSManagedRulesAmazonIpReputationList",
    } <= set(rules)
    rate = rules["per-ip-rate-limit"]["statement"]["rateBasedStatement"]
    assert (rate["limit"], rate["aggregateKeyType"]) == (2000, "IP")
    for r in acl.get("rules"):
        v = r["visibilityConfig"]
        assert v["cloudwatchMetricsEnabled"] and v["sampledRequestsEnabled"]
