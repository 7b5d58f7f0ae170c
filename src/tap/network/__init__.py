"""The one network model (`model`), its adapters (`plan`: declared resources; `live`: boto3
describe results), the reading of security group rules (`sg_rules`) and members' groups
(`members`), dev's side across the peering (`dev`) and the reachability matrix
(`reachability`). Below `tap.policies`, above `tap.offline`."""
