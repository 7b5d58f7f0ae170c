"""Reading a deployed stack through boto3 into the shapes the offline checks use: the
reachability model (`network`) and the resources the policy rules read (`resources`), for
`tap verify --live`. Read-only: nothing here calls a mutating API."""
