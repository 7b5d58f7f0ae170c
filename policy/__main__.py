"""Entry point the Pulumi CLI runs for `pulumi preview --policy-pack policy`.

It only builds the pack: constructing `PolicyPack` starts the gRPC server the CLI talks to and
blocks, so tests import `tap.policies` (the rules) and never this file."""

from pulumi_policy import EnforcementLevel, PolicyPack

from tap.policies.pack import PACK_DESCRIPTION, PACK_NAME, build_policies

PolicyPack(
    name=PACK_NAME,
    description=PACK_DESCRIPTION,
    enforcement_level=EnforcementLevel.MANDATORY,
    policies=build_policies(),
)
