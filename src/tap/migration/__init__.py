"""The migration controller behind `tap migrate`: a gated, TTL-aware shift of DNS weights from
the development environment (blue) to production (green), with durable history, a lock and
resume, all read and written through boto3 so the state survives the operator's laptop.

Modules, by concern:

- `budget`     the plan of steps from the phase machine and the worst-case rollback budget
- `deployment` the deployed ids, read from the stack's flat outputs
- `clock`      real and simulated time (tests bake for minutes in milliseconds)
- `dns`        Route53 weighted records: read back, UPSERT weights, wait for INSYNC
- `gates`      alarms, metric analyses, capacity, database, health checks, DNS read-back
- `appliers`   how a phase is applied: Pulumi Automation API, or Route53 directly
- `store`      DynamoDB lock, append-only history and control items (pause, rollback request)
- `resume`     what to do with a step a dead controller left open (pure)
- `wiring`     builds a Controller from settings, outputs and clients (CLI and tests)
- `aws_faults` AwsUnavailable; re-exports the one AWS failure classifier, `tap.aws_errors`
- `records`    typed records: Outcome, RunReport, RollbackRecord, BakeTick
- `controller` advance / rollback / pause / resume / status, one module per concern (core,
               rollback_inputs, rollback, rollback_command, bake, advance, status)
"""
