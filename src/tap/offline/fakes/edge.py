"""Fakes of ACM certificates, Route53 zones, records, health checks, DNSSEC and query logs, WAF."""

from __future__ import annotations

from typing import Any

from tap import aws_types as t
from tap.offline.fakes.context import Fake, FakeContext, uuid
from tap.registrar import registrar

FAKES: dict[str, Fake] = {}
fake = registrar(FAKES)


@fake(t.ACM_CERTIFICATE)
def _certificate(c: FakeContext) -> tuple[str, dict[str, Any]]:
    arn = c.arn("acm", f"certificate/{uuid(c)}")
    domain = str(c.inputs.get("domainName", ""))
    return arn, {
        "arn": arn,
        "status": "PENDING_VALIDATION",
        "domainValidationOptions": [
            {
                "domainName": domain,
                "resourceRecordName": f"_{c.h(32, 'n')}.{domain}.",
                "resourceRecordType": "CNAME",
                "resourceRecordValue": f"_{c.h(32, 'v')}.mhbtsbpdnt.acm-validations.aws.",
            }
        ],
    }


@fake(t.ACM_VALIDATION)
def _certificate_validation(c: FakeContext) -> tuple[str, dict[str, Any]]:
    arn = str(c.inputs.get("certificateArn", ""))
    return arn, {"certificateArn": arn}


@fake(t.ROUTE53_ZONE)
def _zone(c: FakeContext) -> tuple[str, dict[str, Any]]:
    zid = "Z0" + c.h(19).upper()
    n = int(c.h(4), 16)
    servers = [
        f"ns-{(n + i * 517) % 2048}.awsdns-{(n + i) % 64:02d}.{tld}"
        for i, tld in enumerate(("com", "net", "org", "co.uk"))
    ]
    return zid, {"zoneId": zid, "arn": f"arn:aws:route53:::hostedzone/{zid}", "nameServers": servers}


@fake(t.ROUTE53_RECORD)
def _record(c: FakeContext) -> tuple[str, dict[str, Any]]:
    name = str(c.inputs.get("name", "")).rstrip(".")
    parts = [str(c.inputs.get("zoneId", "")), name, str(c.inputs.get("type", ""))]
    if c.inputs.get("setIdentifier"):
        parts.append(str(c.inputs["setIdentifier"]))
    return "_".join(parts), {"fqdn": name}


@fake(t.ROUTE53_HEALTH_CHECK)
def _health_check(c: FakeContext) -> tuple[str, dict[str, Any]]:
    hid = uuid(c)
    return hid, {"arn": f"arn:aws:route53:::healthcheck/{hid}"}


@fake(t.ROUTE53_KEY_SIGNING_KEY, t.ROUTE53_DNSSEC)
def _dnssec(c: FakeContext) -> tuple[str, dict[str, Any]]:
    zone = str(c.inputs.get("hostedZoneId", ""))
    name = c.inputs.get("name")
    return f"{zone},{name}" if name else zone, {}


@fake(t.ROUTE53_QUERY_LOG)
def _query_log(c: FakeContext) -> tuple[str, dict[str, Any]]:
    qid = uuid(c)
    return qid, {"arn": f"arn:aws:route53:::queryloggingconfig/{qid}"}


@fake(t.WEB_ACL)
def _web_acl(c: FakeContext) -> tuple[str, dict[str, Any]]:
    wid = uuid(c)
    name = c.physical_name()
    return wid, {
        "arn": c.arn("wafv2", f"regional/webacl/{name}/{wid}"),
        "capacity": 1325,
        "lockToken": uuid(c, "lock"),
    }


@fake(t.WEB_ACL_ASSOCIATION)
def _web_acl_association(c: FakeContext) -> tuple[str, dict[str, Any]]:
    return f"{c.inputs.get('webAclArn', '')},{c.inputs.get('resourceArn', '')}", {}
