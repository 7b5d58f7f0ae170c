"""The `writer` record in the private zone: the one name every fleet writes payments through.

Pulumi creates it with `ignore_changes=["records"]`; from then on only `tap db` moves it, with
a Route53 UPSERT that keeps the record's own TTL (<= 5 s), and waits for INSYNC.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

from tap.migration.clock import Clock
from tap.replication.errors import ReplicationError

if TYPE_CHECKING:
    from types_boto3_route53.client import Route53Client

INSYNC_TIMEOUT_SECONDS = 60
INSYNC_POLL_SECONDS = 0.25


def _fqdn(name: str) -> str:
    return name.rstrip(".") + "."


class WriterRecord:
    def __init__(self, route53: Route53Client, zone_id: str, fqdn: str, clock: Clock) -> None:
        self.route53 = route53
        self.zone_id = zone_id.rsplit("/", 1)[-1]
        self.fqdn = _fqdn(fqdn)
        self.clock = clock

    def _record(self) -> dict[str, Any] | None:
        try:
            page = self.route53.list_resource_record_sets(
                HostedZoneId=self.zone_id, StartRecordName=self.fqdn, StartRecordType="CNAME", MaxItems="1"
            )
        except (ClientError, BotoCoreError) as exc:
            raise ReplicationError(
                f"cannot read the writer record {self.fqdn} in zone {self.zone_id}: {exc}"
            ) from None
        for rrset in page.get("ResourceRecordSets", []):
            if _fqdn(rrset["Name"]) == self.fqdn and rrset["Type"] == "CNAME":
                return dict(rrset)
        return None

    def target(self) -> str | None:
        """The address the record names now (without a trailing dot), or None if absent."""
        rec = self._record()
        if not rec or not rec.get("ResourceRecords"):
            return None
        return str(rec["ResourceRecords"][0]["Value"]).rstrip(".")

    def ttl(self) -> int | None:
        rec = self._record()
        return int(rec["TTL"]) if rec and "TTL" in rec else None

    def point_at(self, address: str, reason: str) -> str:
        """UPSERT the record to `address`; returns the change id once Route53 says INSYNC."""
        rec = self._record()
        if rec is None:
            raise ReplicationError(
                f"the writer record {self.fqdn} does not exist in zone {self.zone_id}: "
                "deploy the data tier first"
            )
        try:
            change = self.route53.change_resource_record_sets(
                HostedZoneId=self.zone_id,
                ChangeBatch={
                    "Comment": f"tap db: {reason}"[:256],
                    "Changes": [
                        {
                            "Action": "UPSERT",
                            "ResourceRecordSet": {
                                "Name": self.fqdn,
                                "Type": "CNAME",
                                "TTL": int(rec.get("TTL", 5)),
                                "ResourceRecords": [{"Value": address}],
                            },
                        }
                    ],
                },
            )["ChangeInfo"]
            waited = 0.0
            while change["Status"] != "INSYNC" and waited < INSYNC_TIMEOUT_SECONDS:
                self.clock.sleep(INSYNC_POLL_SECONDS)  # every poll saved shortens the write pause
                waited += INSYNC_POLL_SECONDS
                change = self.route53.get_change(Id=change["Id"])["ChangeInfo"]
        except (ClientError, BotoCoreError) as exc:
            raise ReplicationError(f"cannot move the writer record {self.fqdn} to {address}: {exc}") from None
        if change["Status"] != "INSYNC":
            raise ReplicationError(
                f"writer record change {change['Id']} not INSYNC after {INSYNC_TIMEOUT_SECONDS} s"
            )
        return str(change["Id"])
