"""Passwords from Secrets Manager, held in memory only: never logged, never in argv, never in
an exception message, never in Pulumi state (the stack creates an empty secret container under
the prod key; `tap db sync` generates and puts the value)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError

from tap.replication.adapter import Credentials
from tap.replication.errors import ReplicationError, ReplicationInputError

if TYPE_CHECKING:
    from types_boto3_secretsmanager.client import SecretsManagerClient

# No characters that need quoting anywhere the password travels (the RDS procedure's argument
# checks reject some quote patterns; see the AWS rds_set_external_master notes).
EXCLUDE = "\"'`\\/@:;,%#&{}[]()<>|$ "
PASSWORD_LENGTH = 32


def _code(exc: BaseException) -> str:
    if isinstance(exc, ClientError):
        return str(exc.response.get("Error", {}).get("Code", "ClientError"))
    return type(exc).__name__


def admin_credentials(secretsmanager: SecretsManagerClient, arn: str, label: str) -> Credentials:
    """The RDS-managed master secret: JSON with `username` and `password`."""
    try:
        text = secretsmanager.get_secret_value(SecretId=arn)["SecretString"]
    except (ClientError, BotoCoreError) as exc:
        raise ReplicationError(f"cannot read the {label} admin secret {arn}: {_code(exc)}") from None
    try:
        doc = json.loads(text)
        return Credentials(str(doc["username"]), str(doc["password"]))
    except (ValueError, KeyError, TypeError):
        raise ReplicationInputError(
            f"the {label} admin secret {arn} must be JSON with username and password (as RDS manages it)"
        ) from None


class ReplicationSecret:
    def __init__(self, secretsmanager: SecretsManagerClient, arn: str, user: str) -> None:
        self.sm = secretsmanager
        self.arn = arn
        self.user = user

    def rotate(self) -> Credentials:
        """A new random password, put as the secret's current version, read back."""
        try:
            password = self.sm.get_random_password(
                PasswordLength=PASSWORD_LENGTH, ExcludeCharacters=EXCLUDE, RequireEachIncludedType=True
            )["RandomPassword"]
            self.sm.put_secret_value(
                SecretId=self.arn, SecretString=json.dumps({"username": self.user, "password": password})
            )
        except (ClientError, BotoCoreError) as exc:
            raise ReplicationError(f"cannot set the replication secret {self.arn}: {_code(exc)}") from None
        return self.read()

    def read(self) -> Credentials:
        try:
            text = self.sm.get_secret_value(SecretId=self.arn)["SecretString"]
        except ClientError as exc:
            if _code(exc) == "ResourceNotFoundException":
                raise ReplicationInputError(
                    f"the replication secret {self.arn} has no value yet: run `tap db sync` first"
                ) from None
            raise ReplicationError(f"cannot read the replication secret {self.arn}: {_code(exc)}") from None
        except BotoCoreError as exc:
            raise ReplicationError(f"cannot read the replication secret {self.arn}: {_code(exc)}") from None
        try:
            doc = json.loads(text)
            return Credentials(str(doc["username"]), str(doc["password"]))
        except (ValueError, KeyError, TypeError):
            raise ReplicationInputError(
                f"the replication secret {self.arn} is not JSON with username/password"
            ) from None
