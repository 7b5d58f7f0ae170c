"""Realistic provider outputs for the mock engine: ids, ARNs and DNS names shaped like AWS's,
one fake per resource type, grouped by AWS concern (network, identity, data, compute, edge,
observability). context.py holds what every fake is given and the registry; outputs.py merges
the registries and answers the engine.

Everything is derived from a hash of the resource's type and name, so a render is
deterministic: the same settings give the same ids, and a diff between two phases shows only
what the phase changed.
"""
