"""The example plan built in the AWS emulator by the one seeder (tap.emulator.deployer), correct
or with one thing broken. Each break is a mistake a person could make by hand in the console or
in code review, applied on top of the seeded deployment through boto3; it returns its undo, so
one deployment serves every case."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tap.aws_clients import AwsClients, Service
from tap.emulator.deployer import deploy
from tap.offline.plan import Plan
from tap.phases import Phase

# Both weighted records live, a production database, dev peered: every cell of the matrix.
PHASE = Phase.TRAFFIC_SHIFT_10


@dataclass(frozen=True)
class Live:
    clients: AwsClients
    outputs: dict[str, str]

    def text(self, key: str) -> str:
        return self.outputs[key]

    def items(self, key: str) -> list[str]:
        return [str(v) for v in json.loads(self.outputs[key])]

    def client(self, service: Service, region: str | None = None) -> Any:
        return self.clients.client(service, region)


def build(clients: AwsClients, plan: Plan) -> Live:
    """`plan` (at PHASE) as the seeder builds it: what `tap verify --live` must pass."""
    return Live(clients, deploy(clients, plan).outputs)


Undo = Callable[[], None]
Break = Callable[[Live], Undo]
BREAKS: dict[str, Break] = {}


def breaks(name: str) -> Callable[[Break], Break]:
    def register(fn: Break) -> Break:
        BREAKS[name] = fn
        return fn

    return register


def _tcp(port: int, **peer: str) -> list[dict[str, Any]]:
    perm: dict[str, Any] = {"IpProtocol": "tcp", "FromPort": port, "ToPort": port}
    if "cidr" in peer:
        perm["IpRanges"] = [{"CidrIp": peer["cidr"]}]
    if "group" in peer:
        perm["UserIdGroupPairs"] = [{"GroupId": peer["group"]}]
    if "prefix_list" in peer:
        perm["PrefixListIds"] = [{"PrefixListId": peer["prefix_list"]}]
    return [perm]


def _ingress(live: Live, group_key: str, perm: list[dict[str, Any]]) -> Undo:
    ec2, group = live.client("ec2"), live.text(group_key)
    ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=perm)
    return lambda: ec2.revoke_security_group_ingress(GroupId=group, IpPermissions=perm)


@breaks("db-group-open-to-world")
def _db_open(live: Live) -> Undo:
    return _ingress(live, "db_security_group_id", _tcp(3306, cidr="0.0.0.0/0"))


@breaks("alb-group-allows-port-80")
def _alb_80(live: Live) -> Undo:
    return _ingress(live, "alb_security_group_id", _tcp(80, cidr="0.0.0.0/0"))


@breaks("db-group-admits-a-prefix-list")
def _db_prefix_list(live: Live) -> Undo:
    office = live.client("ec2").create_managed_prefix_list(
        PrefixListName="office", MaxEntries=5, AddressFamily="IPv4", Entries=[{"Cidr": "198.51.100.0/24"}]
    )["PrefixList"]["PrefixListId"]
    return _ingress(live, "db_security_group_id", _tcp(3306, prefix_list=office))


@breaks("prod-db-group-without-the-dev-app-rule")
def _dev_app_not_admitted(live: Live) -> Undo:
    ec2, group, dev_app = (
        live.client("ec2"),
        live.text("db_security_group_id"),
        live.text("dev_app_security_group_id"),
    )
    rules = ec2.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": [group]}])[
        "SecurityGroupRules"
    ]
    (rule,) = [r for r in rules if (r.get("ReferencedGroupInfo") or {}).get("GroupId") == dev_app]
    # The rule's description as the group holds it (describe_security_group_rules may omit it):
    # the undo must put back the same rule, or the described-rule check fails for later tests.
    (sg,) = ec2.describe_security_groups(GroupIds=[group])["SecurityGroups"]
    pairs = [p for perm in sg["IpPermissions"] for p in perm.get("UserIdGroupPairs", [])]
    (pair,) = [p for p in pairs if p.get("GroupId") == dev_app]
    assert pair.get("Description"), "the seeded dev-app rule has no description to restore"
    ec2.revoke_security_group_ingress(GroupId=group, SecurityGroupRuleIds=[rule["SecurityGroupRuleId"]])
    perm = _tcp(3306, group=dev_app)
    perm[0]["UserIdGroupPairs"][0]["Description"] = pair["Description"]
    return lambda: ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=perm)


@breaks("app-group-keeps-default-egress")
def _default_egress(live: Live) -> Undo:
    ec2, group = live.client("ec2"), live.text("app_security_group_id")
    perm = [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]
    ec2.authorize_security_group_egress(GroupId=group, IpPermissions=perm)
    return lambda: ec2.revoke_security_group_egress(GroupId=group, IpPermissions=perm)


def _replace_default_route(live: Live, index: int, **target: str) -> Undo:
    """Point private subnet `index`'s 0.0.0.0/0 at `target`; the undo points it back."""
    ec2 = live.client("ec2")
    table = live.items("private_route_table_ids")[index]
    (rt,) = ec2.describe_route_tables(RouteTableIds=[table])["RouteTables"]
    own = next(r["NatGatewayId"] for r in rt["Routes"] if r.get("DestinationCidrBlock") == "0.0.0.0/0")
    ec2.replace_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", **target)
    return lambda: ec2.replace_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=own)


@breaks("private-route-to-igw")
def _private_to_igw(live: Live) -> Undo:
    return _replace_default_route(live, 0, GatewayId=live.text("internet_gateway_id"))


@breaks("private-route-to-the-other-azs-nat")
def _nat_in_other_az(live: Live) -> Undo:
    return _replace_default_route(live, 1, NatGatewayId=live.items("nat_gateway_ids")[0])


@breaks("dev-peering-routes-cover-the-public-subnets")
def _dev_routes_whole_vpc(live: Live) -> Undo:
    ec2, pcx = live.client("ec2"), live.text("vpc_peering_connection_id")
    routes = [(table, live.text("vpc_cidr_block")) for table in live.items("dev_route_table_ids")]
    routes.append((live.text("public_route_table_id"), live.text("dev_vpc_cidr_block")))
    for table, cidr in routes:
        ec2.create_route(RouteTableId=table, DestinationCidrBlock=cidr, VpcPeeringConnectionId=pcx)

    def undo() -> None:
        for table, cidr in routes:
            ec2.delete_route(RouteTableId=table, DestinationCidrBlock=cidr)

    return undo


@breaks("launch-template-allows-imdsv1")
def _imdsv1(live: Live) -> Undo:
    """A new version with optional tokens: the groups launch `$Latest`."""
    ec2, lt = live.client("ec2"), live.text("green_launch_template_id")
    (latest,) = ec2.describe_launch_template_versions(LaunchTemplateId=lt, Versions=["$Latest"])[
        "LaunchTemplateVersions"
    ]
    data = latest["LaunchTemplateData"]
    loose = {**data, "MetadataOptions": {**data["MetadataOptions"], "HttpTokens": "optional"}}
    ec2.create_launch_template_version(LaunchTemplateId=lt, LaunchTemplateData=loose)
    return lambda: ec2.create_launch_template_version(LaunchTemplateId=lt, LaunchTemplateData=data)


def _db(live: Live, **changes: Any) -> None:
    live.client("rds").modify_db_instance(
        DBInstanceIdentifier=live.text("db_instance_identifier"), ApplyImmediately=True, **changes
    )


@breaks("db-publicly-accessible")
def _public_db(live: Live) -> Undo:
    _db(live, PubliclyAccessible=True)
    return lambda: _db(live, PubliclyAccessible=False)


def _s3(live: Live, bucket_key: str) -> tuple[Any, str]:
    region = live.text(bucket_key.replace("_name", "_region"))
    return live.client("s3", region), live.text(bucket_key)


@breaks("bucket-policy-denies-plain-http-on-the-bucket-only")
def _tls_deny_bucket_only(live: Live) -> Undo:
    s3, bucket = _s3(live, "log_bucket_name")
    policy = s3.get_bucket_policy(Bucket=bucket)["Policy"]
    doc = json.loads(policy)
    for st in doc["Statement"]:
        if st.get("Sid") == "DenyInsecureTransport":
            st["Resource"] = f"arn:aws:s3:::{bucket}"
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(doc))
    return lambda: s3.put_bucket_policy(Bucket=bucket, Policy=policy)


@breaks("replica-bucket-without-public-access-block")
def _no_public_access_block(live: Live) -> Undo:
    s3, bucket = _s3(live, "replica_bucket_name")
    config = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    s3.delete_public_access_block(Bucket=bucket)
    return lambda: s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration=config)


@breaks("log-bucket-versioning-suspended")
def _versioning_suspended(live: Live) -> Undo:
    s3, bucket = _s3(live, "log_bucket_name")
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Suspended"})
    return lambda: s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})


@breaks("log-bucket-ownership-object-writer")
def _acls_still_on(live: Live) -> Undo:
    s3, bucket = _s3(live, "log_bucket_name")

    def own(who: str) -> None:
        s3.put_bucket_ownership_controls(
            Bucket=bucket, OwnershipControls={"Rules": [{"ObjectOwnership": who}]}
        )

    own("ObjectWriter")
    return lambda: own("BucketOwnerEnforced")


@breaks("kms-key-rotation-off")
def _key_not_rotated(live: Live) -> Undo:
    kms, key = live.client("kms"), live.text("kms_key_id")
    kms.disable_key_rotation(KeyId=key)
    return lambda: kms.enable_key_rotation(KeyId=key)


@breaks("alarm-actions-disabled")
def _alarm_actions_disabled(live: Live) -> Undo:
    cw, alarm = live.client("cloudwatch"), live.text("alarm_unhealthy_hosts_name")
    cw.disable_alarm_actions(AlarmNames=[alarm])
    return lambda: cw.enable_alarm_actions(AlarmNames=[alarm])


@breaks("both-weighted-records-at-zero")
def _weights_all_zero(live: Live) -> Undo:
    r53, zone = live.client("route53"), live.text("hosted_zone_id")
    weighted = [
        s for s in r53.list_resource_record_sets(HostedZoneId=zone)["ResourceRecordSets"] if "Weight" in s
    ]

    def upsert(records: list[dict[str, Any]]) -> None:
        changes = [{"Action": "UPSERT", "ResourceRecordSet": r} for r in records]
        r53.change_resource_record_sets(HostedZoneId=zone, ChangeBatch={"Changes": changes})

    upsert([{**r, "Weight": 0} for r in weighted])
    return lambda: upsert(weighted)
