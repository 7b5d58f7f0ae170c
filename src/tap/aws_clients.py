"""boto3 clients for everything that talks to AWS at run time (`tap verify --live`, the
migration controller, the live tests). One place sets the region, the optional endpoint (an
emulator on 127.0.0.1 for `tap local` and the tests) and retries with backoff for throttling."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, overload

import boto3
from botocore.config import Config

from tap.errors import TapError

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

# Adaptive retries back off on throttling (Route53 allows 5 requests/s per account).
RETRY_CONFIG = Config(retries={"max_attempts": 8, "mode": "adaptive"}, connect_timeout=5, read_timeout=30)
DEFAULT_MAX_ATTEMPTS = 8


def _attempts(value: str | None) -> int:
    if not value:
        return DEFAULT_MAX_ATTEMPTS
    if not value.isdigit() or not 1 <= int(value) <= 20:
        raise TapError(f"TAP_AWS_MAX_ATTEMPTS = {value!r} is not allowed: a whole number from 1 to 20")
    return int(value)


def retry_config() -> Config:
    """RETRY_CONFIG, with the standard AWS_MAX_ATTEMPTS and AWS_RETRY_MODE honoured when set (an
    explicit Config would otherwise override them): e.g. AWS_MAX_ATTEMPTS=1 to fail at once."""
    attempts = os.environ.get("AWS_MAX_ATTEMPTS", "")
    mode = os.environ.get("AWS_RETRY_MODE", "")
    # Any: botocore-stubs types `retries` as a TypedDict with a Literal mode, which the `in`
    # test below checks at run time but mypy does not narrow.
    retries: Any = {"max_attempts": 8, "mode": "adaptive"}
    if attempts.isdigit() and int(attempts) > 0:
        retries["max_attempts"] = int(attempts)
    if mode in ("legacy", "standard", "adaptive"):
        retries["mode"] = mode
    return RETRY_CONFIG.merge(Config(retries=retries))


@dataclass
class AwsClients:
    region: str = "us-east-1"
    endpoint_url: str | None = None
    profile: str | None = None
    config: Config = field(default_factory=retry_config)
    """Retries and timeouts (AWS_MAX_ATTEMPTS / AWS_RETRY_MODE honoured); `tap preflight` passes
    fewer retries so a dead endpoint fails fast."""
    max_attempts: int = DEFAULT_MAX_ATTEMPTS
    """botocore attempts per call. The migration controller's rollback path keeps its own retry
    loop up to a deadline on top of this (TAP_AWS_MAX_ATTEMPTS lowers it, e.g. for tests)."""
    _session: Any = field(default=None, init=False, repr=False)
    _cache: dict[tuple[str, str], Any] = field(default_factory=dict, init=False, repr=False)

    @classmethod
    def from_environment(cls, region: str | None = None) -> AwsClients:
        """Region, profile and endpoint from the usual AWS settings (AWS_REGION,
        AWS_PROFILE) plus TAP_AWS_ENDPOINT_URL for an emulator."""
        return cls(
            region=region
            or os.environ.get("AWS_REGION")
            or os.environ.get("AWS_DEFAULT_REGION")
            or "us-east-1",
            endpoint_url=os.environ.get("TAP_AWS_ENDPOINT_URL") or None,
            profile=os.environ.get("AWS_PROFILE") or None,
            max_attempts=_attempts(os.environ.get("TAP_AWS_MAX_ATTEMPTS")),
        )

    def _config(self) -> Config:
        if self.max_attempts == DEFAULT_MAX_ATTEMPTS:
            return self.config
        return self.config.merge(
            Config(retries={"total_max_attempts": self.max_attempts, "mode": "standard"})
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
    @overload
    def client(self, service: str, region: str | None = None) -> Any: ...
    def client(self, service: str, region: str | None = None) -> Any:
        reg = region or self.region
        key = (service, reg)
        if key not in self._cache:
            if self._session is None:
                self._session = boto3.session.Session(profile_name=self.profile)
            self._cache[key] = self._session.client(
                service, region_name=reg, endpoint_url=self.endpoint_url, config=self._config()
            )
        return self._cache[key]
