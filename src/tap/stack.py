"""TapStack: composes the components and does the wiring between them in one visible place."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from tap.components.compute import Fleet, FleetArgs
from tap.components.context import StackContext
from tap.components.database import Database, DatabaseArgs
from tap.components.dns import HostedZone, HostedZoneArgs, WeightedRecords, WeightedRecordsArgs
from tap.components.encryption import Encryption, EncryptionArgs
from tap.components.iam import AppIdentity, AppIdentityArgs
from tap.components.load_balancer import LoadBalancer, LoadBalancerArgs
from tap.components.migration_state import MigrationState, MigrationStateArgs
from tap.components.monitoring import Monitoring, MonitoringArgs
from tap.components.network import Network, NetworkArgs
from tap.components.rollback_guard import rollback_guard
from tap.components.security import SecurityArgs, SecurityGroups
from tap.components.storage import Storage, StorageArgs
from tap.naming import Namer, default_tags
from tap.settings import Settings


class TapStack(pulumi.ComponentResource):
    def __init__(self, name: str, settings: Settings, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("tap:index:TapStack", name, None, opts)
        core = settings.core
        tags = aws.ProviderDefaultTagsArgs(tags=default_tags(core))
        self.settings = settings
        self.primary_provider = aws.Provider(
            f"aws-{core.region}",
            region=core.region,
            default_tags=tags,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.replica_provider = aws.Provider(
            f"aws-{core.replica_region}",
            region=core.replica_region,
            default_tags=tags,
            opts=pulumi.ResourceOptions(parent=self),
        )
        identity = aws.get_caller_identity_output(
            opts=pulumi.InvokeOutputOptions(provider=self.primary_provider)
        )
        ctx = StackContext(
            settings=settings,
            name=Namer(core.environment_suffix),
            account_id=identity.account_id,
            region=core.region,
        )
        self.ctx = ctx
        child = pulumi.ResourceOptions(parent=self, providers=[self.primary_provider])

        # ---- encryption ---------------------------------------------------------------------
        self.encryption = Encryption("encryption", EncryptionArgs(ctx=ctx), child)
        key_arn = self.encryption.key.arn

        # ---- network and security groups ----------------------------------------------------
        self.network = Network("network", NetworkArgs(ctx=ctx, kms_key_arn=key_arn), child)
        self.security = SecurityGroups("security", SecurityArgs(ctx=ctx, vpc_id=self.network.vpc.id), child)

        # ---- storage, database, the app's identity --------------------------------------------
        self.storage = Storage("storage", StorageArgs(ctx=ctx, replica_provider=self.replica_provider), child)
        self.database = Database(
            "database",
            DatabaseArgs(
                ctx=ctx,
                kms_key_arn=key_arn,
                private_subnet_ids=[s.id for s in self.network.private_subnets],
                db_security_group_id=self.security.db.id,
            ),
            child,
        )
        db = self.database
        parameters = [db.endpoint_parameter, db.port_parameter]
        if db.secret_parameter is not None:
            parameters.append(db.secret_parameter)
        self.identity = AppIdentity(
            "identity",
            AppIdentityArgs(
                ctx=ctx,
                kms_key_arn=key_arn,
                log_bucket_arn=self.storage.log_bucket.arn,
                parameter_arns=[p.arn for p in parameters],
                db_resource_id=db.instance.resource_id if db.instance else None,
                db_secret_arn=db.master_secret_arn if db.instance else None,
            ),
            child,
        )

        # ---- DNS zone, load balancer, fleets, weighted records -------------------------------
        net, sec = self.network, self.security
        plan = settings.phase_plan
        self.zone = HostedZone("dns-zone", HostedZoneArgs(ctx=ctx, kms_key_arn=key_arn), child)
        self.load_balancer = LoadBalancer(
            "load-balancer",
            LoadBalancerArgs(
                ctx=ctx,
                vpc_id=net.vpc.id,
                public_subnet_ids=[s.id for s in net.public_subnets],
                alb_security_group_id=sec.alb.id,
                log_bucket_name=self.storage.log_bucket.bucket,
                log_bucket_policy=self.storage.log_bucket_policy,
                zone_id=self.zone.zone_id,
                app_fqdn=self.zone.app_fqdn,
            ),
            child,
        )
        # Resolved at plan time from the public SSM parameter: a new AMI shows up in the plan.
        ami = aws.ssm.get_parameter_output(
            name=settings.compute.ami_parameter,
            opts=pulumi.InvokeOutputOptions(provider=self.primary_provider),
        )
        instance_types = {
            "blue": settings.compute.blue_instance_type,
            "green": settings.compute.green_instance_type,
        }
        capacities = {"blue": plan.blue_capacity, "green": plan.green_capacity}
        self.fleets = {
            colour: Fleet(
                f"fleet-{colour}",
                FleetArgs(
                    ctx=ctx,
                    colour=colour,
                    instance_type=instance_types[colour],
                    capacity=capacities[colour],
                    ami_id=ami.insecure_value,
                    instance_profile_arn=self.identity.instance_profile.arn,
                    app_security_group_id=sec.app.id,
                    private_subnet_ids=[s.id for s in net.private_subnets],
                    target_group_arn=self.load_balancer.target_groups[colour].arn,
                    kms_key_arn=key_arn,
                    endpoint_parameter_name=db.endpoint_parameter.name,
                    port_parameter_name=db.port_parameter.name,
                ),
                child,
            )
            for colour in ("blue", "green")
        }
        alb = self.load_balancer.alb
        self.records = WeightedRecords(
            "dns-records",
            WeightedRecordsArgs(
                ctx=ctx,
                zone_id=self.zone.zone_id,
                app_fqdn=self.zone.app_fqdn,
                alb_dns_name=alb.dns_name,
                alb_zone_id=alb.zone_id,
            ),
            child,
        )

        # ---- monitoring ---------------------------------------------------------------------
        # A health check of a fleet with no instances fails by design; alarming on it would
        # block every gate before green exists.
        health_checks: dict[str, pulumi.Output[str]] = {}
        if plan.green_runs:
            health_checks["green"] = self.records.green_health_check.id
        if self.records.dev_health_check is not None:
            health_checks["dev"] = self.records.dev_health_check.id
        self.monitoring = Monitoring(
            "monitoring",
            MonitoringArgs(
                ctx=ctx,
                kms_key_arn=key_arn,
                alb_arn_suffix=alb.arn_suffix,
                target_group_arn_suffixes={
                    c: tg.arn_suffix for c, tg in self.load_balancer.target_groups.items()
                },
                asg_names={c: f.group.name for c, f in self.fleets.items()},
                db_instance_identifier=db.instance.identifier if db.instance else None,
                health_check_ids=health_checks,
            ),
            child,
        )

        # ---- migration state ----------------------------------------------------------------
        self.migration = MigrationState("migration", MigrationStateArgs(ctx=ctx, kms_key_arn=key_arn), child)

        # ---- in-AWS rollback guard (green's alarms move the weights back, no controller) ----
        self.rollback_guard = rollback_guard(
            ctx, plan, self.zone, self.records, self.monitoring, key_arn, child
        )

        self.register_outputs({})
