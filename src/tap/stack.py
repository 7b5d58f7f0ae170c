"""TapStack: composes the components and does the wiring between them in one visible place."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from tap.components.context import StackContext
from tap.components.database import Database, DatabaseArgs
from tap.components.encryption import Encryption, EncryptionArgs
from tap.components.iam import AppIdentity, AppIdentityArgs
from tap.components.migration_state import MigrationState, MigrationStateArgs
from tap.components.network import Network, NetworkArgs
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

        # ---- migration state ----------------------------------------------------------------
        self.migration = MigrationState("migration", MigrationStateArgs(ctx=ctx, kms_key_arn=key_arn), child)

        self.register_outputs({})
