"""What every component needs to know about the stack it is part of."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from tap.naming import Namer
from tap.settings import Settings


@dataclass(frozen=True)
class StackContext:
    settings: Settings
    name: Namer
    account_id: pulumi.Output[str]
    region: str

    @classmethod
    def of(cls, settings: Settings, provider: aws.Provider) -> StackContext:
        """The context of a stack whose primary provider is `provider` (the account it reaches)."""
        identity = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(provider=provider))
        return cls(
            settings=settings,
            name=Namer(settings.core.environment_suffix),
            account_id=identity.account_id,
            region=settings.core.region,
        )

    def arn(
        self, service: str, resource: pulumi.Input[str], *, region: bool = True, account: bool = True
    ) -> pulumi.Output[str]:
        """arn:aws:{service}:{region}:{account}:{resource}, from this stack's account."""
        reg = self.region if region else ""
        if not account:
            return pulumi.Output.concat("arn:aws:", service, ":", reg, "::", resource)
        return pulumi.Output.concat("arn:aws:", service, ":", reg, ":", self.account_id, ":", resource)
