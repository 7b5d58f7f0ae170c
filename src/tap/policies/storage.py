"""S3 (SPEC R9, R3.2, R3.3): public access fully blocked, TLS-only bucket policies, versioning,
default encryption, lifecycle rules, and the log bucket replicated to the replica region.

With pulumi-aws 7 each bucket setting is its own resource, so the per-resource rules check
each setting's content and the stack rules check that every bucket has all of them."""

from __future__ import annotations

from typing import Any

from tap import aws_types as t
from tap.policies.props import UNKNOWN, as_list, document, flag, value
from tap.policies.rules import Report, Resource, Stack, resource_rule, stack_rule

BLOCK_FLAGS = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
SSE_ALGORITHMS = {"AES256", "aws:kms", "aws:kms:dsse"}
PUBLIC_ACLS = {"public-read", "public-read-write", "authenticated-read"}
# ACL grantee groups that mean "anyone" (AllUsers) or "any AWS account" (AuthenticatedUsers).
PUBLIC_GRANTEES = ("/global/AllUsers", "/global/AuthenticatedUsers")
OWNER_ENFORCED = "BucketOwnerEnforced"


@resource_rule(
    "s3-public-access-blocked",
    "Bucket public access blocks set all four flags.",
    "R9.1",
    t.S3_PUBLIC_ACCESS_BLOCK,
)
def public_access_blocked(r: Resource, report: Report) -> None:
    for key in BLOCK_FLAGS:
        v = flag(r.get(key))
        if v is not UNKNOWN and v is not True:
            report(f"{r.label} leaves {key} off")


@resource_rule(
    "s3-no-public-acl",
    "No bucket or bucket ACL grants public access.",
    "R9.1",
    *t.BUCKETS,
    t.S3_ACL,
    t.S3_ACL_V2,
)
def no_public_acl(r: Resource, report: Report) -> None:
    acl = r.get("acl")
    if isinstance(acl, str) and acl in PUBLIC_ACLS:
        report(f"{r.label} uses the canned ACL {acl!r}")
    grants = r.get("accessControlPolicy", "grants")
    for g in grants if isinstance(grants, list) else []:
        uri = (g.get("grantee") or {}).get("uri") if isinstance(g, dict) else None
        if isinstance(uri, str) and uri.endswith(PUBLIC_GRANTEES):
            report(f"{r.label} grants {g.get('permission')} to {uri.rsplit('/', 1)[-1]}")


@resource_rule(
    "s3-bucket-owner-enforced",
    "Bucket ownership controls are BucketOwnerEnforced, which switches ACLs off altogether.",
    "R9.1",
    t.S3_OWNERSHIP,
)
def owner_enforced(r: Resource, report: Report) -> None:
    ownership = r.get("rule", "objectOwnership")
    if ownership is not UNKNOWN and ownership != OWNER_ENFORCED:
        report(f"{r.label} has object ownership {ownership!r}; it must be {OWNER_ENFORCED!r} (ACLs off)")


@resource_rule(
    "s3-versioning-enabled", "Bucket versioning is Enabled.", "R9.1", t.S3_VERSIONING, t.S3_VERSIONING_V2
)
def versioning_enabled(r: Resource, report: Report) -> None:
    status = r.get("versioningConfiguration", "status")
    if status is not UNKNOWN and status != "Enabled":
        report(f"{r.label} has versioning status {status!r}; it must be 'Enabled'")


@resource_rule(
    "s3-default-encryption",
    "Bucket default encryption names an algorithm (SSE-S3 where ALB logs land, else SSE-KMS).",
    "R3.2, R9.1",
    t.S3_SSE,
    t.S3_SSE_V2,
)
def default_encryption(r: Resource, report: Report) -> None:
    rules = r.get("rules")
    if rules is UNKNOWN:
        return
    algorithms = [
        x if x is UNKNOWN else value(x, "applyServerSideEncryptionByDefault", "sseAlgorithm")
        for x in (rules if isinstance(rules, list) else [])
    ]
    if not any(a is UNKNOWN or a in SSE_ALGORITHMS for a in algorithms):
        report(f"{r.label} sets no default encryption algorithm ({', '.join(sorted(SSE_ALGORITHMS))})")


def enabled_rules(rules: Any) -> list[dict[str, Any]]:
    listed = rules if isinstance(rules, list) else []
    return [x for x in listed if isinstance(x, dict) and x.get("status") == "Enabled"]


def _any_status_unknown(rules: Any) -> bool:
    """A rule, or a rule's status, not known yet: which rules are enabled cannot be told."""
    listed = rules if isinstance(rules, list) else []
    return any(x is UNKNOWN or (isinstance(x, dict) and x.get("status") is UNKNOWN) for x in listed)


ANY_PRINCIPAL = ("*", {"AWS": "*"}, ["*"], {"AWS": ["*"]})
ALL_S3_ACTIONS = {"*", "s3:*"}


def _denies_without_tls(st: Any) -> bool:
    """A Deny for everyone when aws:SecureTransport is false (IAM takes a list wherever one
    value goes, and BoolIfExists means the same here: S3 always sends the key)."""
    if not isinstance(st, dict) or st.get("Effect") != "Deny" or st.get("Principal") not in ANY_PRINCIPAL:
        return False
    cond = st.get("Condition")
    if not isinstance(cond, dict):
        return False
    for operator in ("Bool", "BoolIfExists"):
        block = cond.get(operator)
        if isinstance(block, dict) and any(
            str(v).lower() == "false" for v in as_list(block.get("aws:SecureTransport"))
        ):
            return True
    return False


def insecure_transport_gaps(policy: dict[str, Any]) -> list[str]:
    """What a bucket policy leaves reachable without TLS; empty when it denies every S3 action
    on the bucket and on its objects (`arn:aws:s3:::name` alone matches bucket-level calls only)."""
    denies = [st for st in as_list(policy.get("Statement")) if _denies_without_tls(st)]
    if not denies:
        return ["does not deny requests without TLS (Deny * when aws:SecureTransport is false)"]
    full = [st for st in denies if ALL_S3_ACTIONS & {str(a) for a in as_list(st.get("Action"))}]
    if not full:
        named = sorted({str(a) for st in denies for a in as_list(st.get("Action"))})
        return [f"denies only {', '.join(named)} without TLS; deny s3:* so no call works over plain HTTP"]
    resources = [str(x) for st in full for x in as_list(st.get("Resource"))]
    gaps = []
    if not any(x == "*" or x.endswith("/*") for x in resources):
        gaps.append(
            "denies plain-HTTP calls on the bucket but not on its objects (add the bucket ARN + '/*')"
        )
    if not any(x == "*" or "/" not in x.removeprefix("arn:aws:s3:::") for x in resources):
        gaps.append(
            "denies plain-HTTP calls on the objects but not on the bucket itself (add the bucket ARN)"
        )
    return gaps


@resource_rule(
    "s3-tls-only-policy",
    "Bucket policies deny every S3 action on the bucket and its objects for requests made "
    "without TLS (aws:SecureTransport = false).",
    "R3.3, R9.1",
    t.S3_POLICY,
)
def tls_only_policy(r: Resource, report: Report) -> None:
    policy = document(r.get("policy"))
    if policy is UNKNOWN:
        return
    if not isinstance(policy, dict):
        report(f"{r.label} has no readable policy, so nothing denies requests without TLS")
        return
    for gap in insecure_transport_gaps(policy):
        report(f"{r.label} {gap}")


@resource_rule(
    "s3-lifecycle-rules",
    "Bucket lifecycle configurations have enabled rules that expire old versions and abort "
    "incomplete multipart uploads.",
    "R9.1",
    t.S3_LIFECYCLE,
    t.S3_LIFECYCLE_V2,
)
def lifecycle_rules(r: Resource, report: Report) -> None:
    rules = r.get("rules")
    if rules is UNKNOWN or _any_status_unknown(rules):
        return
    enabled = enabled_rules(rules)
    if not enabled:
        report(f"{r.label} has no enabled lifecycle rule")
        return
    # UNKNOWN is falsy: an action not known yet counts as present until `pulumi up` shows it.
    if not any(
        x.get("noncurrentVersionExpiration") is UNKNOWN or x.get("noncurrentVersionExpiration")
        for x in enabled
    ):
        report(f"{r.label} never expires noncurrent versions (versioned buckets grow forever)")
    if not any(
        x.get("abortIncompleteMultipartUpload") is UNKNOWN or x.get("abortIncompleteMultipartUpload")
        for x in enabled
    ):
        report(f"{r.label} never aborts incomplete multipart uploads")


COMPANIONS: dict[str, tuple[str, ...]] = {
    "a public access block": (t.S3_PUBLIC_ACCESS_BLOCK,),
    "versioning": (t.S3_VERSIONING, t.S3_VERSIONING_V2),
    "default encryption": (t.S3_SSE, t.S3_SSE_V2),
    "a TLS-only bucket policy": (t.S3_POLICY,),
    "a lifecycle configuration": (t.S3_LIFECYCLE, t.S3_LIFECYCLE_V2),
    "bucket-owner-enforced ownership controls": (t.S3_OWNERSHIP,),
}


def _configured(stack: Stack, types: tuple[str, ...]) -> set[Any]:
    return {c.get("bucket") for c in stack.of_type(*types)}


@stack_rule(
    "s3-bucket-fully-configured",
    "Every bucket has a public access block, versioning, default encryption, a TLS-only "
    "policy, a lifecycle configuration and ownership controls.",
    "R9.1, R9.2",
)
def bucket_configured(stack: Stack, report: Report) -> None:
    have = {what: _configured(stack, types) for what, types in COMPANIONS.items()}
    for b in stack.of_type(*t.BUCKETS):
        ids = b.physical_ids
        if not ids:
            continue
        for what, buckets in have.items():
            if UNKNOWN in buckets:
                continue
            if not ids & buckets:
                report(f"{b.label} has no {what}", b.urn)


@stack_rule(
    "s3-log-bucket-replicated",
    "Every bucket is either replicated (versioned source with an enabled rule and a role) or "
    "is the destination of a replication; the access-log bucket is the documented exception.",
    "R9.3",
)
def log_bucket_replicated(stack: Stack, report: Report) -> None:
    sources: set[Any] = set()
    destinations: set[Any] = set()
    for rc in stack.of_type(t.S3_REPLICATION):
        rules, role = rc.get("rules"), rc.get("role")
        if rules is UNKNOWN or _any_status_unknown(rules):
            sources.add(UNKNOWN)
            continue
        enabled = enabled_rules(rules)
        if role is not UNKNOWN and not role:
            report(f"{rc.label} names no replication role", rc.urn)
        if not enabled:
            report(f"{rc.label} has no enabled replication rule", rc.urn)
            continue
        sources.add(rc.get("bucket"))
        destinations.update((x.get("destination") or {}).get("bucket") for x in enabled)
    if UNKNOWN in sources or UNKNOWN in destinations:
        return
    # Server access logs of the log bucket: evidence about the evidence, kept in-region only.
    access_log_targets = {x.get("targetBucket") for x in stack.of_type(t.S3_LOGGING, t.S3_LOGGING_V2)}
    if UNKNOWN in access_log_targets:
        return
    for b in stack.of_type(*t.BUCKETS):
        ids = b.physical_ids
        if ids & access_log_targets:
            continue
        if any(b.get(k) is UNKNOWN for k in ("id", "arn", "bucket")):
            continue  # destinations name buckets by ARN, sources by name: both must be known
        if ids and not (ids & sources or ids & destinations):
            report(f"{b.label} is neither replicated nor a replication destination", b.urn)


RULES = [
    public_access_blocked,
    no_public_acl,
    owner_enforced,
    versioning_enabled,
    default_encryption,
    tls_only_policy,
    lifecycle_rules,
]
STACK_RULES = [bucket_configured, log_bucket_replicated]
