"""Load and faults: 50 people in 10 companies for 60 s against `make serve-prod`.

    python bench/load.py [--users 50] [--companies 10] [--seconds 60] [--rows 5000] [--faults]

Starts everything it measures on its own: a Redis on port 6390 (never the
machine's 6379), a fresh PostgreSQL database ``opsplatform_load``, and
bin/serve-prod on port 8790 with 2 web and 2 huey worker processes. It makes
the companies (bench/load_data.py), runs the people (bench/load_users.py)
with locust as a library, and prints requests per second, p50/p95/p99,
errors and cross-tenant responses.

``--faults`` runs the same load while it kills one web process (SIGKILL; the
uvicorn supervisor starts another), kills the huey worker processes while an
import is running (the consumer starts new ones) and stops its Redis for 20 s.
After the run it lets the system settle (the outbox's sweeper runs every
minute) and prints what was lost: decisions without their notice, imports
half-written or stuck, emails never sent. Figures only; nothing is asserted.
"""

from __future__ import annotations

import gevent.monkey

gevent.monkey.patch_all()

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402
from pathlib import Path  # noqa: E402

import gevent  # noqa: E402
import psutil  # noqa: E402
import requests  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
PY = str(ROOT / ".venv" / "bin" / "python")
WORK = Path(os.environ.get("LOAD_WORK_DIR", "/tmp/opsplatform-load"))
DB_NAME = os.environ.get("LOAD_DB", "opsplatform_load")
PG = "127.0.0.1:5432"
REDIS_PORT = int(os.environ.get("LOAD_REDIS_PORT", "6390"))
PORT = int(os.environ.get("LOAD_PORT", "8790"))
OWNER_URL = f"postgres://postgres@{PG}/{DB_NAME}"


def analyze_database() -> None:
    import psycopg

    with psycopg.connect(OWNER_URL, autocommit=True) as conn:
        conn.execute("ANALYZE")


def server_env() -> dict:
    """The environment of serve-prod and of bench/load_data.py: the same settings."""
    return {
        **os.environ,
        "PY": PY,
        "PORT": str(PORT),
        "SERVE_PROD_DB": DB_NAME,
        "SERVE_PROD_SEED": "0",
        "DATABASE_URL": f"postgres://ops_app@{PG}/{DB_NAME}",
        "DATABASE_OWNER_URL": OWNER_URL,
        "DATABASE_APP_ROLE": "ops_app",
        "REDIS_URL": f"redis://127.0.0.1:{REDIS_PORT}/0",
        "CACHE_KEY_PREFIX": "load",
        "SECRET_KEY": "load-bench-local-only-3d9f1b7a5c2e8d4f6a0b9c7e1d3f5a8b2c4e6d8f",
        "BASE_DOMAIN": "localhost",
        "HUEY_NAME": "opsplatform-load",
        "MEDIA_ROOT": str(WORK / "media"),
        "EMAIL_BACKEND_CLASS": "django.core.mail.backends.locmem.EmailBackend",
        "DJANGO_SETTINGS_MODULE": "opsplatform.settings.production",
        "LOG_LEVEL": "WARNING",
        # Fifty people sign in from one address: the login throttle counts failures, not these.
        "TRUSTED_PROXY_COUNT": "0",
    }


# -- the bench's own Redis and database --------------------------------------------------


def redis_start() -> None:
    subprocess.run(
        ["redis-server", "--port", str(REDIS_PORT), "--bind", "127.0.0.1", "--save", ""]
        + ["--appendonly", "no", "--daemonize", "yes", "--dir", str(WORK)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    for _ in range(50):
        if redis_up():
            return
        time.sleep(0.1)
    raise SystemExit(f"Redis did not start on port {REDIS_PORT}")


def redis_up() -> bool:
    result = subprocess.run(
        ["redis-cli", "-p", str(REDIS_PORT), "ping"], capture_output=True, text=True
    )
    return result.stdout.strip() == "PONG"


def redis_stop() -> None:
    subprocess.run(["redis-cli", "-p", str(REDIS_PORT), "shutdown", "nosave"], capture_output=True)


def fresh_database() -> None:
    admin = f"postgres://postgres@{PG}/postgres"
    subprocess.run(
        ["psql", admin, "-qc", f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)'],
        check=True,
    )


def psql(sql: str) -> str:
    result = subprocess.run(["psql", OWNER_URL, "-tAc", sql], capture_output=True, text=True)
    return result.stdout.strip()


# -- serve-prod and its processes ----------------------------------------------------------


class Server:
    def __init__(self, name: str):
        self.log = open(WORK / f"serve-prod-{name}.log", "w")  # open for the run
        self.process = subprocess.Popen(
            [str(ROOT / "bin" / "serve-prod")],
            cwd=ROOT,
            env=server_env(),
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_healthy(self, timeout: float = 600) -> None:
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"serve-prod exited; see {self.log.name}")
            try:
                response = requests.get(
                    f"http://127.0.0.1:{PORT}/healthz",
                    headers={"Host": f"localhost:{PORT}"},
                    timeout=2,
                )
                if response.status_code == 200 and len(self.web_workers()) >= 2:
                    return
            except requests.RequestException:
                pass
            time.sleep(1)
        raise SystemExit("serve-prod did not become healthy")

    def _children(self) -> list[psutil.Process]:
        try:
            return psutil.Process(self.process.pid).children()
        except psutil.NoSuchProcess:
            return []

    def _supervisor(self, word: str) -> psutil.Process | None:
        for child in self._children():
            try:
                if any(word in part for part in child.cmdline()):
                    return child
            except psutil.Error:
                continue
        return None

    def web_workers(self) -> list[psutil.Process]:
        supervisor = self._supervisor("uvicorn")
        if supervisor is None:
            return []
        # The supervisor's live children, less multiprocessing's resource tracker.
        workers = []
        for child in supervisor.children():
            try:
                if child.status() != psutil.STATUS_ZOMBIE and "resource_tracker" not in " ".join(
                    child.cmdline()
                ):
                    workers.append(child)
            except psutil.Error:
                continue  # a worker that just died
        return workers

    def huey_workers(self) -> list[psutil.Process]:
        consumer = self._supervisor("run_huey")
        if consumer is None:
            return []
        live = []
        for child in consumer.children():
            try:
                if child.status() != psutil.STATUS_ZOMBIE:
                    live.append(child)
            except psutil.Error:
                continue
        return live

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
        self.log.close()


# -- faults -------------------------------------------------------------------------------


def inject_faults(server: Server, started: float, log: list[str]) -> None:
    def at(seconds: float) -> None:
        gevent.sleep(max(0.0, started + seconds - time.time()))

    def note(text: str) -> None:
        log.append(f"t={time.time() - started:5.1f}s  {text}")

    def kill_web() -> None:
        at(10)
        before = server.web_workers()
        if not before:
            note("no web worker found to kill")
            return
        victim = before[0]
        victim.send_signal(signal.SIGKILL)
        note(f"web worker {victim.pid} killed (SIGKILL)")
        for _ in range(60):
            gevent.sleep(0.5)
            now = [p.pid for p in server.web_workers() if p.pid != victim.pid]
            if len(now) >= len(before):
                note(f"web workers back to {len(now)} (uvicorn started another)")
                return
        note("the killed web worker was not replaced")

    def kill_huey_mid_import() -> None:
        at(8)
        for _ in range(80):
            if psql("SELECT count(*) FROM employees_importjob WHERE status = 'importing'") not in (
                "",
                "0",
            ):
                break
            gevent.sleep(0.25)
        else:
            note("no import was running by t=28s; killing the huey workers anyway")
        workers = server.huey_workers()
        for worker in workers:
            worker.send_signal(signal.SIGKILL)
        note(f"huey worker processes {[w.pid for w in workers]} killed (SIGKILL) mid-import")
        for _ in range(60):
            gevent.sleep(0.5)
            if len(server.huey_workers()) >= len(workers):
                note("huey workers back (the consumer started new ones)")
                return
        note("the huey workers were not replaced")

    def stop_redis() -> None:
        at(32)
        redis_stop()
        note("Redis stopped")
        at(52)
        redis_start()
        note("Redis started again (empty: no persistence)")

    gevent.joinall(
        [gevent.spawn(kill_web), gevent.spawn(kill_huey_mid_import), gevent.spawn(stop_redis)]
    )


# -- the run --------------------------------------------------------------------------------


def run_load(companies, users: int, seconds: int, faults: bool) -> tuple[dict, list[str]]:
    from load_users import CompanyPerson, Tenancy
    from locust.env import Environment

    environment = Environment(user_classes=[CompanyPerson], host=f"http://127.0.0.1:{PORT}")
    runner = environment.create_local_runner()
    # Everyone signs in first (password hashing is the costliest request by far);
    # the measured minute is of people at work, and sign-in is reported apart.
    sign_in_started = time.time()
    runner.start(users, spawn_rate=10)
    while Tenancy.counts["signed_in"] < users and time.time() - sign_in_started < 300:
        gevent.sleep(0.5)
    sign_in = environment.stats.get("sign in", "POST")
    signing_in = {
        "seconds": round(time.time() - sign_in_started, 1),
        "p50_ms": sign_in.get_response_time_percentile(0.5),
        "p95_ms": sign_in.get_response_time_percentile(0.95),
        "failures": sign_in.num_failures,
    }
    environment.stats.reset_all()
    for key in ("responses", "cross_tenant", "pages_without_company_name"):
        Tenancy.counts[key] = 0
    started = time.time()
    fault_log: list[str] = []
    fault_greenlet = gevent.spawn(inject_faults, SERVER, started, fault_log) if faults else None
    gevent.spawn_later(seconds, runner.quit)
    runner.greenlet.join()
    elapsed = time.time() - started
    if fault_greenlet is not None:
        fault_greenlet.kill()
    total = environment.stats.total
    per_name = {
        name: {
            "requests": entry.num_requests,
            "failures": entry.num_failures,
            "p50": entry.get_response_time_percentile(0.5),
            "p95": entry.get_response_time_percentile(0.95),
        }
        for (name, _method), entry in sorted(environment.stats.entries.items())
    }
    figures = {
        "sign_in": signing_in,
        "load_average": os.getloadavg(),
        "seconds": round(elapsed, 1),
        "requests": total.num_requests,
        "rps": round(total.num_requests / elapsed, 1),
        "p50_ms": total.get_response_time_percentile(0.5),
        "p95_ms": total.get_response_time_percentile(0.95),
        "p99_ms": total.get_response_time_percentile(0.99),
        "errors": total.num_failures,
        "error_kinds": {
            f"{entry.name}: {entry.error}"[:160]: entry.occurrences
            for entry in environment.stats.errors.values()
        },
        "cross_tenant": Tenancy.counts["cross_tenant"],
        "checked": Tenancy.counts["responses"],
        "pages_without_company_name": Tenancy.counts["pages_without_company_name"],
        "imports_seen": Tenancy.imports,
        "per_request": per_name,
    }
    return figures, fault_log


def data(command: str, args) -> dict:
    result = subprocess.run(
        [PY, str(ROOT / "bench" / "load_data.py"), command]
        + ["--companies", str(args.companies), "--rows", str(args.rows), "--out", str(WORK)],
        env=server_env(),
        capture_output=True,
        text=True,
    )
    for line in result.stdout.splitlines():
        if line.startswith("LOAD-JSON "):
            return json.loads(line[len("LOAD-JSON ") :])
    raise SystemExit(f"load_data.py {command} failed:\n{result.stdout}\n{result.stderr}")


def server_exceptions(server: Server) -> Counter:
    """The last line of each traceback the server logged, counted (what the errors were)."""
    counts: Counter = Counter()
    lines = Path(server.log.name).read_text(errors="replace").splitlines()
    for index, line in enumerate(lines):
        if line.startswith("Traceback"):
            for tail in lines[index + 1 :]:
                if tail and not tail.startswith((" ", "\t", "Traceback")):
                    counts[tail[:160]] += 1
                    break
    return counts


def queued() -> int:
    """Tasks waiting in the bench's huey queue (-1 while Redis does not answer)."""
    result = subprocess.run(
        ["redis-cli", "-p", str(REDIS_PORT), "llen", "huey.redis.opsplatformload"],
        capture_output=True,
        text=True,
    )
    return int(result.stdout.strip()) if result.stdout.strip().isdigit() else -1


def settle(min_seconds: int, max_seconds: int) -> float:
    """Wait until the background work is done (queue empty, no job checking or
    importing, numbers still for 15 s), or has stopped moving for 60 s (4 minutes
    while a job is checking or importing: the import watchdog may yet move it)."""
    started = time.time()
    last, still_since = None, time.time()
    while time.time() - started < max_seconds:
        snapshot = (
            psql(
                "SELECT (SELECT count(*) FROM notifications_notification), "
                "(SELECT count(*) FROM notifications_notification WHERE emailed_at IS NOT NULL), "
                "(SELECT string_agg(status, ',' ORDER BY id) FROM employees_importjob)"
            )
            + f"|{queued()}"
        )
        if snapshot != last:
            last, still_since = snapshot, time.time()
        still = time.time() - still_since
        idle = (
            snapshot.endswith("|0") and "checking" not in snapshot and "importing" not in snapshot
        )
        # A job still checking or importing may be waiting for the watchdog, which hands
        # a never-started job to the queue again after 2 minutes: give it 4 to move.
        jobs_busy = "checking" in snapshot or "importing" in snapshot
        patience = 240 if jobs_busy else 60
        if time.time() - started >= min_seconds and (still >= patience or (idle and still >= 15)):
            break
        time.sleep(2)
    return time.time() - started


def print_figures(figures: dict, fault_log: list[str], lost: dict, settled: float, args) -> None:
    kind = "fault run" if args.faults else "normal run"
    print(f"\n== bench/load.py, {kind}: {args.users} users, {args.companies} companies")
    print(
        f"requests {figures['requests']} in {figures['seconds']} s = {figures['rps']} req/s; "
        f"p50 {figures['p50_ms']} ms, p95 {figures['p95_ms']} ms, p99 {figures['p99_ms']} ms"
    )
    sign_in = figures["sign_in"]
    print(
        f"(before the minute: {args.users} sign-ins took {sign_in['seconds']} s, p50 "
        f"{sign_in['p50_ms']} ms, p95 {sign_in['p95_ms']} ms; machine load average "
        f"{', '.join(f'{x:.1f}' for x in figures['load_average'])} at the end)"
    )
    print(
        f"errors {figures['errors']}; cross-tenant responses {figures['cross_tenant']} "
        f"of {figures['checked']} checked; pages without their company's name "
        f"{figures['pages_without_company_name']}"
    )
    for kind_text, count in figures["error_kinds"].items():
        print(f"  error x{count}: {kind_text}")
    print("per request: name  requests  failures  p50  p95")
    for name, entry in figures["per_request"].items():
        print(
            f"  {name:<22} {entry['requests']:>6} {entry['failures']:>5} "
            f"{entry['p50']:>6} {entry['p95']:>6}"
        )
    for text, count in server_exceptions(SERVER).most_common(8):
        print(f"  server exception x{count}: {text}")
    for line in fault_log:
        print("fault: " + line)
    print(f"settled {settled:.0f} s after the load, then counted:")
    print(
        f"  decisions {lost['decisions']} (of {lost['requests']} requests); "
        f"without their notice {lost['decisions_without_notice']}; "
        f"notices delivered twice {lost['duplicate_notices']}"
    )
    print(
        f"  imports {lost['imports']} {lost['import_status']}; half-written "
        f"{lost['imports_half_written']}; stuck checking/importing {lost['imports_stuck']}; "
        f"people imported {lost['people_imported']}"
    )
    print(f"  emails due {lost['emails_due']}; never sent {lost['emails_never_sent']}")


SERVER: Server | None = None


def main() -> None:
    global SERVER
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--companies", type=int, default=10)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--faults", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    if args.users % args.companies or args.users // args.companies > 5:
        raise SystemExit("up to five people a company, the same number in each")
    WORK.mkdir(parents=True, exist_ok=True)
    if redis_up():
        redis_stop()
    redis_start()
    fresh_database()
    try:
        t0 = time.time()
        SERVER = Server("faults" if args.faults else "normal")
        SERVER.wait_healthy()
        print(f"serve-prod up in {time.time() - t0:.0f} s (migrated a fresh database)")
        t0 = time.time()
        companies = data("setup", args)
        print(f"{args.companies} companies made in {time.time() - t0:.0f} s")
        # Planner statistics, as autovacuum would have them on a database that has
        # been running: without them the people list alone took 170 ms a query.
        analyze_database()
        from load_users import Tenancy

        Tenancy.configure(companies["companies"], PORT, companies["password"])
        figures, fault_log = run_load(companies, args.users, args.seconds, args.faults)
        if not redis_up():
            redis_start()
        settled = settle(70 if args.faults else 20, 600)
        lost = data("report", args)
    finally:
        if SERVER is not None:
            SERVER.stop()
        redis_stop()
    print_figures(figures, fault_log, lost, settled, args)
    if args.json:
        args.json.write_text(json.dumps({"figures": figures, "faults": fault_log, "lost": lost}))


if __name__ == "__main__":
    main()
