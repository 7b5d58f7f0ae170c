"""The security rules of SPEC R16, written once.

One module per concern (network, compute, database, storage, iam, encryption, load_balancer,
dns, monitoring, secrets, relationships); `registry` lists them; `pack` wraps them for the
CrossGuard pack in policy/; `runner` runs them on a rendered plan (`tap verify`, `tap plan`) or
on resources read from AWS (`tap verify --live`); `verify_plan` adds the reachability matrix.
Importing any of these never starts the policy server.
"""
