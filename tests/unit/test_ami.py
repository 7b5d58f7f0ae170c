"""Issue 11 item 8: the AMI is resolved once by a helper (against moto's public parameters),
never by the program; the id it returns is what `tap:amiId` accepts."""

from __future__ import annotations

import pytest

from tap.ami import resolve_ami
from tap.aws_clients import AwsClients
from tap.errors import TapError
from tap.settings import parse

PARAMETER = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"


def test_resolve_ami_reads_the_public_parameter_and_prints_the_setting(
    moto_clients: AwsClients, example_values: dict[str, object]
) -> None:
    resolved = resolve_ami(moto_clients.client("ssm"), PARAMETER)
    assert resolved.command == f"pulumi config set tap:amiId {resolved.ami_id}"
    assert parse({**example_values, "amiId": resolved.ami_id}).compute.ami_id == resolved.ami_id


def test_resolve_ami_names_a_missing_parameter(moto_clients: AwsClients) -> None:
    with pytest.raises(TapError, match="/aws/service/no-such-image"):
        resolve_ami(moto_clients.client("ssm"), "/aws/service/no-such-image")
