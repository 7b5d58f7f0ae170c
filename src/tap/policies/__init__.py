"""The security rules of SPEC R16, written once.

One module per concern (network, compute, database, storage, iam, encryption, load_balancer,
dns, monitoring, secrets, relationships); `registry` lists them; `pack` wraps them for the
CrossGuard pack in policy/; `offline` runs them on a rendered plan for `tap verify`/`tap plan`.
Importing any of these never starts the policy server.
"""
