"""`tap local`: an AWS API emulator (moto server) on 127.0.0.1 and the settings that
point `pulumi up` and the tap commands at it, so the whole flow can be tried without an account.

The helpers (`provider_settings`, `environment`, `LocalEmulator`) are plain functions and a small
class so the tests can check what is printed and start/stop the server on a free port.
"""

from __future__ import annotations

import logging
import socket
import time
from dataclasses import dataclass, field
from typing import Any

import typer

from tap.cli.common import err, handles_errors, out, print_json
from tap.errors import TapError

HOST = "127.0.0.1"
DEFAULT_PORT = 5000
FAKE_KEY = "testing"
# Provider endpoint keys (pulumi-aws `endpoints` block) of every service the stack declares
# resources in or reads from: network/compute, load balancing, DNS/TLS, data, monitoring, IAM.
SERVICES = (
    "acm",
    "autoscaling",
    "cloudwatch",
    "dynamodb",
    "ec2",
    "elbv2",
    "iam",
    "kms",
    "logs",
    "rds",
    "route53",
    "s3",
    "secretsmanager",
    "sns",
    "ssm",
    "sts",
    "wafv2",
)


class LocalError(TapError):
    exit_code = 2


def provider_settings(endpoint: str, region: str = "us-east-1") -> list[tuple[str, str]]:
    """`aws:` provider config that sends every call to the emulator and skips the checks that
    need a real account (credential validation, account-id lookup, instance metadata)."""
    base = [
        ("aws:region", region),
        ("aws:accessKey", FAKE_KEY),
        ("aws:secretKey", FAKE_KEY),
        ("aws:skipCredentialsValidation", "true"),
        ("aws:skipRequestingAccountId", "true"),
        ("aws:skipMetadataApiCheck", "true"),
        ("aws:skipRegionValidation", "true"),
        # Virtual-host bucket URLs (bucket.127.0.0.1) do not resolve; path style does.
        ("aws:s3UsePathStyle", "true"),
    ]
    return base + [(f"aws:endpoints[0].{svc}", endpoint) for svc in SERVICES]


def pulumi_commands(endpoint: str, region: str = "us-east-1") -> list[str]:
    lines = []
    for key, value in provider_settings(endpoint, region):
        path = " --path" if "[" in key else ""
        lines.append(f"pulumi config set{path} '{key}' '{value}'")
    return lines


def environment(endpoint: str, region: str = "us-east-1") -> dict[str, str]:
    """Environment for `tap migrate` / `tap verify --live` against the emulator."""
    return {
        "TAP_AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": FAKE_KEY,
        "AWS_SECRET_ACCESS_KEY": FAKE_KEY,
        "AWS_REGION": region,
        "AWS_DEFAULT_REGION": region,
    }


def require_emulator() -> type:
    """moto's server class, or a clear error: the emulator is an optional extra."""
    try:
        from moto.server import ThreadedMotoServer
    except ModuleNotFoundError as exc:
        raise LocalError(
            f"the AWS API emulator is not installed ({exc.name} is missing); install the "
            "optional extra with `pip install -e '.[emulator]'` (or `make test`, which installs it)"
        ) from None
    return ThreadedMotoServer


def port_free(port: int, host: str = HOST) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


@dataclass
class LocalEmulator:
    """A moto server bound to 127.0.0.1 only (never to other interfaces)."""

    port: int = DEFAULT_PORT
    _server: Any = field(default=None, init=False, repr=False)

    @property
    def endpoint(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self) -> str:
        if not port_free(self.port):
            raise LocalError(
                f"port {self.port} on {HOST} is in use; pass --port with a free port (1024-65535)"
            )
        ThreadedMotoServer = require_emulator()
        # The server logs every request on stderr; the commands print what matters themselves.
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        self._server = ThreadedMotoServer(ip_address=HOST, port=self.port, verbose=False)
        self._server.start()
        return self.endpoint

    def probe(self) -> str:
        """One real API call (STS GetCallerIdentity) through boto3; returns the account id."""
        import boto3

        sts = boto3.client(
            "sts",
            region_name="us-east-1",
            endpoint_url=self.endpoint,
            aws_access_key_id=FAKE_KEY,
            aws_secret_access_key=FAKE_KEY,
        )
        return str(sts.get_caller_identity()["Account"])

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None


@handles_errors
def local_command(
    port: int = typer.Option(DEFAULT_PORT, "--port", min=1024, max=65535, help="Port on 127.0.0.1."),
    region: str = typer.Option("us-east-1", "--region", help="Region the provider settings name."),
    check: bool = typer.Option(False, "--check", help="Start, make one API call, stop: a smoke test."),
    as_json: bool = typer.Option(False, "--json", help="Machine-readable settings."),
) -> None:
    """Start an AWS API emulator (moto server) on 127.0.0.1 and print the `pulumi config set`
    provider settings and the environment to point `pulumi up` and tap at it. Ctrl-C stops it."""
    emulator = LocalEmulator(port)
    endpoint = emulator.start()
    try:
        account = emulator.probe()
        if as_json:
            print_json(
                {
                    "endpoint": endpoint,
                    "account": account,
                    "provider": dict(provider_settings(endpoint, region)),
                    "environment": environment(endpoint, region),
                }
            )
        else:
            out.print(f"[bold]moto server[/] on {endpoint} (account {account})")
            out.print("Provider settings for the stack (run in the project directory):")
            for line in pulumi_commands(endpoint, region):
                out.print(f"  {line}", highlight=False, markup=False)
            out.print("Environment for tap commands:")
            for key, value in environment(endpoint, region).items():
                out.print(f"  export {key}={value}", highlight=False, markup=False)
        if check:
            # stderr, so `--check --json` stays one JSON document on stdout.
            err.print(
                f"check passed: the emulator answered STS GetCallerIdentity (account {account}) "
                "and is stopped again",
                markup=False,
                highlight=False,
            )
            return
        err.print("serving; Ctrl-C stops the emulator (its state is in memory and goes with it)")
        try:
            while True:
                time.sleep(1)
        except KeyboardInterrupt:
            err.print("stopping")
    finally:
        emulator.stop()
