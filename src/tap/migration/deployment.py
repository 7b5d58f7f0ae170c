"""The deployed ids the controller and `tap db` work on, read from the stack's outputs.

Flat outputs (cfn-outputs/flat-outputs.json) and `pulumi stack output --json` are both decoded
by tap.outputs.codec, by each output's declared type; each kind of read (required, optional,
names, port) is tap.outputs.deployed's, shared with tap.live. What is added here is the
controller's vocabulary: which outputs a step cannot run without, and their normalised forms.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from tap.errors import TapError
from tap.migration.errors import MigrationInputError
from tap.outputs.deployed import DeployedOutputs

DEFAULT_OUTPUTS = Path("cfn-outputs/flat-outputs.json")

# Keys without which no step can run safely: where state lives, what DNS to move, what to watch.
REQUIRED = (
    "migration_state_table_name",
    "migration_phase_parameter_name",
    "hosted_zone_id",
    "app_fqdn",
    "dev_record_set_identifier",
    "green_record_set_identifier",
    "alb_arn_suffix",
    "target_group_green_arn",
    "target_group_green_arn_suffix",
    "green_asg_name",
    "alarm_names",
)


class Deployment(DeployedOutputs):
    """What the gates read and the appliers write, by the names the stack exports them under."""

    error: ClassVar[type[TapError]] = MigrationInputError

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(k for k in REQUIRED if not self.values.get(k))

    def require(self) -> Deployment:
        """Fail, naming every missing key, before anything reads or writes AWS."""
        if self.missing:
            raise MigrationInputError(
                "the outputs lack what the controller needs: "
                + ", ".join(self.missing)
                + " (deploy the traffic tier first: every key is exported from `blue-green` on)"
            )
        return self

    @property
    def state_table(self) -> str:
        return self.text("migration_state_table_name")

    @property
    def phase_parameter(self) -> str:
        return self.text("migration_phase_parameter_name")

    @property
    def hosted_zone_id(self) -> str:
        # Route53 APIs accept "Z123" but some outputs carry "/hostedzone/Z123".
        return self.text("hosted_zone_id").rsplit("/", 1)[-1]

    @property
    def app_fqdn(self) -> str:
        return self.text("app_fqdn").rstrip(".") + "."

    @property
    def dev_record_id(self) -> str:
        return self.text("dev_record_set_identifier")

    @property
    def green_record_id(self) -> str:
        return self.text("green_record_set_identifier")

    @property
    def alb_arn_suffix(self) -> str:
        return self.text("alb_arn_suffix")

    @property
    def green_target_group_arn(self) -> str:
        return self.text("target_group_green_arn")

    @property
    def green_target_group_suffix(self) -> str:
        return self.text("target_group_green_arn_suffix")

    @property
    def green_asg_name(self) -> str:
        return self.text("green_asg_name")

    @property
    def alarm_names(self) -> tuple[str, ...]:
        return self.strings("alarm_names")

    @property
    def alarm_topic_arn(self) -> str | None:
        return self.optional("alarm_topic_arn")

    @property
    def db_endpoint_parameter(self) -> str | None:
        return self.optional("db_endpoint_parameter_name")

    @property
    def db_instance_address(self) -> str | None:
        return self.optional("db_instance_address")

    @property
    def dev_db_instance_identifier(self) -> str | None:
        return self.optional("dev_db_instance_identifier")

    @property
    def health_check_ids(self) -> tuple[str, ...]:
        return tuple(
            v
            for v in (
                self.optional("green_health_check_id"),
                self.optional("dev_health_check_id"),
            )
            if v
        )

    @property
    def weighted_record_sets(self) -> dict[str, dict[str, Any]] | None:
        """The two weighted sets as Route53 holds them (without their weights), keyed by set
        identifier, exported by the stack: a rollback builds its UPSERT from them with no list
        call. None in outputs written before the stack exported them."""
        sets = self.values.get("weighted_record_sets")
        if sets in (None, "", {}):
            return None
        if not isinstance(sets, dict) or not all(isinstance(v, dict) for v in sets.values()):
            raise MigrationInputError(
                f"output 'weighted_record_sets' must map set identifiers to record sets, got {sets!r}"
            )
        return sets

    @property
    def outputs_phase(self) -> str | None:
        """The phase the outputs were written at (`migration_phase`): what a rollback falls back
        on when the SSM phase parameter cannot be read."""
        return self.optional("migration_phase")

    # -- data tier (read by `tap db`; exported by the data-tier components) ---------------------
    @property
    def dev_db_address(self) -> str | None:
        return self.optional("dev_db_address")

    @property
    def dev_db_port(self) -> int | None:
        return self.port("dev_db_port")

    @property
    def db_instance_port(self) -> int | None:
        return self.port("db_instance_port")

    @property
    def db_instance_identifier(self) -> str | None:
        return self.optional("db_instance_identifier")

    @property
    def db_master_user_secret_arn(self) -> str | None:
        return self.optional("db_master_user_secret_arn")

    @property
    def writer_zone_id(self) -> str | None:
        value = self.optional("writer_zone_id")
        return value.rsplit("/", 1)[-1] if value else None

    @property
    def writer_record_fqdn(self) -> str | None:
        return self.optional("writer_record_fqdn")

    @property
    def replication_secret_arn(self) -> str | None:
        return self.optional("replication_secret_arn")

    @property
    def seed_replica_identifier(self) -> str | None:
        return self.optional("seed_replica_identifier")

