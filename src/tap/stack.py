"""TapStack: composes the components and does the wiring between them in one visible place."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from tap.components.context import StackContext
from tap.components.encryption import Encryption, EncryptionArgs
from tap.components.migration_state import MigrationState, MigrationStateArgs
from tap.components.network import Network, NetworkArgs
from tap.components.security import SecurityArgs, SecurityGroups
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

        # ---- migration state ----------------------------------------------------------------
        self.migration = MigrationState("migration", MigrationStateArgs(ctx=ctx, kms_key_arn=key_arn), child)

        self.register_outputs({})
