"""The data switch (`tap db`): replication between dev's and prod's databases, and a fenced
writer switchover that can never leave two writers.

Layout, one concern per module:

- `dialects` / `adapter`: one interface to a server, two dialects (RDS stored procedures in
  production, plain `CHANGE MASTER TO` locally), column names normalized in one place.
- `observe`: typed observations of a server; `checks`: the cutover's gates.
- `decisions`: the pure function from observed state to the next action.
- `switch` runs those decisions; `cutover` / `fallback` are its two directions.
- `seed`, `sync`, `status`: the other named sequences; `gate`: the traffic controller's check.
"""
