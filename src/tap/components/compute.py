"""Compute (SPEC R6): one `Fleet` component, instantiated for blue and for green.

A fleet is a launch template (IMDSv2 only, no public IP, encrypted gp3 root volume, the app
security group and instance profile) and an Auto Scaling group over the private subnets,
attached to its own target group, with a target-tracking CPU policy. Its capacity comes from
the phase machine.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from tap.components import timeouts
from tap.components.context import StackContext
from tap.phases import Capacity

APP_PORT = 8080
HEALTH_PATH = "/health"
# Group metrics the cutover dashboard and the controller's capacity gate read.
GROUP_METRICS = [
    aws.autoscaling.Metric.GROUP_MIN_SIZE,
    aws.autoscaling.Metric.GROUP_MAX_SIZE,
    aws.autoscaling.Metric.GROUP_DESIRED_CAPACITY,
    aws.autoscaling.Metric.GROUP_IN_SERVICE_INSTANCES,
    aws.autoscaling.Metric.GROUP_PENDING_INSTANCES,
    aws.autoscaling.Metric.GROUP_TERMINATING_INSTANCES,
    aws.autoscaling.Metric.GROUP_TOTAL_INSTANCES,
]


SERVICE_USER = "payments"
APP_DIR = "/opt/payments"
CONFIG_DIR = "/etc/payments"


def user_data(
    *, region: str, endpoint_parameter: str, port_parameter: str, artifact_uri: str, colour: str
) -> str:
    """Boot script: read the database location from SSM (never a secret: the app fetches its
    credentials itself, through its role), install the release bundle, serve on 8080.

    The service runs as its own system user, which owns nothing but may read and enter the
    release (root:payments, group read/execute): a root-only 0750 directory with `User=nobody`
    left the app unable to start while the ASG still counted the instances InService.
    `TAP_ROOT` (empty on an instance) prefixes every path, so tests run this very script in a
    scratch root (tests/unit/test_user_data_sandbox.py)."""
    return f"""#!/bin/bash
set -euo pipefail
ROOT="${{TAP_ROOT:-}}"
# IMDSv2: every metadata read needs a session token (hop limit 1 keeps it on the host).
TOKEN=$(curl -sS -X PUT http://169.254.169.254/latest/api/token \\
  -H 'X-aws-ec2-metadata-token-ttl-seconds: 300')
REGION=$(curl -sS -H "X-aws-ec2-metadata-token: $TOKEN" \\
  http://169.254.169.254/latest/meta-data/placement/region)
[ "$REGION" = "{region}" ] || echo "warning: launched in $REGION, configured for {region}" >&2

# Both fleets read the same parameters: the phase decides which database they name.
DB_HOST=$(aws ssm get-parameter --region "$REGION" --name '{endpoint_parameter}' \\
  --query Parameter.Value --output text)
DB_PORT=$(aws ssm get-parameter --region "$REGION" --name '{port_parameter}' \\
  --query Parameter.Value --output text)

# A system user of its own, no login, no home: the service never runs as root or nobody.
id -u {SERVICE_USER} >/dev/null 2>&1 || useradd --system --no-create-home --shell /sbin/nologin {SERVICE_USER}
SVC_UID=$(id -u {SERVICE_USER})
SVC_GID=$(id -g {SERVICE_USER})

install -d -m 0750 -o 0 -g "$SVC_GID" "$ROOT{CONFIG_DIR}" "$ROOT{APP_DIR}"
cat > "$ROOT{CONFIG_DIR}/runtime.env" <<ENV
DB_HOST=$DB_HOST
DB_PORT=$DB_PORT
DB_ENDPOINT_PARAMETER={endpoint_parameter}
FLEET={colour}
PORT={APP_PORT}
HEALTH_PATH={HEALTH_PATH}
AWS_REGION=$REGION
ENV
chown 0:"$SVC_GID" "$ROOT{CONFIG_DIR}/runtime.env"
chmod 0640 "$ROOT{CONFIG_DIR}/runtime.env"

aws s3 cp --region "$REGION" '{artifact_uri}' "$ROOT{APP_DIR}/release.tar.gz"
# Root owns the release (the service cannot rewrite its own code); the group may read it
# and enter every directory, and executables keep their execute bits for the group.
tar --no-same-owner --no-same-permissions -xzf "$ROOT{APP_DIR}/release.tar.gz" -C "$ROOT{APP_DIR}"
rm -f "$ROOT{APP_DIR}/release.tar.gz"
chown -R 0:"$SVC_GID" "$ROOT{APP_DIR}"
chmod -R u+rwX,g+rX,g-w,o-rwx "$ROOT{APP_DIR}"
if ! setpriv --reuid="$SVC_UID" --regid="$SVC_GID" --clear-groups test -x "$ROOT{APP_DIR}/bin/start"; then
  echo "fatal: {SERVICE_USER} cannot execute {APP_DIR}/bin/start; not starting" >&2
  exit 1
fi

install -d -m 0755 "$ROOT/etc/systemd/system"
cat > "$ROOT/etc/systemd/system/payments.service" <<'UNIT'
[Unit]
Description=Payment service
After=network-online.target
Wants=network-online.target

[Service]
EnvironmentFile={CONFIG_DIR}/runtime.env
WorkingDirectory={APP_DIR}
ExecStart={APP_DIR}/bin/start
Restart=always
RestartSec=2
User={SERVICE_USER}
Group={SERVICE_USER}
NoNewPrivileges=true

[Install]
WantedBy=multi-user.target
UNIT
systemctl daemon-reload
systemctl enable --now payments.service
"""


@dataclass(frozen=True)
class FleetArgs:
    ctx: StackContext
    colour: str
    instance_type: str
    capacity: Capacity
    ami_id: pulumi.Input[str]
    instance_profile_arn: pulumi.Input[str]
    app_security_group_id: pulumi.Input[str]
    private_subnet_ids: Sequence[pulumi.Input[str]]
    target_group_arn: pulumi.Input[str]
    kms_key_arn: pulumi.Input[str]
    endpoint_parameter_name: pulumi.Input[str]
    port_parameter_name: pulumi.Input[str]


class Fleet(pulumi.ComponentResource):
    def __init__(self, name: str, args: FleetArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("tap:components:Fleet", name, None, opts)
        ctx, c = args.ctx, args.ctx.settings.compute
        child = pulumi.ResourceOptions(parent=self)
        colour = args.colour
        script = pulumi.Output.all(args.endpoint_parameter_name, args.port_parameter_name).apply(
            lambda names: base64.b64encode(
                user_data(
                    region=ctx.region,
                    endpoint_parameter=names[0],
                    port_parameter=names[1],
                    artifact_uri=c.app_artifact_uri,
                    colour=colour,
                ).encode()
            ).decode()
        )
        tags = {"Name": ctx.name(f"app-{colour}"), "Fleet": colour}
        self.launch_template = aws.ec2.LaunchTemplate(
            ctx.name(f"lt-{colour}"),
            name=ctx.name(f"lt-{colour}"),
            description=f"{colour} payment app fleet",
            image_id=args.ami_id,
            instance_type=args.instance_type,
            iam_instance_profile=aws.ec2.LaunchTemplateIamInstanceProfileArgs(arn=args.instance_profile_arn),
            metadata_options=aws.ec2.LaunchTemplateMetadataOptionsArgs(
                http_endpoint="enabled",
                http_tokens="required",
                http_put_response_hop_limit=1,
                instance_metadata_tags="enabled",
            ),
            network_interfaces=[
                aws.ec2.LaunchTemplateNetworkInterfaceArgs(
                    device_index=0,
                    associate_public_ip_address="false",
                    delete_on_termination="true",
                    security_groups=[args.app_security_group_id],
                )
            ],
            block_device_mappings=[
                aws.ec2.LaunchTemplateBlockDeviceMappingArgs(
                    device_name="/dev/xvda",
                    ebs=aws.ec2.LaunchTemplateBlockDeviceMappingEbsArgs(
                        volume_size=c.root_volume_gib,
                        volume_type="gp3",
                        encrypted="true",
                        kms_key_id=args.kms_key_arn,
                        delete_on_termination="true",
                    ),
                )
            ],
            monitoring=aws.ec2.LaunchTemplateMonitoringArgs(enabled=True),
            ebs_optimized="true",
            user_data=script,
            update_default_version=True,
            # Provider default tags do not reach instances or volumes an ASG launches.
            tag_specifications=[
                aws.ec2.LaunchTemplateTagSpecificationArgs(resource_type=kind, tags=tags)
                for kind in ("instance", "volume", "network-interface")
            ],
            tags={"Name": ctx.name(f"lt-{colour}")},
            opts=child,
        )
        self.group = aws.autoscaling.Group(
            ctx.name(f"asg-{colour}"),
            name=ctx.name(f"asg-{colour}"),
            vpc_zone_identifiers=list(args.private_subnet_ids),
            min_size=args.capacity.min,
            max_size=args.capacity.max,
            desired_capacity=args.capacity.desired,
            launch_template=aws.autoscaling.GroupLaunchTemplateArgs(
                id=self.launch_template.id, version=self.launch_template.latest_version.apply(str)
            ),
            target_group_arns=[args.target_group_arn],
            health_check_type="ELB",
            # The provider's default wait is 10m (resourceGroupCreate waits for desired
            # instances InService); green's boot and first health checks can take longer.
            wait_for_capacity_timeout=timeouts.ASG_CAPACITY_WAIT.duration,
            health_check_grace_period=300,
            default_instance_warmup=300,
            enabled_metrics=GROUP_METRICS,
            metrics_granularity="1Minute",
            termination_policies=["OldestLaunchTemplate", "Default"],
            instance_refresh=aws.autoscaling.GroupInstanceRefreshArgs(
                strategy="Rolling",
                preferences=aws.autoscaling.GroupInstanceRefreshPreferencesArgs(
                    min_healthy_percentage=90, instance_warmup="300"
                ),
            ),
            tags=[
                aws.autoscaling.GroupTagArgs(key=k, value=v, propagate_at_launch=True)
                for k, v in tags.items()
            ],
            # Scaling moves desired capacity between updates; a later `pulumi up` must not
            # undo it under load. Phase changes act through min/max, which the ASG honours.
            opts=pulumi.ResourceOptions(parent=self, ignore_changes=["desiredCapacity"]),
        )
        # Target tracking creates and owns its CloudWatch alarms, so it fires without wiring.
        self.cpu_policy = aws.autoscaling.Policy(
            ctx.name(f"asg-{colour}-cpu-target"),
            autoscaling_group_name=self.group.name,
            policy_type="TargetTrackingScaling",
            estimated_instance_warmup=300,
            target_tracking_configuration=aws.autoscaling.PolicyTargetTrackingConfigurationArgs(
                predefined_metric_specification=aws.autoscaling.PolicyTargetTrackingConfigurationPredefinedMetricSpecificationArgs(
                    predefined_metric_type="ASGAverageCPUUtilization"
                ),
                target_value=float(c.scaling_cpu_target),
            ),
            opts=child,
        )
        self.register_outputs({"asg_name": self.group.name, "launch_template_id": self.launch_template.id})
