"""Deploy an offline plan into moto server through boto3, and return its flat outputs with
moto's ids, so the live checks can run against it.

The plan is the real program rendered for the example settings; every resource the checks
look at is created from that plan's own inputs (CIDRs, zones, rules, weights, thresholds,
policies), in dependency order, and every id the plan's outputs mention is swapped for the id
moto assigned. What moto does not model (flow logs, WAF, DNSSEC, query logging, VPC
endpoints) is not created; outputs naming those keep their plan values and no check reads them.
"""

from __future__ import annotations

import json
import re
from typing import Any

from tap.aws_clients import AwsClients
from tap.offline.plan import Plan, PlannedResource
from tap.outputs import flatten
from tests.integration.flat_outputs import FlatOutputs


class Substitutions:
    """Plan value -> moto value, for ids, ARNs, names and DNS names."""

    def __init__(self) -> None:
        self.map: dict[str, str] = {}
        self._regex: re.Pattern[str] | None = None

    def add(self, plan_value: Any, moto_value: Any) -> None:
        if isinstance(plan_value, str) and plan_value and plan_value != moto_value:
            self.map[plan_value] = str(moto_value)
            self._regex = None

    def value(self, value: Any) -> Any:
        """Swap every exact plan string inside `value` (nested lists and dicts too)."""
        if isinstance(value, str):
            return self.map.get(value, value)
        if isinstance(value, list):
            return [self.value(v) for v in value]
        if isinstance(value, dict):
            return {k: self.value(v) for k, v in value.items()}
        return value

    def text(self, text: str) -> str:
        """Swap plan strings that occur anywhere inside `text` (policies, JSON, suffixes)."""
        if not self.map:
            return text
        if self._regex is None:
            keys = sorted(self.map, key=len, reverse=True)
            self._regex = re.compile("|".join(re.escape(k) for k in keys))
        return self._regex.sub(lambda m: self.map[m.group(0)], text)


def _int(value: Any) -> int:
    return int(float(value))


def _arn_suffix(arn: str, marker: str) -> str:
    """`app/name/id` or `targetgroup/name/id`: the CloudWatch dimension form of an ELB ARN."""
    return arn.split(f":{marker}/", 1)[1] if f":{marker}/" in arn else arn


class MotoDeployer:
    def __init__(self, clients: AwsClients, plan: Plan) -> None:
        self.c = clients
        self.plan = plan
        self.sub = Substitutions()
        self.region = plan.settings.core.region

    def of(self, typ: str) -> list[PlannedResource]:
        return [r for r in self.plan.of_type(typ) if not r.read]

    def deploy(self) -> FlatOutputs:
        for step in (
            self._dev_network,
            self._network,
            self._security_groups,
            self._kms,
            self._database,  # before IAM: the rds-db:connect ARN names the instance's resource id
            self._iam,
            self._s3,
            self._load_balancer,
            self._fleets,
            self._topics,
            self._dns,
            self._writer_switched,
            self._alarms,
            self._parameters,
            self._secrets,
        ):
            step()
        flat = flatten(self.plan.outputs)
        return FlatOutputs({k: self.sub.text(v) for k, v in flat.items()}, "moto server (example plan)")

    # --- network -------------------------------------------------------------------------
    def _dev_network(self) -> None:
        """What dev already has in a real account: its VPC, route tables and two groups (the
        stack only references them), created here so the peering, routes and rules land."""
        dev, ec2, s = self.plan.settings.dev_network, self.c.client("ec2"), self.sub
        if not dev.dev_vpc_id:
            return
        vid = ec2.create_vpc(CidrBlock=dev.dev_vpc_cidr)["Vpc"]["VpcId"]
        s.add(dev.dev_vpc_id, vid)
        for rt in dev.dev_route_table_ids:
            s.add(rt, ec2.create_route_table(VpcId=vid)["RouteTable"]["RouteTableId"])
        for gid, name in (
            (dev.dev_app_security_group_id, "dev-app"),
            (dev.dev_db_security_group_id, "dev-db"),
        ):
            s.add(gid, ec2.create_security_group(GroupName=name, Description=name, VpcId=vid)["GroupId"])

    def _network(self) -> None:
        ec2, s = self.c.client("ec2"), self.sub
        for vpc in self.of("aws:ec2/vpc:Vpc"):
            vid = ec2.create_vpc(CidrBlock=vpc.get("cidrBlock"))["Vpc"]["VpcId"]
            s.add(vpc.id, vid)
            default = ec2.describe_security_groups(
                Filters=[{"Name": "vpc-id", "Values": [vid]}, {"Name": "group-name", "Values": ["default"]}]
            )["SecurityGroups"][0]["GroupId"]
            s.add(vpc.outputs.get("defaultSecurityGroupId"), default)
        for r in self.of("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"):
            vid = s.value(r.get("vpcId"))
            default = ec2.describe_security_groups(
                Filters=[{"Name": "vpc-id", "Values": [vid]}, {"Name": "group-name", "Values": ["default"]}]
            )["SecurityGroups"][0]["GroupId"]
            s.add(r.id, default)
        for sn in self.of("aws:ec2/subnet:Subnet"):
            sid = ec2.create_subnet(
                VpcId=s.value(sn.get("vpcId")),
                CidrBlock=sn.get("cidrBlock"),
                AvailabilityZone=sn.get("availabilityZone"),
            )["Subnet"]["SubnetId"]
            s.add(sn.id, sid)
        for igw in self.of("aws:ec2/internetGateway:InternetGateway"):
            gid = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
            ec2.attach_internet_gateway(InternetGatewayId=gid, VpcId=s.value(igw.get("vpcId")))
            s.add(igw.id, gid)
        for eip in self.of("aws:ec2/eip:Eip"):
            got = ec2.allocate_address(Domain="vpc")
            s.add(eip.id, got["AllocationId"])
            s.add(eip.outputs.get("publicIp"), got["PublicIp"])
        for nat in self.of("aws:ec2/natGateway:NatGateway"):
            nid = ec2.create_nat_gateway(
                SubnetId=s.value(nat.get("subnetId")), AllocationId=s.value(nat.get("allocationId"))
            )["NatGateway"]["NatGatewayId"]
            s.add(nat.id, nid)
        for rt in self.of("aws:ec2/routeTable:RouteTable"):
            s.add(rt.id, ec2.create_route_table(VpcId=s.value(rt.get("vpcId")))["RouteTable"]["RouteTableId"])
        for pcx in self.of("aws:ec2/vpcPeeringConnection:VpcPeeringConnection"):
            got = ec2.create_vpc_peering_connection(
                VpcId=s.value(pcx.get("vpcId")), PeerVpcId=s.value(pcx.get("peerVpcId"))
            )["VpcPeeringConnection"]["VpcPeeringConnectionId"]
            ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=got)  # auto_accept
            s.add(pcx.id, got)
        for route in self.of("aws:ec2/route:Route"):
            target = {
                api: s.value(route.get(key))
                for key, api in (
                    ("gatewayId", "GatewayId"),
                    ("natGatewayId", "NatGatewayId"),
                    ("vpcPeeringConnectionId", "VpcPeeringConnectionId"),
                )
                if route.get(key)
            }
            ec2.create_route(
                RouteTableId=s.value(route.get("routeTableId")),
                DestinationCidrBlock=route.get("destinationCidrBlock"),
                **target,
            )
        for assoc in self.of("aws:ec2/routeTableAssociation:RouteTableAssociation"):
            ec2.associate_route_table(
                RouteTableId=s.value(assoc.get("routeTableId")), SubnetId=s.value(assoc.get("subnetId"))
            )

    def _security_groups(self) -> None:
        ec2, s = self.c.client("ec2"), self.sub
        for sg in self.of("aws:ec2/securityGroup:SecurityGroup"):
            gid = ec2.create_security_group(
                GroupName=sg.get("name"), Description=sg.get("description"), VpcId=s.value(sg.get("vpcId"))
            )["GroupId"]
            s.add(sg.id, gid)
        for typ, call in (
            (
                "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
                ec2.authorize_security_group_ingress,
            ),
            ("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", ec2.authorize_security_group_egress),
        ):
            for rule in self.of(typ):
                perm: dict[str, Any] = {"IpProtocol": rule.get("ipProtocol")}
                if rule.get("fromPort") is not None:
                    perm.update(FromPort=_int(rule.get("fromPort")), ToPort=_int(rule.get("toPort")))
                desc = rule.get("description") or ""
                if rule.get("referencedSecurityGroupId"):
                    perm["UserIdGroupPairs"] = [
                        {"GroupId": s.value(rule.get("referencedSecurityGroupId")), "Description": desc}
                    ]
                elif rule.get("cidrIpv4"):
                    perm["IpRanges"] = [{"CidrIp": rule.get("cidrIpv4"), "Description": desc}]
                elif rule.get("cidrIpv6"):
                    perm["Ipv6Ranges"] = [{"CidrIpv6": rule.get("cidrIpv6"), "Description": desc}]
                elif rule.get("prefixListId"):
                    perm["PrefixListIds"] = [{"PrefixListId": rule.get("prefixListId"), "Description": desc}]
                call(GroupId=s.value(rule.get("securityGroupId")), IpPermissions=[perm])

    def _kms(self) -> None:
        kms, s = self.c.client("kms"), self.sub
        for key in self.of("aws:kms/key:Key"):
            meta = kms.create_key(
                Description=key.get("description") or "",
                KeyUsage=key.get("keyUsage") or "ENCRYPT_DECRYPT",
                KeySpec=key.get("customerMasterKeySpec") or "SYMMETRIC_DEFAULT",
            )["KeyMetadata"]
            s.add(key.id, meta["KeyId"])
            s.add(key.outputs.get("arn"), meta["Arn"])
        for alias in self.of("aws:kms/alias:Alias"):
            kms.create_alias(AliasName=alias.get("name"), TargetKeyId=s.value(alias.get("targetKeyId")))

    # --- IAM and storage -------------------------------------------------------------------
    def _iam(self) -> None:
        iam, s = self.c.client("iam"), self.sub
        for role in self.of("aws:iam/role:Role"):
            name = role.outputs.get("name") or role.id
            trust = role.get("assumeRolePolicy") or role.outputs.get("assumeRolePolicy")
            iam.create_role(RoleName=name, AssumeRolePolicyDocument=s.text(_json(trust)))
        for policy in self.of("aws:iam/rolePolicy:RolePolicy"):
            iam.put_role_policy(
                RoleName=policy.get("role"),
                PolicyName=policy.outputs.get("name"),
                PolicyDocument=s.text(_json(policy.get("policy"))),
            )
        for profile in self.of("aws:iam/instanceProfile:InstanceProfile"):
            name = profile.outputs.get("name") or profile.id
            iam.create_instance_profile(InstanceProfileName=name)
            iam.add_role_to_instance_profile(InstanceProfileName=name, RoleName=profile.get("role"))

    def _bucket_region(self, bucket: str) -> str:
        for b in self.of("aws:s3/bucket:Bucket"):
            if bucket in (b.id, b.outputs.get("bucket")):
                return str(b.outputs.get("region") or self.region)
        return self.region

    def _s3(self) -> None:
        for b in self.of("aws:s3/bucket:Bucket"):
            region = self._bucket_region(b.id)
            kwargs: dict[str, Any] = {"Bucket": b.outputs.get("bucket") or b.id}
            if region != "us-east-1":  # us-east-1 rejects an explicit LocationConstraint
                kwargs["CreateBucketConfiguration"] = {"LocationConstraint": region}
            self.c.client("s3", region).create_bucket(**kwargs)
        for v in self.of("aws:s3/bucketVersioning:BucketVersioning"):
            status = (v.get("versioningConfiguration") or {}).get("status", "Enabled")
            self.c.client("s3", self._bucket_region(v.get("bucket"))).put_bucket_versioning(
                Bucket=v.get("bucket"), VersioningConfiguration={"Status": status}
            )
        for e in self.of(
            "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
        ):
            rules = [
                {
                    "ApplyServerSideEncryptionByDefault": {
                        "SSEAlgorithm": r["applyServerSideEncryptionByDefault"]["sseAlgorithm"]
                    }
                }
                for r in e.get("rules") or []
            ]
            self.c.client("s3", self._bucket_region(e.get("bucket"))).put_bucket_encryption(
                Bucket=e.get("bucket"), ServerSideEncryptionConfiguration={"Rules": rules}
            )
        for rep in self.of("aws:s3/bucketReplicationConfig:BucketReplicationConfig"):
            rep_rules: list[dict[str, Any]] = []
            for r in rep.get("rules") or []:
                dest = r.get("destination") or {}
                rtc = dest.get("replicationTime") or {}
                metrics = dest.get("metrics") or {}
                rep_rules.append(
                    {
                        "ID": r.get("id"),
                        "Priority": _int(r.get("priority", 1)),
                        "Status": r.get("status"),
                        "Filter": {"Prefix": (r.get("filter") or {}).get("prefix", "")},
                        "DeleteMarkerReplication": {
                            "Status": (r.get("deleteMarkerReplication") or {}).get("status")
                        },
                        "Destination": {
                            "Bucket": dest.get("bucket"),
                            "StorageClass": dest.get("storageClass", "STANDARD"),
                            "ReplicationTime": {
                                "Status": rtc.get("status"),
                                "Time": {"Minutes": _int((rtc.get("time") or {}).get("minutes", 15))},
                            },
                            "Metrics": {
                                "Status": metrics.get("status"),
                                "EventThreshold": {
                                    "Minutes": _int((metrics.get("eventThreshold") or {}).get("minutes", 15))
                                },
                            },
                        },
                    }
                )
            self.c.client("s3", self._bucket_region(rep.get("bucket"))).put_bucket_replication(
                Bucket=rep.get("bucket"),
                ReplicationConfiguration={"Role": self.sub.text(rep.get("role")), "Rules": rep_rules},
            )

    # --- database ------------------------------------------------------------------------
    def _database(self) -> None:
        rds, s = self.c.client("rds"), self.sub
        for g in self.of("aws:rds/subnetGroup:SubnetGroup"):
            rds.create_db_subnet_group(
                DBSubnetGroupName=g.get("name"),
                DBSubnetGroupDescription=g.get("description") or "",
                SubnetIds=s.value(g.get("subnetIds")),
            )
        for db in self.of("aws:rds/instance:Instance"):
            if db.get("replicateSourceDb"):
                continue  # the seed replica needs dev's instance, which moto does not have
            # The real stack restores from the encrypted snapshot copy; moto gets the same
            # instance settings directly (the snapshot chain is covered by unit tests).
            got = rds.create_db_instance(
                DBInstanceIdentifier=db.get("identifier"),
                DBInstanceClass=db.get("instanceClass"),
                Engine="mysql",
                EngineVersion=str(db.get("engineVersion") or "8.0"),
                AllocatedStorage=_int(db.get("allocatedStorage") or 100),
                StorageType="gp3",
                MasterUsername="tapadmin",
                ManageMasterUserPassword=True,
                MultiAZ=bool(db.get("multiAz")),
                PubliclyAccessible=bool(db.get("publiclyAccessible")),
                StorageEncrypted=bool(db.get("storageEncrypted")),
                KmsKeyId=s.value(db.get("kmsKeyId")),
                VpcSecurityGroupIds=s.value(db.get("vpcSecurityGroupIds")),
                DBSubnetGroupName=db.get("dbSubnetGroupName"),
                BackupRetentionPeriod=_int(db.get("backupRetentionPeriod") or 7),
            )["DBInstance"]
            address = (
                got.get("Endpoint", {}).get("Address")
                or rds.describe_db_instances(DBInstanceIdentifier=db.get("identifier"))["DBInstances"][0][
                    "Endpoint"
                ]["Address"]
            )
            s.add(db.outputs.get("address"), address)
            s.add(db.outputs.get("resourceId"), got.get("DbiResourceId"))

    # --- traffic ---------------------------------------------------------------------------
    def _load_balancer(self) -> None:
        elb, s = self.c.client("elbv2"), self.sub
        acm = self.c.client("acm")
        for cert in self.of("aws:acm/certificate:Certificate"):
            s.add(
                cert.id,
                acm.request_certificate(DomainName=cert.get("domainName"), ValidationMethod="DNS")[
                    "CertificateArn"
                ],
            )
        for tg in self.of("aws:lb/targetGroup:TargetGroup"):
            hc = tg.get("healthCheck") or {}
            got = elb.create_target_group(
                Name=tg.get("name"),
                Protocol=tg.get("protocol"),
                Port=_int(tg.get("port")),
                VpcId=s.value(tg.get("vpcId")),
                TargetType=tg.get("targetType") or "instance",
                HealthCheckProtocol=hc.get("protocol", "HTTP"),
                HealthCheckPath=hc.get("path", "/"),
                HealthCheckIntervalSeconds=_int(hc.get("interval", 30)),
                HealthCheckTimeoutSeconds=_int(hc.get("timeout", 5)),
                HealthyThresholdCount=_int(hc.get("healthyThreshold", 2)),
                UnhealthyThresholdCount=_int(hc.get("unhealthyThreshold", 2)),
                Matcher={"HttpCode": hc.get("matcher", "200")},
            )["TargetGroups"][0]
            s.add(tg.id, got["TargetGroupArn"])
            s.add(
                _arn_suffix(tg.id, "targetgroup"),
                "targetgroup/" + _arn_suffix(got["TargetGroupArn"], "targetgroup"),
            )
        for lb in self.of("aws:lb/loadBalancer:LoadBalancer"):
            got = elb.create_load_balancer(
                Name=lb.get("name"),
                Subnets=s.value(lb.get("subnets")),
                SecurityGroups=s.value(lb.get("securityGroups")),
                Scheme="internal" if lb.get("internal") else "internet-facing",
                Type="application",
            )["LoadBalancers"][0]
            s.add(lb.id, got["LoadBalancerArn"])
            s.add(_arn_suffix(lb.id, "loadbalancer"), _arn_suffix(got["LoadBalancerArn"], "loadbalancer"))
            s.add(lb.outputs.get("dnsName"), got["DNSName"])
            s.add(lb.outputs.get("zoneId"), got["CanonicalHostedZoneId"])
        for listener in self.of("aws:lb/listener:Listener"):
            actions = []
            for a in listener.get("defaultActions") or []:
                groups = [
                    {"TargetGroupArn": s.value(t["arn"]), "Weight": _int(t.get("weight", 1))}
                    for t in (a.get("forward") or {}).get("targetGroups", [])
                ]
                actions.append({"Type": "forward", "ForwardConfig": {"TargetGroups": groups}})
            got = elb.create_listener(
                LoadBalancerArn=s.value(listener.get("loadBalancerArn")),
                Protocol=listener.get("protocol"),
                Port=_int(listener.get("port")),
                SslPolicy=listener.get("sslPolicy"),
                Certificates=[{"CertificateArn": s.value(listener.get("certificateArn"))}],
                DefaultActions=actions,
            )["Listeners"][0]
            s.add(listener.id, got["ListenerArn"])

    def _fleets(self) -> None:
        ec2, asg, s = self.c.client("ec2"), self.c.client("autoscaling"), self.sub
        # moto ships its own AMI catalogue; the plan's AMI id (resolved from SSM) is not in it.
        # (Filtered: listing all ~1,300 of them takes seconds.)
        images = (
            ec2.describe_images(
                Owners=["amazon"], Filters=[{"Name": "name", "Values": ["al2023-ami-2023*"]}]
            )["Images"]
            or ec2.describe_images(Owners=["amazon"])["Images"]
        )
        image = images[0]["ImageId"]
        for lt in self.of("aws:ec2/launchTemplate:LaunchTemplate"):
            s.add(lt.get("imageId"), image)
            got = ec2.create_launch_template(
                LaunchTemplateName=lt.outputs.get("name") or lt.get("name"),
                LaunchTemplateData={
                    "ImageId": image,
                    "InstanceType": lt.get("instanceType"),
                    "IamInstanceProfile": {"Arn": (lt.get("iamInstanceProfile") or {}).get("arn")},
                },
            )["LaunchTemplate"]
            s.add(lt.id, got["LaunchTemplateId"])
        for g in self.of("aws:autoscaling/group:Group"):
            asg.create_auto_scaling_group(
                AutoScalingGroupName=g.get("name"),
                LaunchTemplate={
                    "LaunchTemplateId": s.value((g.get("launchTemplate") or {}).get("id")),
                    "Version": "$Latest",
                },
                MinSize=_int(g.get("minSize")),
                MaxSize=_int(g.get("maxSize")),
                DesiredCapacity=_int(g.get("desiredCapacity")),
                VPCZoneIdentifier=",".join(s.value(g.get("vpcZoneIdentifiers"))),
                TargetGroupARNs=s.value(g.get("targetGroupArns") or []),
                HealthCheckType=g.get("healthCheckType") or "ELB",
                HealthCheckGracePeriod=_int(g.get("healthCheckGracePeriod") or 300),
            )

    def _topics(self) -> None:
        sns = self.c.client("sns")
        for t in self.of("aws:sns/topic:Topic"):
            self.sub.add(t.id, sns.create_topic(Name=t.get("name"))["TopicArn"])

    def _dns(self) -> None:
        r53, s = self.c.client("route53"), self.sub
        for z in self.of("aws:route53/zone:Zone"):
            vpcs = z.get("vpcs") or []
            private: dict[str, Any] = {}
            if vpcs:
                first = vpcs[0]
                private = {
                    "VPC": {
                        "VPCRegion": first.get("vpcRegion") or self.region,
                        "VPCId": s.value(first["vpcId"]),
                    },
                    "HostedZoneConfig": {"Comment": z.get("comment") or "", "PrivateZone": True},
                }
            zid = r53.create_hosted_zone(Name=z.get("name"), CallerReference=z.name, **private)["HostedZone"][
                "Id"
            ]
            for v in vpcs[1:]:
                r53.associate_vpc_with_hosted_zone(
                    HostedZoneId=zid,
                    VPC={"VPCRegion": v.get("vpcRegion") or self.region, "VPCId": s.value(v["vpcId"])},
                )
            s.add(z.id, zid.split("/")[-1])
        for hc in self.of("aws:route53/healthCheck:HealthCheck"):
            config = {
                "Type": hc.get("type"),
                "FullyQualifiedDomainName": s.value(hc.get("fqdn")),
                "Port": _int(hc.get("port", 443)),
                "ResourcePath": hc.get("resourcePath", "/"),
                "RequestInterval": _int(hc.get("requestInterval", 30)),
                "FailureThreshold": _int(hc.get("failureThreshold", 3)),
            }
            s.add(
                hc.id,
                r53.create_health_check(CallerReference=hc.name, HealthCheckConfig=config)["HealthCheck"][
                    "Id"
                ],
            )
        for rec in self.of("aws:route53/record:Record"):
            rrset: dict[str, Any] = {"Name": rec.get("name"), "Type": rec.get("type")}
            if rec.get("setIdentifier"):
                rrset["SetIdentifier"] = rec.get("setIdentifier")
            for policy in rec.get("weightedRoutingPolicies") or []:
                rrset["Weight"] = _int(policy.get("weight"))
            if rec.get("healthCheckId"):
                rrset["HealthCheckId"] = s.value(rec.get("healthCheckId"))
            aliases = rec.get("aliases") or []
            if aliases:
                a = aliases[0]
                rrset["AliasTarget"] = {
                    "DNSName": s.value(a.get("name")),
                    "HostedZoneId": s.value(a.get("zoneId")),
                    "EvaluateTargetHealth": bool(a.get("evaluateTargetHealth")),
                }
            else:
                rrset["TTL"] = _int(rec.get("ttl", 60))
                rrset["ResourceRecords"] = [{"Value": v} for v in rec.get("records") or []]
            r53.change_resource_record_sets(
                HostedZoneId=s.value(rec.get("zoneId")),
                ChangeBatch={"Changes": [{"Action": "UPSERT", "ResourceRecordSet": rrset}]},
            )

    def _writer_switched(self) -> None:
        """From the phases that require it, `tap db cutover` has moved the writer record to
        production (Pulumi created it on dev and never moves it): the deployment as it stands."""
        if not self.plan.settings.phase_plan.requires_writer_switch:
            return
        prod = next((r for r in self.of("aws:rds/instance:Instance") if not r.get("replicateSourceDb")), None)
        zone = next((z for z in self.of("aws:route53/zone:Zone") if z.get("vpcs")), None)
        if prod is None or zone is None:
            return
        record = next(
            r for r in self.of("aws:route53/record:Record") if r.get("zoneId") == zone.outputs["zoneId"]
        )
        self.c.client("route53").change_resource_record_sets(
            HostedZoneId=self.sub.value(zone.outputs["zoneId"]),
            ChangeBatch={
                "Changes": [
                    {
                        "Action": "UPSERT",
                        "ResourceRecordSet": {
                            "Name": record.get("name"),
                            "Type": "CNAME",
                            "TTL": _int(record.get("ttl")),
                            "ResourceRecords": [{"Value": self.sub.text(prod.outputs["address"])}],
                        },
                    }
                ]
            },
        )

    def _alarms(self) -> None:
        cw, s = self.c.client("cloudwatch"), self.sub
        for a in self.of("aws:cloudwatch/metricAlarm:MetricAlarm"):
            args: dict[str, Any] = {
                "AlarmName": a.get("name"),
                "AlarmDescription": a.get("alarmDescription") or "",
                "AlarmActions": [s.text(x) for x in a.get("alarmActions") or []],
                "OKActions": [s.text(x) for x in a.get("okActions") or []],
                "EvaluationPeriods": _int(a.get("evaluationPeriods")),
                "Threshold": float(a.get("threshold")),
                "ComparisonOperator": a.get("comparisonOperator"),
                "TreatMissingData": a.get("treatMissingData") or "missing",
            }
            if a.get("datapointsToAlarm"):
                args["DatapointsToAlarm"] = _int(a.get("datapointsToAlarm"))
            if a.get("metricQueries"):
                args["Metrics"] = [_metric_query(q, s) for q in a.get("metricQueries")]
            else:
                args.update(
                    MetricName=a.get("metricName"),
                    Namespace=a.get("namespace"),
                    Period=_int(a.get("period")),
                    Dimensions=[
                        {"Name": k, "Value": s.text(str(v))} for k, v in (a.get("dimensions") or {}).items()
                    ],
                )
                if a.get("statistic"):
                    args["Statistic"] = a.get("statistic")
                if a.get("extendedStatistic"):
                    args["ExtendedStatistic"] = a.get("extendedStatistic")
            cw.put_metric_alarm(**args)

    def _secrets(self) -> None:
        """Containers only, as the stack declares them: `tap db` sets the value."""
        sm, s = self.c.client("secretsmanager"), self.sub
        for sec in self.of("aws:secretsmanager/secret:Secret"):
            got = sm.create_secret(
                Name=sec.get("name"),
                KmsKeyId=s.value(sec.get("kmsKeyId")),
                Description=sec.get("description") or "",
            )
            s.add(sec.outputs.get("arn"), got["ARN"])

    def _parameters(self) -> None:
        ssm = self.c.client("ssm")
        for p in self.of("aws:ssm/parameter:Parameter"):
            value = p.get("insecureValue") or p.get("value") or ""
            ssm.put_parameter(
                Name=p.get("name"),
                Value=self.sub.text(str(value)),
                Type=p.get("type") or "String",
                Overwrite=True,
            )


def _metric_query(q: dict[str, Any], s: Substitutions) -> dict[str, Any]:
    out: dict[str, Any] = {"Id": q["id"], "ReturnData": bool(q.get("returnData", False))}
    if q.get("expression"):
        out["Expression"] = q["expression"]
    if q.get("label"):
        out["Label"] = q["label"]
    m = q.get("metric")
    if m is not None:
        out["MetricStat"] = {
            "Metric": {
                "Namespace": m.get("namespace"),
                "MetricName": m.get("metricName"),
                "Dimensions": [
                    {"Name": k, "Value": s.text(str(v))} for k, v in (m.get("dimensions") or {}).items()
                ],
            },
            "Period": _int(m.get("period", 60)),
            "Stat": m.get("stat", "Average"),
        }
    return out


def _json(doc: Any) -> str:
    return doc if isinstance(doc, str) else json.dumps(doc)


def deploy(clients: AwsClients, plan: Plan) -> FlatOutputs:
    """Create `plan` in the emulator behind `clients`; the flat outputs, with moto's ids."""
    return MotoDeployer(clients, plan).deploy()
