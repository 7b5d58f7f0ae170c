"""The offline engine: runs the real program (`tap.program.main`) through Pulumi's mock
monitor and records what it declares.

`render(values)` sets the Pulumi config from `values` (keys without the `tap:` prefix), runs the
program, and returns a `Plan`. It can be called many times in one process (one render per
phase); each render gets a fresh monitor.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import pulumi
import pulumi.runtime.resource as sdk_resource
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime.proto import source_pb2

from tap import aws_types as t
from tap.errors import TapError
from tap.offline.fakes.context import FAKE_ACCOUNT_ID, FAKE_AMI_ID, FakeContext
from tap.offline.fakes.outputs import outputs_for
from tap.offline.plan import Plan, PlannedResource
from tap.settings import NAMESPACE

PROVIDER_PREFIX = "pulumi:providers:"
# How the engine marks a secret value inside resource inputs.
SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d"


def unwrap_secrets(value: Any) -> Any:
    """Secret inputs arrive wrapped; the plan keeps the plain value (it is all fake data)."""
    if isinstance(value, dict):
        if SECRET_SIG_KEY in value:
            return unwrap_secrets(value.get("value"))
        return {k: unwrap_secrets(v) for k, v in value.items()}
    if isinstance(value, list):
        return [unwrap_secrets(v) for v in value]
    return value


class FakeCloud(pulumi.runtime.Mocks):
    """Answers resource registrations and provider function calls like AWS would."""

    def __init__(self, default_region: str) -> None:
        self.default_region = default_region
        self.provider_region: dict[str, str] = {}
        self.provider_tags: dict[str, dict[str, str]] = {}
        self.states: dict[tuple[str, str], tuple[str, dict[str, Any], dict[str, Any]]] = {}

    @staticmethod
    def provider_urn(ref: str | None) -> str:
        """A provider reference is `{urn}::{id}`."""
        return ref.rsplit("::", 1)[0] if ref else ""

    def _provider_name(self, ref: str | None) -> str:
        urn = self.provider_urn(ref)
        return urn.rsplit("::", 1)[-1] if urn else ""

    def new_resource(self, args: pulumi_mocks.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        provider = self._provider_name(args.provider)
        region = self.provider_region.get(provider, self.default_region)
        inputs = unwrap_secrets(dict(args.inputs))
        if args.typ.startswith(PROVIDER_PREFIX):
            self._note_provider(args.name, inputs)
        if args.resource_id:  # a static `get`: the resource exists, we only read it
            rid, state = read_existing(args.typ, args.name, args.resource_id, region)
        else:
            ctx = FakeContext(args.typ, args.name, inputs, region, FAKE_ACCOUNT_ID)
            rid, state = outputs_for(ctx)
            if "tagsAll" in state:
                state["tagsAll"] = {**self.provider_tags.get(provider, {}), **state["tagsAll"]}
        self.states[(args.typ, args.name)] = (rid, inputs, state)
        return rid, state

    def _note_provider(self, name: str, inputs: dict[str, Any]) -> None:
        if inputs.get("region"):
            self.provider_region[name] = inputs["region"]
        tags = inputs.get("defaultTags")
        if isinstance(tags, str):  # providers receive nested inputs JSON-encoded
            tags = json.loads(tags)
        if isinstance(tags, dict):
            self.provider_tags[name] = dict(tags.get("tags") or {})

    def call(self, args: pulumi_mocks.MockCallArgs) -> dict[str, Any]:  # type: ignore[override]
        token, a = args.token, args.args
        region = self.provider_region.get(self._provider_name(args.provider), self.default_region)
        if token == t.GET_CALLER_IDENTITY:
            return {
                "accountId": FAKE_ACCOUNT_ID,
                "id": FAKE_ACCOUNT_ID,
                "arn": f"arn:aws:iam::{FAKE_ACCOUNT_ID}:user/platform-engineer",
                "userId": "AIDAEXAMPLEUSERID0001",
            }
        if token == t.GET_PARAMETER:
            name = a.get("name", "")
            return {
                "name": name,
                "value": FAKE_AMI_ID,
                "insecureValue": FAKE_AMI_ID,
                "type": "String",
                "version": 1,
                "id": name,
                "arn": f"arn:aws:ssm:{region}::parameter{name}",
            }
        if token == t.GET_ZONE:
            zid = a.get("zoneId", "")
            return {
                "zoneId": zid,
                "id": zid,
                "name": a.get("name", ""),
                "arn": f"arn:aws:route53:::hostedzone/{zid}",
                "privateZone": False,
                "nameServers": [
                    f"ns-{n}.awsdns-{n % 64:02d}.{tld}"
                    for n, tld in ((101, "com"), (702, "net"), (1303, "org"), (1904, "co.uk"))
                ],
            }
        if token == t.GET_REGION:
            return {"name": region, "region": region, "id": region, "endpoint": f"ec2.{region}.amazonaws.com"}
        raise TapError(f"the offline engine has no fake for provider function {token}")


def read_existing(typ: str, name: str, rid: str, region: str) -> tuple[str, dict[str, Any]]:
    """State of resources the program reads but never owns (the dev database)."""
    if typ == t.RDS_INSTANCE:
        return rid, {
            "identifier": rid,
            "arn": f"arn:aws:rds:{region}:{FAKE_ACCOUNT_ID}:db:{rid}",
            "resourceId": "db-DEV" + FakeContext(typ, name, {}, region, FAKE_ACCOUNT_ID).h(22).upper(),
            "engine": "mysql",
            "engineVersion": "8.0.39",
            "allocatedStorage": 100,
            "instanceClass": "db.t3.micro",
            "storageEncrypted": False,
            "multiAz": False,
            "publiclyAccessible": False,
            "address": f"{rid}.c9akciq32.{region}.rds.amazonaws.com",
            "endpoint": f"{rid}.c9akciq32.{region}.rds.amazonaws.com:3306",
            "port": 3306,
            "dbName": "payments",
        }
    raise TapError(f"the offline engine cannot read an existing {typ} ({rid})")


def _timeouts(request: Any) -> dict[str, str]:
    """The custom timeouts a registration carries, as the Go duration strings the SDK sends
    ({} when none): the deployability rules read them like the analyzer's `custom_timeouts`."""
    if not request.HasField("customTimeouts"):
        return {}
    ct = request.customTimeouts
    return {op: getattr(ct, op) for op in ("create", "update", "delete") if getattr(ct, op)}


class RecordingMonitor(pulumi_mocks.MockMonitor):
    """The SDK's mock monitor, plus a record of each registration's options (parent, provider,
    protect, dependencies, custom timeouts) that the tests and the plan need."""

    def __init__(self, cloud: FakeCloud) -> None:
        super().__init__(cloud)
        self.cloud = cloud
        self.records: list[dict[str, Any]] = []

    def RegisterResource(self, request: Any) -> Any:
        response = super().RegisterResource(request)  # type: ignore[no-untyped-call]
        if request.type != "pulumi:pulumi:Stack":
            self.records.append(
                {
                    "urn": response.urn,
                    "type": request.type,
                    "name": request.name,
                    "parent": request.parent,
                    "custom": request.custom,
                    "provider": self.cloud.provider_urn(request.provider),
                    "protect": bool(request.protect),
                    "read": False,
                    "retain_on_delete": bool(request.retainOnDelete),
                    "dependencies": tuple(sorted(request.dependencies)),
                    "ignore_changes": tuple(request.ignoreChanges),
                    "custom_timeouts": _timeouts(request),
                }
            )
        return response

    def ReadResource(self, request: Any) -> Any:
        response = super().ReadResource(request)  # type: ignore[no-untyped-call]
        self.records.append(
            {
                "urn": response.urn,
                "type": request.type,
                "name": request.name,
                "parent": request.parent,
                "custom": True,
                "provider": self.cloud.provider_urn(request.provider),
                "protect": False,
                "read": True,
                "retain_on_delete": False,
                "dependencies": tuple(sorted(request.dependencies)),
                "ignore_changes": (),
            }
        )
        return response


def config_strings(values: Mapping[str, object]) -> dict[str, str]:
    """Pulumi config as the engine passes it: `tap:key` -> string (lists and maps as JSON)."""
    out = {}
    for key, value in values.items():
        if isinstance(value, bool):
            text = "true" if value else "false"
        elif isinstance(value, str):
            text = value
        else:
            text = json.dumps(value)
        out[f"{NAMESPACE}:{key}"] = text
    return out


_FROZEN = False


def _no_stack_trace() -> source_pb2.StackTrace:
    return source_pb2.StackTrace()


@contextmanager
def _render_quickly() -> Iterator[None]:
    """Half of a render's time went to the garbage collector walking pulumi_aws's ~300,000
    long-lived objects, and a sixth to the SDK capturing a Python stack trace per resource for
    source positions that the mock monitor never reads. So: the objects alive after the first
    import are frozen out of collection once, collection pauses for the render (a render
    allocates little that is cyclic), and the trace capture is skipped. Both are restored
    afterwards. Measured with bench/plan_all_phases.py: seven phases 8.0 s -> 2.2 s."""
    global _FROZEN
    if not _FROZEN:
        gc.freeze()
        _FROZEN = True
    was_enabled = gc.isenabled()
    original = sdk_resource._get_stack_trace
    gc.disable()
    sdk_resource._get_stack_trace = _no_stack_trace
    try:
        yield
    finally:
        sdk_resource._get_stack_trace = original
        if was_enabled:
            gc.enable()


def render(values: Mapping[str, object], *, stack: str = "example") -> Plan:
    """Run the real program offline with these settings and return what it declared."""
    from tap.program import build  # imported late: the program imports pulumi_aws lazily
    from tap.settings import parse

    settings = parse(values)  # fail before touching the engine, with the settings error
    cloud = FakeCloud(default_region=settings.core.region)
    monitor = RecordingMonitor(cloud)
    pulumi.runtime.set_mocks(cloud, project="tap", stack=stack, preview=False, monitor=monitor)
    pulumi.runtime.set_all_config(config_strings(values))
    resolved: dict[str, Any] = {}

    @pulumi.runtime.test  # type: ignore[untyped-decorator]
    def run() -> pulumi.Output[Any]:
        program = build()
        return pulumi.Output.all(**program.outputs).apply(resolved.update)

    with _render_quickly():
        run()
    # URN order and sorted dependencies: the SDK registers concurrently and collects
    # dependencies in a set, so both orders vary from one render to the next; the plan must not.
    resources = []
    for rec in sorted(monitor.records, key=lambda rec: str(rec["urn"])):
        rid, inputs, state = cloud.states.get((rec["type"], rec["name"]), ("", {}, {}))
        resources.append(PlannedResource(id=rid, inputs=inputs, outputs=state, **rec))
    return Plan(settings=settings, resources=tuple(resources), outputs=resolved)
