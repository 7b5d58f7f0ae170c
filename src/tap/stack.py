"""TapStack: composes the components and does the wiring between them in one visible place."""

from __future__ import annotations

from collections.abc import Callable

import pulumi
import pulumi_aws as aws

from tap.components.backup import Backup, BackupArgs
from tap.components.compute import Fleet, FleetArgs
from tap.components.context import StackContext
from tap.components.database import Database, DatabaseArgs
from tap.components.dev_link import DevLink, DevLinkArgs
from tap.components.dns import HostedZone, HostedZoneArgs, WeightedRecords, WeightedRecordsArgs
from tap.components.encryption import Encryption, EncryptionArgs
from tap.components.iam import AppIdentity, AppIdentityArgs
from tap.components.load_balancer import LoadBalancer, LoadBalancerArgs
from tap.components.migration_state import MigrationState, MigrationStateArgs
from tap.components.monitoring import Monitoring, MonitoringArgs
from tap.components.network import Network, NetworkArgs
from tap.components.replication_secret import ReplicationSecret, ReplicationSecretArgs
from tap.components.rollback_guard import rollback_guard
from tap.components.route53_alarms import ROUTE53_METRICS_REGION, HealthCheckAlarms, HealthCheckAlarmsArgs
from tap.components.security import SecurityArgs, SecurityGroups
from tap.components.storage import Storage, StorageArgs
from tap.components.writer_zone import WriterZone, WriterZoneArgs
from tap.errors import TapError
from tap.naming import default_tags
from tap.settings import Settings


class TapStack(pulumi.ComponentResource):
    def __init__(self, name: str, settings: Settings, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("tap:index:TapStack", name, None, opts)
        core = settings.core
        self.settings = settings
        self.primary_provider = self._regional_provider(f"aws-{core.region}", core.region)
        self.replica_provider = self._regional_provider(f"aws-{core.replica_region}", core.replica_region)
        self.ctx = ctx = StackContext.of(settings, self.primary_provider)
        child = pulumi.ResourceOptions(parent=self, providers=[self.primary_provider])

        # ---- encryption ---------------------------------------------------------------------
        self.encryption = Encryption("encryption", EncryptionArgs(ctx=ctx), child)
        key_arn = self.encryption.key.arn

        # ---- network and security groups ----------------------------------------------------
        self.network = Network("network", NetworkArgs(ctx=ctx, kms_key_arn=key_arn), child)
        self.security = SecurityGroups("security", SecurityArgs(ctx=ctx, vpc_id=self.network.vpc.id), child)

        # ---- storage, database, the app's identity --------------------------------------------
        self.storage = Storage("storage", StorageArgs(ctx=ctx, replica_provider=self.replica_provider), child)
        self._database(ctx, key_arn, child)
        self._identity(ctx, key_arn, child)

        # ---- DNS zone, load balancer, fleets, weighted records -------------------------------
        self.zone = HostedZone("dns-zone", HostedZoneArgs(ctx=ctx, kms_key_arn=key_arn), child)
        self._load_balancer(ctx, key_arn, child)
        self.fleets = {colour: self._fleet(ctx, colour, key_arn, child) for colour in ("blue", "green")}
        self._records(ctx, child)

        # ---- monitoring ---------------------------------------------------------------------
        self._monitoring(ctx, key_arn, child)
        self._health_check_alarms(ctx, child)

        # ---- backups of the prod database (from the phase the phase machine creates it) ------
        self._backup(ctx, key_arn, child)

        # ---- migration state ----------------------------------------------------------------
        self.migration = MigrationState("migration", MigrationStateArgs(ctx=ctx, kms_key_arn=key_arn), child)

        # ---- in-AWS rollback guard (green's alarms move the weights back, no controller) ----
        self.rollback_guard = rollback_guard(
            ctx, settings.phase_plan, self.zone, self.records, self.monitoring, key_arn, child
        )

        self.register_outputs({})

    def _regional_provider(self, name: str, region: str) -> aws.Provider:
        """A provider for one region, tagging everything it creates with the stack's tags."""
        return aws.Provider(
            name,
            region=region,
            default_tags=aws.ProviderDefaultTagsArgs(tags=default_tags(self.settings.core)),
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _database(
        self, ctx: StackContext, key_arn: pulumi.Output[str], child: pulumi.ResourceOptions
    ) -> None:
        # The endpoint parameter (in Database) holds the writer record's name, and the record's
        # first target is dev's address (read in Database): the name is resolved once the
        # writer zone exists, below.
        deferred: tuple[pulumi.Output[str], Callable[[pulumi.Output[str]], None]] = pulumi.deferred_output()
        writer_fqdn, resolve_writer_fqdn = deferred
        self.database = Database(
            "database",
            DatabaseArgs(
                ctx=ctx,
                kms_key_arn=key_arn,
                private_subnet_ids=[s.id for s in self.network.private_subnets],
                db_security_group_id=self.security.db.id,
                writer_fqdn=writer_fqdn,
            ),
            child,
        )
        self._data_tier(ctx, key_arn, child)
        resolve_writer_fqdn(self.writer_zone.record.fqdn)

    def _identity(
        self, ctx: StackContext, key_arn: pulumi.Output[str], child: pulumi.ResourceOptions
    ) -> None:
        """The fleets' role: the parameters that locate the database, and (once production
        exists) IAM authentication to it and its managed secret."""
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

    def _load_balancer(
        self, ctx: StackContext, key_arn: pulumi.Output[str], child: pulumi.ResourceOptions
    ) -> None:
        net = self.network
        self.load_balancer = LoadBalancer(
            "load-balancer",
            LoadBalancerArgs(
                ctx=ctx,
                vpc_id=net.vpc.id,
                public_subnet_ids=[s.id for s in net.public_subnets],
                alb_security_group_id=self.security.alb.id,
                log_bucket_name=self.storage.log_bucket.bucket,
                log_bucket_policy=self.storage.log_bucket_policy,
                zone_id=self.zone.zone_id,
                app_fqdn=self.zone.app_fqdn,
                kms_key_arn=key_arn,
            ),
            child,
        )

    def _fleet(
        self, ctx: StackContext, colour: str, key_arn: pulumi.Output[str], child: pulumi.ResourceOptions
    ) -> Fleet:
        """One colour's fleet, sized by the phase machine, behind its own target group.

        The AMI is pinned in settings (amiId), never looked up per run: a new Amazon Linux image
        mid-cutover would be a new launch template version and an instance refresh of green
        while it carries traffic. tap.ami.resolve_ami suggests a value to review and set."""
        compute, plan, db = self.settings.compute, self.settings.phase_plan, self.database
        instance_types = {"blue": compute.blue_instance_type, "green": compute.green_instance_type}
        capacities = {"blue": plan.blue_capacity, "green": plan.green_capacity}
        return Fleet(
            f"fleet-{colour}",
            FleetArgs(
                ctx=ctx,
                colour=colour,
                instance_type=instance_types[colour],
                capacity=capacities[colour],
                ami_id=compute.ami_id,
                instance_profile_arn=self.identity.instance_profile.arn,
                app_security_group_id=self.security.app.id,
                private_subnet_ids=[s.id for s in self.network.private_subnets],
                target_group_arn=self.load_balancer.target_groups[colour].arn,
                kms_key_arn=key_arn,
                endpoint_parameter_name=db.endpoint_parameter.name,
                port_parameter_name=db.port_parameter.name,
            ),
            child,
        )

    def _records(self, ctx: StackContext, child: pulumi.ResourceOptions) -> None:
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

    def _monitoring(
        self, ctx: StackContext, key_arn: pulumi.Output[str], child: pulumi.ResourceOptions
    ) -> None:
        db = self.database
        self.monitoring = Monitoring(
            "monitoring",
            MonitoringArgs(
                ctx=ctx,
                kms_key_arn=key_arn,
                alb_arn_suffix=self.load_balancer.alb.arn_suffix,
                target_group_arn_suffixes={
                    c: tg.arn_suffix for c, tg in self.load_balancer.target_groups.items()
                },
                asg_names={c: f.group.name for c, f in self.fleets.items()},
                db_instance_identifier=db.instance.identifier if db.instance else None,
            ),
            child,
        )

    def _health_check_alarms(self, ctx: StackContext, child: pulumi.ResourceOptions) -> None:
        """Route53 publishes health-check metrics in us-east-1 only: the alarms live there."""
        # A health check of a fleet with no instances fails by design; alarming on it would
        # block every gate before green exists.
        health_checks: dict[str, pulumi.Output[str]] = {}
        if self.settings.phase_plan.green_runs:
            health_checks["green"] = self.records.green_health_check.id
        if self.records.dev_health_check is not None:
            health_checks["dev"] = self.records.dev_health_check.id
        in_us_east_1 = ctx.region == ROUTE53_METRICS_REGION
        metrics_provider = (
            self.primary_provider
            if in_us_east_1
            else self._regional_provider(
                f"aws-{ROUTE53_METRICS_REGION}-route53-metrics", ROUTE53_METRICS_REGION
            )
        )
        self.health_check_alarms = HealthCheckAlarms(
            "health-check-alarms",
            HealthCheckAlarmsArgs(
                ctx=ctx,
                health_check_ids=health_checks,
                provider=metrics_provider,
                topic_arn=self.monitoring.topic.arn if in_us_east_1 else None,
                alarm_emails=self.settings.monitoring.alarm_emails,
            ),
            child,
        )

    def _backup(self, ctx: StackContext, key_arn: pulumi.Output[str], child: pulumi.ResourceOptions) -> None:
        db = self.database
        self.backup: Backup | None = None
        if not self.settings.phase_plan.prod_database:
            return
        if db.instance is None:  # the database component follows the same plan field
            raise TapError("the phase plan has a production database but none was declared")
        self.backup = Backup(
            "backup",
            BackupArgs(
                ctx=ctx,
                kms_key_arn=key_arn,
                db_instance_arn=db.instance.arn,
                replica_provider=self.replica_provider,
            ),
            child,
        )

    def _data_tier(
        self, ctx: StackContext, key_arn: pulumi.Output[str], child: pulumi.ResourceOptions
    ) -> None:
        """The path from dev (peering, routes, cross-VPC rules), the writer name both fleets
        use, and the replication user's secret container (issue 10)."""
        plan, net, db = self.settings.phase_plan, self.network, self.database
        self.dev_link: DevLink | None = None
        if plan.dev_link:
            self.dev_link = DevLink(
                "dev-link",
                DevLinkArgs(
                    ctx=ctx,
                    vpc_id=net.vpc.id,
                    private_route_table_ids=[rt.id for rt in net.private_route_tables],
                    private_subnet_cidrs=self.settings.network.private_subnet_cidrs,
                    db_security_group_id=self.security.db.id,
                ),
                child,
            )
        # Where Pulumi first points the writer: dev (the record is `tap db`'s from then on).
        # Once dev is decommissioned it is no longer read; the record has long named prod.
        first = db.dev or db.instance
        if first is None:  # settings refuse this combination; kept as a guard for refactors
            raise TapError("no database for the writer record: check devDecommissioned")
        self.writer_zone = WriterZone(
            "writer-zone",
            WriterZoneArgs(
                ctx=ctx,
                vpc_id=net.vpc.id,
                dev_vpc_id=self.settings.dev_network.dev_vpc_id if plan.dev_link else None,
                initial_target=first.address,
            ),
            child,
        )
        self.replication_secret = ReplicationSecret(
            "replication-secret", ReplicationSecretArgs(ctx=ctx, kms_key_arn=key_arn), child
        )
