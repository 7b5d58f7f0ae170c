"""boto3 clients for everything that talks to AWS at run time (`tap verify --live`, the
migration controller, preflight, the live tests). One place sets the region, the optional
endpoint (an emulator on 127.0.0.1 for `tap local` and the tests), timeouts and retries.

Retries have one knob, botocore's attempts per call (the first try included), in this order:
1. `AwsClients(max_attempts=N)` in code (the fault tests pass 1);
2. the standard `AWS_MAX_ATTEMPTS` variable, a whole number from 1 to 20;
3. DEFAULT_MAX_ATTEMPTS (8).
The mode is always botocore's "standard" (exponential backoff with jitter, throttling and 5xx
retried): the "adaptive" mode also rate-limits on the client, which makes a call wait before it
is even sent, and the rollback path already backs off on throttling itself, up to its deadline.
A bad value is refused with the variable named; an `AWS_RETRY_MODE` other than "standard" and
the retired `TAP_AWS_MAX_ATTEMPTS` are refused rather than silently ignored.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final, Literal, overload

import boto3
import botocore.loaders
import botocore.session
from botocore.client import BaseClient
from botocore.config import Config

from tap.errors import BadEnvironment

if TYPE_CHECKING:  # the types-boto3 stubs (dev extra): the per-service client types
    from types_boto3_acm.client import ACMClient
    from types_boto3_autoscaling.client import AutoScalingClient
    from types_boto3_cloudtrail.client import CloudTrailClient
    from types_boto3_cloudwatch.client import CloudWatchClient
    from types_boto3_config.client import ConfigServiceClient
    from types_boto3_dynamodb.client import DynamoDBClient
    from types_boto3_ec2.client import EC2Client
    from types_boto3_elbv2.client import ElasticLoadBalancingv2Client
    from types_boto3_guardduty.client import GuardDutyClient
    from types_boto3_iam.client import IAMClient
    from types_boto3_kms.client import KMSClient
    from types_boto3_rds.client import RDSClient
    from types_boto3_route53.client import Route53Client
    from types_boto3_s3.client import S3Client
    from types_boto3_secretsmanager.client import SecretsManagerClient
    from types_boto3_securityhub.client import SecurityHubClient
    from types_boto3_service_quotas.client import ServiceQuotasClient
    from types_boto3_sns.client import SNSClient
    from types_boto3_ssm.client import SSMClient

Service = Literal[
    "acm",
    "autoscaling",
    "cloudtrail",
    "cloudwatch",
    "config",
    "dynamodb",
    "ec2",
    "elbv2",
    "guardduty",
    "iam",
    "kms",
    "rds",
    "route53",
    "s3",
    "secretsmanager",
    "securityhub",
    "service-quotas",
    "sns",
    "ssm",
]
"""The services tap calls (one types-boto3 stub package each, see pyproject)."""

ATTEMPTS_ENV = "AWS_MAX_ATTEMPTS"
DEFAULT_MAX_ATTEMPTS = 8
MAX_ATTEMPTS_LIMIT = 20
RETRY_MODE: Final = "standard"
CONNECT_TIMEOUT = 5
READ_TIMEOUT = 30
_NOT_READ = {
    "AWS_RETRY_MODE": f"tap always uses botocore's {RETRY_MODE!r} retry mode: unset it or set that",
    "TAP_AWS_MAX_ATTEMPTS": f"it is no longer read: set {ATTEMPTS_ENV} instead",
}


def attempts_from(environ: dict[str, str] | os._Environ[str]) -> int:
    """Attempts per call from the environment, or the default; BadEnvironment names a bad value."""
    for name, why in _NOT_READ.items():
        if environ.get(name) and not (name == "AWS_RETRY_MODE" and environ[name] == RETRY_MODE):
            raise BadEnvironment(f"{name} = {environ[name]!r} is not allowed: {why}")
    value = environ.get(ATTEMPTS_ENV, "")
    if not value:
        return DEFAULT_MAX_ATTEMPTS
    if not value.isdigit() or not 1 <= int(value) <= MAX_ATTEMPTS_LIMIT:
        raise BadEnvironment(
            f"{ATTEMPTS_ENV} = {value!r} is not allowed: a whole number from 1 to {MAX_ATTEMPTS_LIMIT} "
            "(attempts per AWS call, the first included)"
        )
    return int(value)


_LOADER: list[botocore.loaders.Loader] = []


def new_session(profile: str | None) -> boto3.session.Session:
    """A fresh session (credentials and profile resolved anew) that shares one botocore data
    loader with every other session of the process. The loader only reads botocore's JSON
    service models; parsing them again for each session (ec2's alone is megabytes) cost most of
    the time a command spends before its first call."""
    core = botocore.session.get_session()
    if _LOADER:
        core.register_component("data_loader", _LOADER[0])
    session = boto3.session.Session(profile_name=profile, botocore_session=core)
    loader = core.get_component("data_loader")
    if not _LOADER:
        _LOADER.append(loader)
    # boto3 appends its resource-model folder to the loader on every session: keep one of each
    loader.search_paths[:] = list(dict.fromkeys(loader.search_paths))
    return session


@dataclass
class AwsClients:
    region: str = "us-east-1"
    endpoint_url: str | None = None
    profile: str | None = None
    max_attempts: int | None = None
    """botocore attempts per call; None reads AWS_MAX_ATTEMPTS (default 8). The migration
    controller's rollback path keeps its own retry loop up to a deadline on top of this."""
    connect_timeout: float = CONNECT_TIMEOUT
    read_timeout: float = READ_TIMEOUT
    _session: boto3.session.Session | None = field(default=None, init=False, repr=False)
    _cache: dict[tuple[Service, str], BaseClient] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        if self.max_attempts is None:
            self.max_attempts = attempts_from(os.environ)
        elif not 1 <= self.max_attempts <= MAX_ATTEMPTS_LIMIT:
            raise ValueError(f"max_attempts = {self.max_attempts} is not allowed: 1 to {MAX_ATTEMPTS_LIMIT}")

    @classmethod
    def from_environment(cls, region: str | None = None) -> AwsClients:
        """Region, profile and endpoint from the usual AWS settings (AWS_REGION,
        AWS_PROFILE, AWS_MAX_ATTEMPTS) plus TAP_AWS_ENDPOINT_URL for an emulator."""
        return cls(
            region=region
            or os.environ.get("AWS_REGION")
            or os.environ.get("AWS_DEFAULT_REGION")
            or "us-east-1",
            endpoint_url=os.environ.get("TAP_AWS_ENDPOINT_URL") or None,
            profile=os.environ.get("AWS_PROFILE") or None,
        )

    def config(self) -> Config:
        """The botocore Config every client gets: attempts, mode and timeouts, nothing else."""
        attempts = self.max_attempts if self.max_attempts is not None else attempts_from(os.environ)
        return Config(
            retries={"total_max_attempts": attempts, "mode": RETRY_MODE},
            connect_timeout=self.connect_timeout,
            read_timeout=self.read_timeout,
        )

    @overload
    def client(self, service: Literal["acm"], region: str | None = None) -> ACMClient: ...
    @overload
    def client(self, service: Literal["autoscaling"], region: str | None = None) -> AutoScalingClient: ...
    @overload
    def client(self, service: Literal["cloudtrail"], region: str | None = None) -> CloudTrailClient: ...
    @overload
    def client(self, service: Literal["cloudwatch"], region: str | None = None) -> CloudWatchClient: ...
    @overload
    def client(self, service: Literal["config"], region: str | None = None) -> ConfigServiceClient: ...
    @overload
    def client(self, service: Literal["dynamodb"], region: str | None = None) -> DynamoDBClient: ...
    @overload
    def client(self, service: Literal["ec2"], region: str | None = None) -> EC2Client: ...
    @overload
    def client(
        self, service: Literal["elbv2"], region: str | None = None
    ) -> ElasticLoadBalancingv2Client: ...
    @overload
    def client(self, service: Literal["guardduty"], region: str | None = None) -> GuardDutyClient: ...
    @overload
    def client(self, service: Literal["iam"], region: str | None = None) -> IAMClient: ...
    @overload
    def client(self, service: Literal["kms"], region: str | None = None) -> KMSClient: ...
    @overload
    def client(self, service: Literal["rds"], region: str | None = None) -> RDSClient: ...
    @overload
    def client(self, service: Literal["route53"], region: str | None = None) -> Route53Client: ...
    @overload
    def client(self, service: Literal["s3"], region: str | None = None) -> S3Client: ...
    @overload
    def client(
        self, service: Literal["secretsmanager"], region: str | None = None
    ) -> SecretsManagerClient: ...
    @overload
    def client(self, service: Literal["securityhub"], region: str | None = None) -> SecurityHubClient: ...
    @overload
    def client(
        self, service: Literal["service-quotas"], region: str | None = None
    ) -> ServiceQuotasClient: ...
    @overload
    def client(self, service: Literal["sns"], region: str | None = None) -> SNSClient: ...
    @overload
    def client(self, service: Literal["ssm"], region: str | None = None) -> SSMClient: ...
    def client(self, service: Service, region: str | None = None) -> BaseClient:
        reg = region or self.region
        key = (service, reg)
        if key not in self._cache:
            if self._session is None:
                self._session = new_session(self.profile)
            self._cache[key] = self._session.client(
                service, region_name=reg, endpoint_url=self.endpoint_url, config=self.config()
            )
        return self._cache[key]
