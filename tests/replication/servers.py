"""Local MariaDB servers for the data-switch tests and the benchmark: two `mariadbd`s on
their own loopback addresses (dev on 127.0.0.1, prod on 127.0.0.2) sharing one free port, so
the writer record's value is the address a client connects to, exactly as on AWS. Each has a
temporary datadir, its own server id, ROW binlogs, `--skip-name-resolve` (without it the
replica's IO thread can sit in Connecting) and `--replicate-ignore-db=mysql` (fence statements
must not cross). Stopped by pid."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pymysql

DEV_HOST, PROD_HOST = "127.0.0.1", "127.0.0.2"
INSTALL_HINT = "apt-get install -y mariadb-server"
ADMIN_USER, ADMIN_PASSWORD = "tapadmin", "local-admin-only"
APP_USER, APP_PASSWORD = "app", "local-app-only"
PAYMENTS_DDL = (
    "CREATE TABLE IF NOT EXISTS payments.payments ("
    "id BIGINT AUTO_INCREMENT PRIMARY KEY, idem_key VARCHAR(64) NOT NULL UNIQUE, "
    "amount_cents BIGINT NOT NULL, "
    "created_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)) ENGINE=InnoDB"
)
# For a throwaway datadir, at bootstrap and at run time: the default 96 MiB redo log was written
# out by each bootstrap (0.7 s of the pair's start; the tests write a few thousand rows), and
# nothing needs to survive a crash of the machine (no fsync, no doublewrite buffer).
THROWAWAY_DISK = ("--innodb-log-file-size=8M", "--innodb-flush-method=nosync", "--innodb-doublewrite=0")
HEARTBEAT_DDL = (
    "CREATE TABLE IF NOT EXISTS tap_meta.heartbeat (id INT PRIMARY KEY, beat BIGINT NOT NULL) ENGINE=InnoDB"
)


def binaries() -> tuple[str, str] | None:
    daemon = shutil.which("mariadbd") or (
        "/usr/sbin/mariadbd" if os.path.exists("/usr/sbin/mariadbd") else None
    )
    install = shutil.which("mariadb-install-db")
    return (daemon, install) if daemon and install else None


def free_port(hosts: tuple[str, ...]) -> int:
    """A port free on every one of `hosts` (bounded tries)."""
    for _ in range(50):
        with socket.socket() as s:
            s.bind((hosts[0], 0))
            port = int(s.getsockname()[1])
        try:
            for host in hosts[1:]:
                with socket.socket() as s:
                    s.bind((host, port))
            return port
        except OSError:
            continue
    raise RuntimeError("no port free on all of " + ", ".join(hosts))


def make_certificate(base: Path) -> tuple[Path, Path]:
    """A throwaway self-signed certificate so that replication runs over TLS, as on RDS."""
    cert, key = base / "server-cert.pem", base / "server-key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=tap-local",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return cert, key


@dataclass
class LocalServer:
    name: str
    host: str
    port: int
    server_id: int
    datadir: Path
    tls: tuple[Path, Path] | None = None
    proc: subprocess.Popen[bytes] | None = None

    @property
    def socket(self) -> str:
        return str(self.datadir.parent / f"{self.name}.sock")

    @property
    def tmpdir(self) -> Path:
        """Its own: two bootstraps sharing /tmp collide on temporary table names."""
        path = self.datadir.parent / f"{self.name}-tmp"
        path.mkdir(exist_ok=True)
        return path

    def install(self, install: str) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [
                install,
                "--no-defaults",
                f"--datadir={self.datadir}",
                "--user=root",
                "--auth-root-authentication-method=normal",
                "--skip-test-db",
                f"--tmpdir={self.tmpdir}",
                *THROWAWAY_DISK,  # passed on to the bootstrap server
            ],
            stdout=open(self.datadir.parent / f"{self.name}-install.log", "wb"),
            stderr=subprocess.STDOUT,
        )

    def start(self, daemon: str) -> None:
        self.launch(daemon)
        self.ready()

    def launch(self, daemon: str) -> None:
        """Start mariadbd without waiting (two servers come up side by side)."""
        log = open(self.datadir.parent / f"{self.name}.err", "wb")  # noqa: SIM115 - closed with the process
        tls = [f"--ssl-cert={self.tls[0]}", f"--ssl-key={self.tls[1]}"] if self.tls else []
        self.proc = subprocess.Popen(
            [
                daemon,
                "--no-defaults",
                f"--datadir={self.datadir}",
                f"--port={self.port}",
                f"--bind-address={self.host}",
                f"--tmpdir={self.tmpdir}",
                f"--socket={self.socket}",
                f"--server-id={self.server_id}",
                f"--log-bin={self.datadir}/bin",
                "--binlog-format=ROW",
                "--skip-name-resolve",
                "--replicate-ignore-db=mysql",
                f"--pid-file={self.datadir.parent}/{self.name}.pid",
                "--user=root",
                "--innodb-buffer-pool-size=32M",
                *THROWAWAY_DISK,
                "--innodb-flush-log-at-trx-commit=2",
                "--sync-binlog=0",
                # a throwaway datadir: no buffer-pool dump, no clean-shutdown flush to wait for
                "--innodb-buffer-pool-dump-at-shutdown=0",
                "--innodb-buffer-pool-load-at-startup=0",
                "--innodb-fast-shutdown=2",
                "--skip-slave-start",
                "--slave-net-timeout=5",
                "--max-connections=300",
                *tls,
            ],
            stdout=log,
            stderr=log,
        )

    def ready(self) -> None:
        """Wait (bounded) until the socket answers, then create the users and schemas."""
        assert self.proc is not None
        deadline = time.monotonic() + 30
        while True:
            try:
                pymysql.connect(unix_socket=self.socket, user="root", connect_timeout=1).close()
                break
            except pymysql.MySQLError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        f"{self.name} mariadbd did not start; see {self.datadir.parent}/{self.name}.err"
                    ) from None
                time.sleep(0.05)
        self._bootstrap()

    def root(self) -> pymysql.connections.Connection:
        return pymysql.connect(unix_socket=self.socket, user="root", autocommit=True)

    def _bootstrap(self) -> None:
        conn = self.root()
        with conn.cursor() as cur:
            for sql in (
                f"CREATE USER '{ADMIN_USER}'@'%' IDENTIFIED BY '{ADMIN_PASSWORD}'",
                f"GRANT ALL PRIVILEGES ON *.* TO '{ADMIN_USER}'@'%' WITH GRANT OPTION",
                f"CREATE USER '{APP_USER}'@'%' IDENTIFIED BY '{APP_PASSWORD}'",
                "CREATE DATABASE payments",
                "CREATE DATABASE tap_meta",
                HEARTBEAT_DDL,
                "INSERT INTO tap_meta.heartbeat VALUES (1, 0), (2, 0)",
                f"GRANT SELECT, INSERT, UPDATE ON payments.* TO '{APP_USER}'@'%'",
                PAYMENTS_DDL,
            ):
                cur.execute(sql)
        conn.close()

    def signal_stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.signal_stop()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=5)


def stop_all(*servers: LocalServer) -> None:
    """SIGTERM to all first, then wait for each (they shut down side by side)."""
    for s in servers:
        s.signal_stop()
    for s in servers:
        s.stop()


def start_pair(base: Path) -> tuple[LocalServer, LocalServer]:
    found = binaries()
    if found is None:
        raise FileNotFoundError(
            f"mariadbd / mariadb-install-db not found: install them with `{INSTALL_HINT}`"
        )
    port = free_port((DEV_HOST, PROD_HOST))
    tls = make_certificate(base)
    dev = LocalServer("dev", DEV_HOST, port, 1, base / "dev", tls)
    prod = LocalServer("prod", PROD_HOST, port, 2, base / "prod", tls)
    try:
        installs = []
        for s in (dev, prod):
            s.datadir.mkdir(parents=True)
            installs.append(s.install(found[1]))
        for job in installs:
            if job.wait(timeout=120) != 0:
                raise RuntimeError(f"mariadb-install-db failed; see {base}/*-install.log")
        for s in (dev, prod):
            s.launch(found[0])
        for s in (dev, prod):
            s.ready()
    except BaseException:
        stop_all(dev, prod)
        raise
    return dev, prod
