"""Monthly cost estimate of a plan, from a dated us-east-1 on-demand price table.

Quantities (NAT gateways, instances x type, DB class and storage, alarms, ...) are counted in
the offline plan, never restated from settings; usage that no plan can know (requests,
gigabytes) is an explicit, printed assumption.
"""
