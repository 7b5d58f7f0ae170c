"""Security group rules as one shape, whichever resource declared them: a standalone
`aws.vpc.SecurityGroupIngressRule`/`EgressRule`, the legacy `aws.ec2.SecurityGroupRule`, or
inline blocks of a group. The rules of `tap.policies.network` judge these views; the plan
adapter (`tap.network.plan`) turns them into the model's `Rule`s."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from tap import aws_types as t
from tap.network.model import is_internet_cidr
from tap.props import UNKNOWN, number, value

ALL_PROTOCOLS = {"-1", "all"}


class Declared(Protocol):
    """A declared resource as the rule views read it (a policy `Resource` is one)."""

    @property
    def type(self) -> str: ...
    @property
    def label(self) -> str: ...
    def get(self, *path: str | int) -> Any: ...


@dataclass(frozen=True)
class PlainResource:
    """A `Declared` over plain props (a plan resource's inputs with its id)."""

    type: str
    name: str
    props: Mapping[str, Any]

    @property
    def label(self) -> str:
        return f"{self.type.rsplit(':', 1)[-1]} {self.name!r}"

    def get(self, *path: str | int) -> Any:
        return value(self.props, *path)


@dataclass(frozen=True)
class RuleView:
    """One security group rule, whichever resource shape declared it."""

    owner: str  # what to name in a message
    direction: str  # "ingress" | "egress"
    group_id: Any
    protocol: Any
    from_port: Any
    to_port: Any
    cidrs: tuple[Any, ...]
    groups: tuple[Any, ...]
    description: Any
    # Managed prefix lists: their ranges live outside the program and may be any public CIDR.
    prefix_lists: tuple[Any, ...] = ()

    @property
    def all_protocols(self) -> bool:
        return isinstance(self.protocol, str) and self.protocol.lower() in ALL_PROTOCOLS

    def port_range(self) -> tuple[float, float] | None:
        """Inclusive port range; None when not known yet. All protocols means every port."""
        if self.all_protocols:
            return (0, 65535)
        lo, hi = number(self.from_port), number(self.to_port)
        if lo is UNKNOWN or hi is UNKNOWN:
            return None
        lo_f = lo if isinstance(lo, float) else 0.0
        hi_f = hi if isinstance(hi, float) else 65535.0
        # -1 (ICMP "any") and a missing range both mean "everything" for the range check.
        if lo_f < 0:
            lo_f = 0.0
        if hi_f < 0:
            hi_f = 65535.0
        return (lo_f, hi_f)

    def covers(self, port: int) -> bool:
        rng = self.port_range()
        return rng is not None and rng[0] <= port <= rng[1] and (self.all_protocols or self.tcp_or_udp())

    def tcp_or_udp(self) -> bool:
        return isinstance(self.protocol, str) and self.protocol.lower() in {"tcp", "udp", "6", "17"}

    def tcp(self) -> bool:
        return isinstance(self.protocol, str) and self.protocol.lower() in {"tcp", "6"}

    @property
    def from_internet(self) -> bool:
        """Open to public addresses, or to a prefix list (which the program cannot show is not)."""
        return any(is_internet_cidr(c) for c in self.cidrs) or bool(self.prefix_lists)

    @property
    def peers_shown(self) -> str:
        return ", ".join(map(str, (*self.cidrs, *self.prefix_lists)))


def _inline(r: Declared, block: dict[str, Any], direction: str) -> RuleView:
    return RuleView(
        owner=f"{r.label} inline {direction} rule",
        direction=direction,
        group_id=r.get("id"),
        protocol=block.get("protocol"),
        from_port=block.get("fromPort"),
        to_port=block.get("toPort"),
        cidrs=tuple((block.get("cidrBlocks") or []) + (block.get("ipv6CidrBlocks") or [])),
        groups=tuple(block.get("securityGroups") or []),
        description=block.get("description"),
        prefix_lists=tuple(block.get("prefixListIds") or []),
    )


def rule_views(r: Declared) -> list[RuleView]:
    """The rules a resource declares: a standalone rule resource, or inline blocks."""
    if r.type in t.SG_RULES:
        return [
            RuleView(
                owner=r.label,
                direction="ingress" if r.type == t.INGRESS_RULE else "egress",
                group_id=r.get("securityGroupId"),
                protocol=r.get("ipProtocol"),
                from_port=r.get("fromPort"),
                to_port=r.get("toPort"),
                cidrs=tuple(c for c in (r.get("cidrIpv4"), r.get("cidrIpv6")) if c is not None),
                groups=tuple(g for g in (r.get("referencedSecurityGroupId"),) if g is not None),
                description=r.get("description"),
                prefix_lists=tuple(p for p in (r.get("prefixListId"),) if p is not None),
            )
        ]
    if r.type == t.LEGACY_SG_RULE:
        return [
            RuleView(
                owner=r.label,
                direction=str(r.get("type") or "ingress"),
                group_id=r.get("securityGroupId"),
                protocol=r.get("protocol"),
                from_port=r.get("fromPort"),
                to_port=r.get("toPort"),
                cidrs=tuple((r.get("cidrBlocks") or []) + (r.get("ipv6CidrBlocks") or [])),
                groups=tuple(g for g in (r.get("sourceSecurityGroupId"),) if g is not None),
                description=r.get("description"),
                prefix_lists=tuple(r.get("prefixListIds") or []),
            )
        ]
    views: list[RuleView] = []
    for direction in ("ingress", "egress"):
        blocks = r.get(direction)
        if isinstance(blocks, list):
            views.extend(_inline(r, b, direction) for b in blocks if isinstance(b, dict))
    return views


ALL_RULE_TYPES = (*t.SG_RULES, t.LEGACY_SG_RULE, t.SECURITY_GROUP, t.DEFAULT_SECURITY_GROUP)
