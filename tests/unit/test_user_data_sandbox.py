"""Issue 11 item 5: the rendered boot script, run for real (bash, tar, install, chown, setpriv)
in a scratch root, with stand-ins only for what an instance has and a test machine must not
touch: the metadata service (`curl`), `aws`, `useradd`/`id` (no user is added to this host)
and `systemctl`, whose stand-in starts ExecStart the way systemd would, as the unit's User
(a uid with no other rights), so the kernel decides whether the service can start."""

from __future__ import annotations

import io
import os
import shutil
import stat
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tap.components.app_runtime import APP_DIR, CONFIG_DIR, SERVICE_USER, user_data

SERVICE_UID = 4242  # not in this host's passwd: it can only do what "other"/its group may
pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="needs root to chown and to drop to another uid")

STANDINS = {
    "curl": """#!/bin/bash
case "$*" in
  *api/token*) echo fake-token ;;
  *placement/region*) echo us-east-1 ;;
  *) echo "unexpected curl $*" >&2; exit 2 ;;
esac
""",
    "aws": """#!/bin/bash
echo "aws $*" >> "$STATE/calls"
if [ "$1 $2" = "ssm get-parameter" ]; then
  case "$*" in *endpoint*) echo db.internal.example ;; *port*) echo 3306 ;; esac
elif [ "$1 $2" = "s3 cp" ]; then
  cp "$FAKE_BUNDLE" "${@: -1}"
else
  exit 2
fi
""",
    "useradd": """#!/bin/bash
echo "useradd $*" >> "$STATE/calls"
touch "$STATE/user-exists"
""",
    "id": f"""#!/bin/bash
if [ "$#" -eq 2 ] && [ "$2" = "{SERVICE_USER}" ]; then
  [ -e "$STATE/user-exists" ] || exit 1
  echo {SERVICE_UID}
else
  exec /usr/bin/id "$@"
fi
""",
    # Starts the unit as systemd would: its EnvironmentFile, WorkingDirectory, User, ExecStart.
    "systemctl": """#!/bin/bash
echo "systemctl $*" >> "$STATE/calls"
[ "$*" = "enable --now payments.service" ] || exit 0
unit="$TAP_ROOT/etc/systemd/system/payments.service"
get() { sed -n "s/^$1=//p" "$unit"; }
uid=$(id -u "$(get User)") || { echo "no such user $(get User)" >&2; exit 1; }
set -a; . "$TAP_ROOT$(get EnvironmentFile)"; set +a
cd "$TAP_ROOT$(get WorkingDirectory)"
setpriv --reuid="$uid" --regid="$uid" --clear-groups "$TAP_ROOT$(get ExecStart)" > "$STATE/service.out" 2>&1
""",
}

START = """#!/bin/sh
# The service reads its own release (traverses the app dir) and its environment.
echo "uid=$(id -u) fleet=$FLEET db=$DB_HOST:$DB_PORT version=$(cat "$(dirname "$0")/../VERSION")"
"""


def _bundle(path: Path, start_mode: int) -> None:
    with tarfile.open(path, "w:gz") as tar:
        for name, text, mode in (("bin/start", START, start_mode), ("VERSION", "2026.11.3\n", 0o644)):
            info = tarfile.TarInfo(name)
            data = text.encode()
            info.size, info.mode, info.uid, info.gid = len(data), mode, 1000, 1000
            tar.addfile(info, io.BytesIO(data))


@pytest.fixture
def sandbox() -> Iterator[Path]:
    # Under /tmp (mode 1777) so the service uid can reach it; pytest's tmp_path is root-only.
    top = Path(tempfile.mkdtemp(prefix="tap-userdata-", dir="/tmp"))
    top.chmod(0o755)
    for d in ("root", "bin", "state"):
        (top / d).mkdir(mode=0o755)
    for name, text in STANDINS.items():
        (top / "bin" / name).write_text(text)
        (top / "bin" / name).chmod(0o755)
    yield top
    shutil.rmtree(top)


def _boot(top: Path, start_mode: int = 0o755) -> subprocess.CompletedProcess[str]:
    _bundle(top / "bundle.tar.gz", start_mode)
    script = top / "user-data.sh"
    script.write_text(
        user_data(
            region="us-east-1",
            endpoint_parameter="/tap/pay01/db/endpoint",
            port_parameter="/tap/pay01/db/port",
            artifact_uri="s3://payments-releases/payments.tar.gz",
            colour="green",
        )
    )
    env = {
        "PATH": f"{top / 'bin'}:/usr/bin:/bin:/usr/sbin:/sbin",
        "TAP_ROOT": str(top / "root"),
        "STATE": str(top / "state"),
        "FAKE_BUNDLE": str(top / "bundle.tar.gz"),
    }
    return subprocess.run(["bash", str(script)], env=env, capture_output=True, text=True, timeout=60)


def test_user_data_starts_the_service_as_its_own_user(sandbox: Path) -> None:
    done = _boot(sandbox)
    assert done.returncode == 0, done.stderr
    out = (sandbox / "state" / "service.out").read_text()
    assert out.strip() == f"uid={SERVICE_UID} fleet=green db=db.internal.example:3306 version=2026.11.3"
    calls = (sandbox / "state" / "calls").read_text()
    assert f"useradd --system --no-create-home --shell /sbin/nologin {SERVICE_USER}" in calls


def test_user_data_leaves_the_release_root_owned_and_group_readable(sandbox: Path) -> None:
    assert _boot(sandbox).returncode == 0
    root = sandbox / "root"
    for rel, mode in (
        (APP_DIR, 0o750),
        (f"{APP_DIR}/bin", 0o750),
        (f"{APP_DIR}/bin/start", 0o750),
        (f"{APP_DIR}/VERSION", 0o640),
        (CONFIG_DIR, 0o750),
        (f"{CONFIG_DIR}/runtime.env", 0o640),
    ):
        st = (root / rel.lstrip("/")).stat()
        assert (st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)) == (0, SERVICE_UID, mode), rel
    assert not (root / APP_DIR.lstrip("/") / "release.tar.gz").exists()
    unit = (root / "etc/systemd/system/payments.service").read_text()
    assert f"User={SERVICE_USER}" in unit and "User=nobody" not in unit


def test_user_data_refuses_to_start_a_bundle_whose_start_is_not_executable(sandbox: Path) -> None:
    done = _boot(sandbox, start_mode=0o644)
    assert done.returncode == 1
    assert "cannot execute /opt/payments/bin/start" in done.stderr
    assert "systemctl enable" not in (sandbox / "state" / "calls").read_text()
