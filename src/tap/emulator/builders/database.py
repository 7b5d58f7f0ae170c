"""The production database: its subnet group, parameter group and instance.

The real stack restores the instance from the encrypted snapshot copy of dev's final snapshot;
the emulator gets the same instance settings directly (the snapshot chain is covered by unit
tests), and the seed replica is not created (it needs dev's instance, which moto lacks)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tap import aws_types as t
from tap.emulator.registry import SeedContext, builds
from tap.offline.plan import PlannedResource
from tap.values import integer

if TYPE_CHECKING:
    from types_boto3_rds.type_defs import ParameterTypeDef


@builds(t.RDS_SUBNET_GROUP)
def subnet_group(ctx: SeedContext, r: PlannedResource) -> None:
    ctx.clients.client("rds").create_db_subnet_group(
        DBSubnetGroupName=r.get("name"),
        DBSubnetGroupDescription=r.get("description") or "",
        SubnetIds=ctx.sub.value(r.get("subnetIds")),
    )


# ModifyDBParameterGroup takes at most 20 parameters a call (the provider sends them in 20s too).
PARAMETERS_PER_CALL = 20


@builds(t.RDS_PARAMETER_GROUP)
def parameter_group(ctx: SeedContext, r: PlannedResource) -> None:
    """The group and the parameters the plan sets on it, as the provider applies them."""
    rds, name = ctx.clients.client("rds"), r.get("name")
    rds.create_db_parameter_group(
        DBParameterGroupName=name,
        DBParameterGroupFamily=r.get("family") or "mysql8.0",
        Description=r.get("description") or "",
    )
    params: list[ParameterTypeDef] = [
        {
            "ParameterName": p["name"],
            "ParameterValue": str(p["value"]),
            "ApplyMethod": "pending-reboot" if p.get("applyMethod") == "pending-reboot" else "immediate",
        }
        for p in r.get("parameters") or []
    ]
    for start in range(0, len(params), PARAMETERS_PER_CALL):
        rds.modify_db_parameter_group(
            DBParameterGroupName=name, Parameters=params[start : start + PARAMETERS_PER_CALL]
        )


def _instance_args(ctx: SeedContext, r: PlannedResource) -> dict[str, Any]:
    s = ctx.sub
    args: dict[str, Any] = {
        "DBInstanceIdentifier": r.get("identifier"),
        "DBInstanceClass": r.get("instanceClass"),
        "Engine": r.get("engine") or "mysql",
        "EngineVersion": str(r.get("engineVersion") or "8.0"),
        "AutoMinorVersionUpgrade": bool(r.get("autoMinorVersionUpgrade")),
        "AllocatedStorage": integer(r.get("allocatedStorage") or 100),
        "StorageType": r.get("storageType") or "gp3",
        "MasterUsername": "tapadmin",
        "ManageMasterUserPassword": bool(r.get("manageMasterUserPassword")),
        "MultiAZ": bool(r.get("multiAz")),
        "PubliclyAccessible": bool(r.get("publiclyAccessible")),
        "StorageEncrypted": bool(r.get("storageEncrypted")),
        "VpcSecurityGroupIds": s.value(r.get("vpcSecurityGroupIds")),
        "DBSubnetGroupName": r.get("dbSubnetGroupName"),
        "BackupRetentionPeriod": integer(r.get("backupRetentionPeriod") or 7),
        "DeletionProtection": bool(r.get("deletionProtection")),
        "EnableIAMDatabaseAuthentication": bool(r.get("iamDatabaseAuthenticationEnabled")),
        "EnablePerformanceInsights": bool(r.get("performanceInsightsEnabled")),
        "EnableCloudwatchLogsExports": list(r.get("enabledCloudwatchLogsExports") or []),
    }
    optional = {
        "KmsKeyId": r.get("kmsKeyId"),
        "MasterUserSecretKmsKeyId": r.get("masterUserSecretKmsKeyId"),
        "PerformanceInsightsKMSKeyId": r.get("performanceInsightsKmsKeyId"),
        "DBParameterGroupName": r.get("parameterGroupName"),
    }
    args.update({k: s.value(v) for k, v in optional.items() if v})
    return args


@builds(t.RDS_INSTANCE)
def instance(ctx: SeedContext, r: PlannedResource) -> None:
    if r.get("replicateSourceDb"):
        return  # the seed replica needs dev's instance, which moto does not have
    rds = ctx.clients.client("rds")
    got = rds.create_db_instance(**_instance_args(ctx, r))["DBInstance"]
    address = (got.get("Endpoint") or {}).get("Address") or rds.describe_db_instances(
        DBInstanceIdentifier=r.get("identifier")
    )["DBInstances"][0]["Endpoint"]["Address"]
    ctx.sub.add(r.outputs.get("address"), address)
    ctx.sub.add(r.outputs.get("resourceId"), got.get("DbiResourceId"))
