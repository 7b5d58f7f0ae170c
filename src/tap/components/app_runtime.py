"""How the payment app runs on a fleet instance (SPEC R6.2): the port it serves and its health
path (the target groups, the Route53 health checks and the security groups use them), its system
user and directories, and the boot script that sets it up.

The boot script is data with named holes, filled by `user_data`; the shell's own braces are
doubled.
"""

from __future__ import annotations

APP_PORT = 8080
HEALTH_PATH = "/health"
SERVICE_USER = "payments"
APP_DIR = "/opt/payments"
CONFIG_DIR = "/etc/payments"

BOOT_SCRIPT = """#!/bin/bash
set -euo pipefail
ROOT="${{TAP_ROOT:-}}"
# IMDSv2: every metadata read needs a session token (hop limit 1 keeps it on the host).
TOKEN=$(curl -sS -X PUT http://169.254.169.254/latest/api/token \\
  -H 'X-aws-ec2-metadata-token-ttl-seconds: 300')
REGION=$(curl -sS -H "X-aws-ec2-metadata-token: $TOKEN" \\
  http://169.254.169.254/latest/meta-data/placement/region)
[ "$REGION" = "{region}" ] || echo "warning: launched in $REGION, configured for {region}" >&2

# Both fleets read the same parameters: the phase decides which database they name.
DB_HOST=$(aws ssm get-parameter --region "$REGION" --name '{endpoint_parameter}' \\
  --query Parameter.Value --output text)
DB_PORT=$(aws ssm get-parameter --region "$REGION" --name '{port_parameter}' \\
  --query Parameter.Value --output text)

# A system user of its own, no login, no home: the service never runs as root or nobody.
id -u {SERVICE_USER} >/dev/null 2>&1 || useradd --system --no-create-home --shell /sbin/nologin {SERVICE_USER}
SVC_UID=$(id -u {SERVICE_USER})
SVC_GID=$(id -g {SERVICE_USER})

install -d -m 0750 -o 0 -g "$SVC_GID" "$ROOT{CONFIG_DIR}" "$ROOT{APP_DIR}"
cat > "$ROOT{CONFIG_DIR}/runtime.env" <<ENV
DB_HOST=$DB_HOST
DB_PORT=$DB_PORT
DB_ENDPOINT_PARAMETER={endpoint_parameter}
FLEET={colour}
PORT={APP_PORT}
HEALTH_PATH={HEALTH_PATH}
AWS_REGION=$REGION
ENV
chown 0:"$SVC_GID" "$ROOT{CONFIG_DIR}/runtime.env"
chmod 0640 "$ROOT{CONFIG_DIR}/runtime.env"

aws s3 cp --region "$REGION" '{artifact_uri}' "$ROOT{APP_DIR}/release.tar.gz"
# Root owns the release (the service cannot rewrite its own code); the group may read it
# and enter every directory, and executables keep their execute bits for the group.
tar --no-same-owner --no-same-permissions -xzf "$ROOT{APP_DIR}/release.tar.gz" -C "$ROOT{APP_DIR}"
rm -f "$ROOT{APP_DIR}/release.tar.gz"
chown -R 0:"$SVC_GID" "$ROOT{APP_DIR}"
chmod -R u+rwX,g+rX,g-w,o-rwx "$ROOT{APP_DIR}"
if ! setpriv --reuid="$SVC_UID" --regid="$SVC_GID" --clear-groups test -x "$ROOT{APP_DIR}/bin/start"; then
  echo "fatal: {SERVICE_USER} cannot execute {APP_DIR}/bin/start; not starting" >&2
  exit 1
fi

install -d -m 0755 "$ROOT/etc/systemd/system"
cat > "$ROOT/etc/systemd/system/payments.service" <<'UNIT'
[Unit]
Description=Payment service
After=network-online.target
Wants=network-online.target

[Service]
EnvironmentFile={CONFIG_DIR}/runtime.env
WorkingDirectory={APP_DIR}
ExecStart={APP_DIR}/bin/start
Restart=always
RestartSec=2
User={SERVICE_USER}
Group={SERVICE_USER}
NoNewPrivileges=true

[Install]
WantedBy=multi-user.target
UNIT
systemctl daemon-reload
systemctl enable --now payments.service
"""


def user_data(
    *, region: str, endpoint_parameter: str, port_parameter: str, artifact_uri: str, colour: str
) -> str:
    """Boot script: read the database location from SSM (never a secret: the app fetches its
    credentials itself, through its role), install the release bundle, serve on 8080.

    The service runs as its own system user, which owns nothing but may read and enter the
    release (root:payments, group read/execute): a root-only 0750 directory with `User=nobody`
    left the app unable to start while the ASG still counted the instances InService.
    `TAP_ROOT` (empty on an instance) prefixes every path, so tests run this very script in a
    scratch root (tests/unit/test_user_data_sandbox.py)."""
    return BOOT_SCRIPT.format(
        region=region,
        endpoint_parameter=endpoint_parameter,
        port_parameter=port_parameter,
        artifact_uri=artifact_uri,
        colour=colour,
        SERVICE_USER=SERVICE_USER,
        APP_DIR=APP_DIR,
        CONFIG_DIR=CONFIG_DIR,
        APP_PORT=APP_PORT,
        HEALTH_PATH=HEALTH_PATH,
    )
