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
from tap.components.app_runtime import user_data
from tap.components.context import StackContext
from tap.phase_plan import Capacity

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
        ctx, colour = args.ctx, args.colour
        tags = {"Name": ctx.name(f"app-{colour}"), "Fleet": colour}
        self.launch_template = self._launch_template(ctx, args, tags)
        self.group = self._group(ctx, args, tags)
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
                target_value=float(ctx.settings.compute.scaling_cpu_target),
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.register_outputs({"asg_name": self.group.name, "launch_template_id": self.launch_template.id})

    @staticmethod
    def _boot_script(ctx: StackContext, args: FleetArgs) -> pulumi.Output[str]:
        """The boot script, base64 as launch templates take it, once the parameter names resolve."""
        return pulumi.Output.all(args.endpoint_parameter_name, args.port_parameter_name).apply(
            lambda names: base64.b64encode(
                user_data(
                    region=ctx.region,
                    endpoint_parameter=names[0],
                    port_parameter=names[1],
                    artifact_uri=ctx.settings.compute.app_artifact_uri,
                    colour=args.colour,
                ).encode()
            ).decode()
        )

    def _launch_template(
        self, ctx: StackContext, args: FleetArgs, tags: dict[str, str]
    ) -> aws.ec2.LaunchTemplate:
        colour = args.colour
        return aws.ec2.LaunchTemplate(
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
            block_device_mappings=[self._root_volume(ctx, args.kms_key_arn)],
            monitoring=aws.ec2.LaunchTemplateMonitoringArgs(enabled=True),
            ebs_optimized="true",
            user_data=self._boot_script(ctx, args),
            update_default_version=True,
            # Provider default tags do not reach instances or volumes an ASG launches.
            tag_specifications=[
                aws.ec2.LaunchTemplateTagSpecificationArgs(resource_type=kind, tags=tags)
                for kind in ("instance", "volume", "network-interface")
            ],
            tags={"Name": ctx.name(f"lt-{colour}")},
            opts=pulumi.ResourceOptions(parent=self),
        )

    @staticmethod
    def _root_volume(
        ctx: StackContext, kms_key_arn: pulumi.Input[str]
    ) -> aws.ec2.LaunchTemplateBlockDeviceMappingArgs:
        return aws.ec2.LaunchTemplateBlockDeviceMappingArgs(
            device_name="/dev/xvda",
            ebs=aws.ec2.LaunchTemplateBlockDeviceMappingEbsArgs(
                volume_size=ctx.settings.compute.root_volume_gib,
                volume_type="gp3",
                encrypted="true",
                kms_key_id=kms_key_arn,
                delete_on_termination="true",
            ),
        )

    def _group(self, ctx: StackContext, args: FleetArgs, tags: dict[str, str]) -> aws.autoscaling.Group:
        colour = args.colour
        return aws.autoscaling.Group(
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
