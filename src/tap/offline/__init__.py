"""The offline side: a realistic fake cloud for Pulumi's mock engine, the plan it records,
diffs between phases, and the reachability model. `tap plan`, `tap verify` and the tests all
use this one engine."""
