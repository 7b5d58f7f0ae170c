"""Pulumi type tokens of the AWS resources tap reads, named once.

The rules (tap.policies), the reachability model, the live checks, the cost estimate, the
diagram and the runbook all ask for resources by these tokens. It imports nothing from tap, so
every layer (components up to cli/docs) may use it.
"""

from __future__ import annotations

from typing import Final

VPC: Final = "aws:ec2/vpc:Vpc"
FLOW_LOG: Final = "aws:ec2/flowLog:FlowLog"
SUBNET: Final = "aws:ec2/subnet:Subnet"
INTERNET_GATEWAY: Final = "aws:ec2/internetGateway:InternetGateway"
NAT_GATEWAY: Final = "aws:ec2/natGateway:NatGateway"
EIP: Final = "aws:ec2/eip:Eip"
VPC_ENDPOINT: Final = "aws:ec2/vpcEndpoint:VpcEndpoint"
ROUTE_TABLE: Final = "aws:ec2/routeTable:RouteTable"
ROUTE: Final = "aws:ec2/route:Route"
ROUTE_TABLE_ASSOCIATION: Final = "aws:ec2/routeTableAssociation:RouteTableAssociation"
SECURITY_GROUP: Final = "aws:ec2/securityGroup:SecurityGroup"
DEFAULT_SECURITY_GROUP: Final = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
INGRESS_RULE: Final = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EGRESS_RULE: Final = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
LEGACY_SG_RULE: Final = "aws:ec2/securityGroupRule:SecurityGroupRule"
LAUNCH_TEMPLATE: Final = "aws:ec2/launchTemplate:LaunchTemplate"
INSTANCE: Final = "aws:ec2/instance:Instance"
ASG: Final = "aws:autoscaling/group:Group"
KMS_KEY: Final = "aws:kms/key:Key"
RDS_INSTANCE: Final = "aws:rds/instance:Instance"
RDS_SUBNET_GROUP: Final = "aws:rds/subnetGroup:SubnetGroup"
RDS_PARAMETER_GROUP: Final = "aws:rds/parameterGroup:ParameterGroup"
RDS_SNAPSHOT_COPY: Final = "aws:rds/snapshotCopy:SnapshotCopy"
RDS_SNAPSHOT: Final = "aws:rds/snapshot:Snapshot"
ACM_CERTIFICATE: Final = "aws:acm/certificate:Certificate"
ACM_VALIDATION: Final = "aws:acm/certificateValidation:CertificateValidation"
S3_BUCKET: Final = "aws:s3/bucket:Bucket"
S3_BUCKET_V2: Final = "aws:s3/bucketV2:BucketV2"
S3_VERSIONING: Final = "aws:s3/bucketVersioning:BucketVersioning"
S3_VERSIONING_V2: Final = "aws:s3/bucketVersioningV2:BucketVersioningV2"
S3_SSE: Final = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
S3_SSE_V2: Final = (
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"
)
S3_PUBLIC_ACCESS_BLOCK: Final = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
S3_POLICY: Final = "aws:s3/bucketPolicy:BucketPolicy"
S3_LIFECYCLE: Final = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"
S3_LIFECYCLE_V2: Final = "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2"
S3_REPLICATION: Final = "aws:s3/bucketReplicationConfig:BucketReplicationConfig"
S3_OWNERSHIP: Final = "aws:s3/bucketOwnershipControls:BucketOwnershipControls"
S3_ACL: Final = "aws:s3/bucketAcl:BucketAcl"
S3_ACL_V2: Final = "aws:s3/bucketAclV2:BucketAclV2"
IAM_ROLE: Final = "aws:iam/role:Role"
IAM_ROLE_POLICY: Final = "aws:iam/rolePolicy:RolePolicy"
IAM_POLICY: Final = "aws:iam/policy:Policy"
IAM_USER_POLICY: Final = "aws:iam/userPolicy:UserPolicy"
IAM_GROUP_POLICY: Final = "aws:iam/groupPolicy:GroupPolicy"
IAM_ROLE_POLICY_ATTACHMENT: Final = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
LOAD_BALANCER: Final = "aws:lb/loadBalancer:LoadBalancer"
ALB: Final = "aws:alb/loadBalancer:LoadBalancer"
LISTENER: Final = "aws:lb/listener:Listener"
ALB_LISTENER: Final = "aws:alb/listener:Listener"
TARGET_GROUP: Final = "aws:lb/targetGroup:TargetGroup"
ALB_TARGET_GROUP: Final = "aws:alb/targetGroup:TargetGroup"
LISTENER_RULE: Final = "aws:lb/listenerRule:ListenerRule"
WEB_ACL: Final = "aws:wafv2/webAcl:WebAcl"
WEB_ACL_ASSOCIATION: Final = "aws:wafv2/webAclAssociation:WebAclAssociation"
SNS_TOPIC: Final = "aws:sns/topic:Topic"
METRIC_ALARM: Final = "aws:cloudwatch/metricAlarm:MetricAlarm"
LOG_GROUP: Final = "aws:cloudwatch/logGroup:LogGroup"
DASHBOARD: Final = "aws:cloudwatch/dashboard:Dashboard"
ROUTE53_RECORD: Final = "aws:route53/record:Record"
ROUTE53_ZONE: Final = "aws:route53/zone:Zone"
ROUTE53_HEALTH_CHECK: Final = "aws:route53/healthCheck:HealthCheck"
VPC_PEERING: Final = "aws:ec2/vpcPeeringConnection:VpcPeeringConnection"
SSM_PARAMETER: Final = "aws:ssm/parameter:Parameter"
SECRET: Final = "aws:secretsmanager/secret:Secret"
SECRET_VERSION: Final = "aws:secretsmanager/secretVersion:SecretVersion"
DYNAMODB_TABLE: Final = "aws:dynamodb/table:Table"

LOAD_BALANCERS: Final = (LOAD_BALANCER, ALB)
LISTENERS: Final = (LISTENER, ALB_LISTENER)
TARGET_GROUPS: Final = (TARGET_GROUP, ALB_TARGET_GROUP)
BUCKETS: Final = (S3_BUCKET, S3_BUCKET_V2)
SG_RULES: Final = (INGRESS_RULE, EGRESS_RULE)

# Compliance (SPEC R19): audit logging, backups, access logging.
RDS_OPTION_GROUP: Final = "aws:rds/optionGroup:OptionGroup"
WAF_LOGGING: Final = "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration"
LOG_RESOURCE_POLICY: Final = "aws:cloudwatch/logResourcePolicy:LogResourcePolicy"
ROUTE53_QUERY_LOG: Final = "aws:route53/queryLog:QueryLog"
BACKUP_VAULT: Final = "aws:backup/vault:Vault"
BACKUP_PLAN: Final = "aws:backup/plan:Plan"
BACKUP_SELECTION: Final = "aws:backup/selection:Selection"
BACKUP_VAULT_LOCK: Final = "aws:backup/vaultLockConfiguration:VaultLockConfiguration"
S3_LOGGING: Final = "aws:s3/bucketLogging:BucketLogging"
S3_LOGGING_V2: Final = "aws:s3/bucketLoggingV2:BucketLoggingV2"
