"""What every component needs to know about the stack it is part of."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from tap.naming import Namer
from tap.settings import Settings


@dataclass(frozen=True)
class StackContext:
    settings: Settings
    name: Namer
    account_id: pulumi.Output[str]
    region: str

    def arn(
        self, service: str, resource: pulumi.Input[str], *, region: bool = True, account: bool = True
    ) -> pulumi.Output[str]:
        """arn:aws:{service}:{region}:{account}:{resource}, from this stack's account."""
        reg = self.region if region else ""
        if not account:
            return pulumi.Output.concat("arn:aws:", service, ":", reg, "::", resource)
        return pulumi.Output.concat("arn:aws:", service, ":", reg, ":", self.account_id, ":", resource)
