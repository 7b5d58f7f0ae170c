"""`tap preflight`: read-only checks of the AWS account before the first `pulumi up` and
before each phase.

The offline plan and the policy pack prove what the program declares; they cannot see the
account it lands in (a missing service-linked role, dev's binlog format, an undelegated zone,
a quota a fresh account lacks). Each check here reads exactly that, says what it read, and says
what to do. `registry.CHECKS` is the one list; `runner.run_checks` runs the ones the phase
needs (the phase machine decides which) and turns AWS errors into "could not check" results.
"""
