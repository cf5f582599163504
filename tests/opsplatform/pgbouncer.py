"""A PgBouncer of the test's own, in transaction mode, in front of the test PostgreSQL.

It runs from a temporary directory on a free port, with one server connection
per database and user (``default_pool_size = 1``), so two clients are bound
to take turns on the same server connection, which is what a leaking scope
needs to show. It never touches the machine's own PgBouncer service.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

CONFIG = """\
[databases]
* = host={pg_host} port={pg_port}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir =
auth_type = trust
auth_file = {dir}/users.txt
pool_mode = transaction
default_pool_size = 1
max_client_conn = 100
; Nothing to reset: the application leaves no session state behind.
server_reset_query =
ignore_startup_parameters = extra_float_digits
logfile = {dir}/pgbouncer.log
pidfile = {dir}/pgbouncer.pid
"""


def binary() -> str | None:
    return shutil.which("pgbouncer") or next(
        (
            path
            for path in ("/usr/sbin/pgbouncer", "/usr/bin/pgbouncer")
            if os.access(path, os.X_OK)
        ),
        None,
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"pgbouncer exited: {log.read_text() if log.exists() else ''}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("pgbouncer did not listen within 15 s")


@contextmanager
def running(users: list[str], pg_host: str = "127.0.0.1", pg_port: int = 5432):
    """Start PgBouncer; yields its port. ``users`` may connect (trust auth)."""
    executable = binary()
    if executable is None:
        raise FileNotFoundError("pgbouncer")
    with tempfile.TemporaryDirectory(prefix="pgbouncer-") as folder:
        port = _free_port()
        (Path(folder) / "users.txt").write_text("".join(f'"{user}" ""\n' for user in users))
        config = Path(folder) / "pgbouncer.ini"
        config.write_text(CONFIG.format(pg_host=pg_host, pg_port=pg_port, port=port, dir=folder))
        command = [executable]
        if os.geteuid() == 0:
            # PgBouncer refuses to run as root; CI and this machine run tests as root.
            account = pwd.getpwnam("postgres")
            os.chown(folder, account.pw_uid, account.pw_gid)
            command += ["-u", "postgres"]
        # Its log goes to the logfile (shown if it fails to start), not the console.
        process = subprocess.Popen(
            [*command, str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            _wait_for(port, process, Path(folder) / "pgbouncer.log")
            yield port
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
