"""The benchmark of issue 5: ESWS as production runs it, loaded from separate processes.

It starts gunicorn (esws.wsgi, 2 workers x 4 threads, as ``esws serve`` does)
and one ``esws worker`` on PostgreSQL when reachable (a database of its own,
dropped afterwards), else on SQLite in a temporary directory. Beside it run
the references: the same gunicorn serving a bare Django view (bare_settings)
and spyne 2.14 (spyne_app, from bench/.venv-spyne). Every run measures each
reference next to its figure, so a ratio compares like with like on a shared
two-core machine; the tables show medians over the runs. Start it with
bench/run; a full run also writes the tables into the README, between its
bench markers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import logging
import os
import re
import resource
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
SPYNE_PYTHON = BENCH / ".venv-spyne" / "bin" / "python"
README = ROOT / "README.md"
BEGIN_MARK, END_MARK = "<!-- bench:begin -->", "<!-- bench:end -->"
PG_ADMIN_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
BENCH_DB = "esws_bench"
SOAP_PATH = "/webservicesesws"
SOAP_HEADERS = {
    "Content-Type": "text/xml; charset=utf-8",
    "SOAPAction": '"uen:esws#Esws.getSyncToken"',
}
TOKEN_ANSWER = r"<return[^>]*>([0-9a-f]{128})</return>"
ERROR_ANSWER = r">ERROR_NO_SECURITY_HASH<"
UNKNOWN_ANSWER = r">ERROR_UNKNOWN_SECURITY_HASH<"
WEB_WORKERS, THREADS = 2, 4
SUCCESS_CLIENTS = (1, 16, 64)
ERROR_CLIENTS = 16
RSS_CLIENTS = 200
TERMINAL_COUNTS = (1, 10, 50)
# Client processes per load: two keep the clients off one GIL without
# outnumbering the two cores the service needs.
CLIENT_PROCESSES = 2
MIB = 1024 * 1024
PAGE = os.sysconf("SC_PAGE_SIZE")
TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Plan:
    runs: int
    level_seconds: float
    error_seconds: float
    floor_seconds: float
    rss_seconds: float
    warmup_seconds: float
    sync_repeats: int
    max_requests: int


FULL = Plan(
    runs=3,
    level_seconds=8,
    error_seconds=6,
    floor_seconds=5,
    rss_seconds=10,
    warmup_seconds=1.5,
    sync_repeats=5,
    max_requests=200_000,
)
QUICK = Plan(
    runs=1,
    level_seconds=2,
    error_seconds=2,
    floor_seconds=2,
    rss_seconds=3,
    warmup_seconds=0.5,
    sync_repeats=2,
    max_requests=20_000,
)


@dataclass(frozen=True)
class Demo:
    code: str
    username: str
    password: str
    user_id: int
    location_id: int


def envelope(code: str, username: str, password: str, user_id: int, location: int | None) -> str:
    """A getSyncToken call shaped like the documentation's sample (RPC/encoded)."""
    xsd = 'xsi:type="xsd:string"'
    location_part = f"<p_locationID {xsd}>{location}</p_locationID>" if location else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<soapenv:Envelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xmlns:xsd="http://www.w3.org/2001/XMLSchema" '
        'xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:uen="uen:esws">'
        "<soapenv:Body>"
        '<uen:Esws.getSyncToken soapenv:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/">'
        f"<p_companyID {xsd}>{code}</p_companyID>"
        f"<p_adminUsername {xsd}>{username}</p_adminUsername>"
        f"<p_adminPassword {xsd}>{password}</p_adminPassword>"
        f"<p_userId {xsd}>{user_id}</p_userId>{location_part}"
        "</uen:Esws.getSyncToken></soapenv:Body></soapenv:Envelope>"
    )


# -- the database ------------------------------------------------------------------------


def create_database(kind: str, workdir: Path) -> str:
    """A fresh PostgreSQL database when reachable (or required), else an SQLite file."""
    if kind != "sqlite":
        import psycopg

        try:
            with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
                conn.execute(f"CREATE DATABASE {BENCH_DB}")
            return urlunsplit(urlsplit(PG_ADMIN_URL)._replace(path=f"/{BENCH_DB}"))
        except psycopg.OperationalError as exc:
            if kind == "postgres":
                raise
            print(f"PostgreSQL unreachable ({exc}); using SQLite", file=sys.stderr)
    return f"sqlite:///{workdir / 'esws.sqlite3'}"


def drop_database(url: str) -> None:
    if url.startswith("postgresql"):
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")


# -- processes under test -----------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def gunicorn(python: Path | str, app: str, port: int, *extra: str) -> list[str]:
    # As `esws serve` runs it; no control socket, since three servers would share its path.
    return [
        str(python), "-m", "gunicorn", app,
        "--bind", f"127.0.0.1:{port}",
        "--workers", str(WEB_WORKERS),
        "--threads", str(THREADS),
        "--access-logfile", "-",
        "--no-control-socket",
        *extra,
    ]  # fmt: skip


class Server:
    """One gunicorn (and, for ESWS, its task worker), logging to a file."""

    def __init__(self, name: str, commands: list[list[str]], env: dict[str, str], log: Path):
        self.name = name
        self.commands = commands
        self.env = env
        self.log = log
        self.procs: list[subprocess.Popen[bytes]] = []

    def start(self, probe: str) -> None:
        with self.log.open("ab") as out:
            for command in self.commands:
                self.procs.append(
                    subprocess.Popen(command, env=self.env, stdout=out, stderr=subprocess.STDOUT)
                )
        deadline = time.monotonic() + 60
        while True:
            if any(p.poll() is not None for p in self.procs):
                raise RuntimeError(f"{self.name} exited at start; see {self.log}")
            try:
                urllib.request.urlopen(probe, timeout=2).read()
                return
            except urllib.error.HTTPError:
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{self.name} did not answer {probe}") from None
                time.sleep(0.1)

    def pids(self) -> list[int]:
        """gunicorn's master and its workers, and any other process of this server."""
        master = self.procs[0].pid
        try:
            children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        except OSError:
            children = []
        return [p.pid for p in self.procs] + [int(c) for c in children]

    def stop(self) -> None:
        for p in self.procs:
            if p.poll() is None:
                p.terminate()
        for p in self.procs:
            try:
                p.wait(20)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


def rss_bytes(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
        except (OSError, IndexError):
            pass
    return total


def cpu_times(pids: list[int]) -> dict[int, float]:
    """CPU seconds (user + system, all threads) used so far by each process."""
    found = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        found[pid] = (int(fields[11]) + int(fields[12])) / TICKS
    return found


def database_pids() -> list[int]:
    """PostgreSQL's backends for the bench database: their CPU is part of a call's cost."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return [pid for (pid,) in cursor.fetchall()]


def machine_cpu() -> float:
    """CPU seconds every process on the machine has used since boot (/proc/stat)."""
    user, nice, system, _idle, _iowait, irq, softirq, steal = map(
        int, Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]
    )
    return (user + nice + system + irq + softirq + steal) / TICKS


def own_cpu(servers: dict[str, Server]) -> float:
    """CPU seconds used by this driver, its finished clients, the servers and their backends."""
    me, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    pids = [pid for server in servers.values() for pid in server.pids()] + database_pids()
    return (
        me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime
        + sum(cpu_times(pids).values())
    )  # fmt: skip


class RssSampler(threading.Thread):
    """Peak of the summed RSS of a server's processes, sampled every 50 ms."""

    def __init__(self, pids: Callable[[], list[int]]):
        super().__init__(daemon=True)
        self.pid_source = pids
        self.peak = 0
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            self.peak = max(self.peak, rss_bytes(self.pid_source()))
            self.stopped.wait(0.05)


# -- load -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Load:
    rps: float
    p50: float
    p99: float
    ok: int
    errors: int
    samples: list[str]


def percentile(ordered: list[float], q: float) -> float:
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def spawn(kind: str, jobs: list[dict], timeout: float) -> list[dict]:
    """Run load.py jobs in parallel processes; each gets its job as JSON in argv."""
    procs = [
        subprocess.Popen(
            [sys.executable, str(BENCH / "load.py"), kind, json.dumps(job)], stdout=subprocess.PIPE
        )
        for job in jobs
    ]
    results = []
    for proc in procs:
        out, _ = proc.communicate(timeout=timeout)
        if proc.returncode:
            raise RuntimeError(f"load.py {kind} exited with {proc.returncode}")
        results.append(json.loads(out))
    return results


def load(
    port: int, path: str, body: str, expect: str, clients: int, seconds: float, plan: Plan
) -> Load:
    """``clients`` keep-alive clients for ``seconds``, spread over the client processes."""
    nprocs = min(clients, CLIENT_PROCESSES)
    start_at = time.time() + 0.5
    jobs = [
        {
            "host": "127.0.0.1",
            "port": port,
            "path": path,
            "body": body,
            "expect": expect,
            "threads": clients // nprocs + (i < clients % nprocs),
            "start_at": start_at,
            "seconds": seconds,
            "max_requests": plan.max_requests // nprocs,
        }
        for i in range(nprocs)
    ]
    results = spawn("http", jobs, timeout=seconds + 120)
    latencies = sorted(x for r in results for x in r["latencies"])
    # Throughput in the steady state: answers that arrived after the clients
    # had connected (the first second, or quarter of a short load) and before
    # the first client stopped. What arrives later is the drain of queued
    # requests, in which a server process whose queue ran dry idles beside one
    # still busy: at 64 clients and seconds of latency it cost a tenth of req/s.
    window_start = start_at + min(1.0, seconds / 4)
    window_end = min(r["first_stop"] for r in results)
    answered = sum(window_start <= t < window_end for r in results for t in r["finished"])
    return Load(
        rps=answered / max(window_end - window_start, 1e-9),
        p50=percentile(latencies, 0.50) * 1000,
        p99=percentile(latencies, 0.99) * 1000,
        ok=len(latencies),
        errors=sum(r["errors"] for r in results),
        samples=[s for r in results for s in r["samples"]],
    )


def argon2_floor(seconds: float) -> float:
    """Verifications per second with the service's hasher, one process per core."""
    from esws.directory.hashers import EswsArgon2Hasher

    hasher = EswsArgon2Hasher()
    job = {
        "time_cost": hasher.time_cost,
        "memory_cost": hasher.memory_cost,
        "parallelism": hasher.parallelism,
        "seconds": seconds,
        "start_at": time.time() + 0.5,
    }
    results = spawn("floor", [job] * (os.cpu_count() or 1), timeout=seconds + 60)
    return sum(r["count"] / r["seconds"] for r in results)


# -- from token to terminals --------------------------------------------------------------


def queries_per_call(body: str) -> int:
    """Database queries of one call, through the whole Django stack in this process.

    Django's per-request connection health check (CONN_HEALTH_CHECKS) is one
    more round trip that is not counted here.
    """
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = Client(HTTP_HOST="127.0.0.1").post(
            SOAP_PATH, data=body, content_type="text/xml; charset=utf-8"
        )
    if response.status_code != 200:
        raise RuntimeError(f"getSyncToken in process answered {response.status_code}")
    return len(queries)


def bench_locations(demo: Demo) -> dict[int, int]:
    """Locations of 1, 10 and 50 simulated terminals the demo user has access to."""
    from esws.directory.models import Access, Location, Person, Terminal
    from esws.terminals.models import Simulator

    person = Person.objects.get(pk=demo.user_id)
    found = {}
    for count in TERMINAL_COUNTS:
        location = Location.objects.create(company=person.company, name=f"Bench {count}")
        Access.objects.create(person=person, location=location)
        terminals = Terminal.objects.bulk_create(
            Terminal(
                company=person.company,
                location=location,
                serial_number=f"BENCH-{count}-{i:02}",
                name=f"Bench door {i}",
            )
            for i in range(count)
        )
        Simulator.objects.bulk_create(Simulator(terminal=t) for t in terminals)
        found[count] = location.pk
    return found


def cookie_header(response: http.client.HTTPResponse) -> str:
    """What a browser sends back: each Set-Cookie's name=value (127.0.0.1 counts as secure)."""
    return "; ".join(v.split(";", 1)[0] for k, v in response.getheaders() if k == "Set-Cookie")


def sync_once(port: int, demo: Demo, location_id: int) -> dict[str, float]:
    """getSyncToken with the location, redeem as a browser does, wait for the run to finish.

    Times in ms: the SOAP call; redeem to the run done (the figure); and, from
    the database's timestamps, the wait in the task queue and the task itself.
    """
    from django.db.models import Max
    from django_tasks_db.models import DBTaskResult

    from esws.sync.models import SyncRun

    before = SyncRun.objects.aggregate(last=Max("pk"))["last"] or 0
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    body = envelope(demo.code, demo.username, demo.password, demo.user_id, location_id)
    started = time.perf_counter()
    conn.request("POST", SOAP_PATH, body=body, headers=SOAP_HEADERS)
    answer = conn.getresponse().read().decode()
    token = re.search(TOKEN_ANSWER, answer)
    if token is None:
        raise RuntimeError(f"getSyncToken did not issue a token: {answer[:300]}")
    issued = time.perf_counter()
    conn.request("GET", f"/users/oneSyncUserLogin/{token.group(1)}")
    redeemed = conn.getresponse()
    redeemed.read()
    if redeemed.status != 303:
        raise RuntimeError(f"redeeming the token answered {redeemed.status}")
    page_url = redeemed.getheader("Location") or ""
    conn.request("GET", page_url, headers={"Cookie": cookie_header(redeemed)})
    page = conn.getresponse()
    page.read()
    if page.status != 200:
        raise RuntimeError(f"the sync page answered {page.status}")
    runs = SyncRun.objects.filter(pk__gt=before, location_id=location_id)
    while (run := runs.first()) is None or run.status not in ("done", "failed"):
        if time.perf_counter() - issued > 60:
            raise TimeoutError(f"sync to location {location_id} did not finish")
        time.sleep(0.002)
    finished = time.perf_counter()
    conn.close()
    if run.status != "done":
        raise RuntimeError(f"sync {run.pk} failed: {run.detail}")
    task = DBTaskResult.objects.filter(enqueued_at__gte=run.created_at).order_by("enqueued_at")[0]
    assert task.started_at is not None and run.finished_at is not None
    return {
        "token": (issued - started) * 1000,
        "done": (finished - issued) * 1000,
        "queue": (task.started_at - task.enqueued_at).total_seconds() * 1000,
        "task": (run.finished_at - task.started_at).total_seconds() * 1000,
    }


# -- one run --------------------------------------------------------------------------------


def one_run(
    plan: Plan, servers: dict[str, Server], ports: dict[str, int], demo: Demo, sites: dict[int, int]
) -> tuple[dict[str, float], list[str]]:
    """Every measure once; each ratio from figures taken minutes apart at most."""
    m: dict[str, float] = {}
    problems: list[str] = []
    ok_body = envelope(demo.code, demo.username, demo.password, demo.user_id, demo.location_id)
    # The error path compared across servers: no security code, answered by all
    # three without a database; the unknown code (one indexed query) is shown beside.
    bad_body = envelope("", demo.username, demo.password, demo.user_id, None)
    unknown_body = envelope("x" * 32, demo.username, demo.password, demo.user_id, None)

    def measure(key: str, server: str, path: str, body: str, expect: str, clients: int, s: float):
        # CPU per call (web processes and database backends) depends far less than
        # requests per second on what else the machine is doing.
        web_before, db_before = cpu_times(servers[server].pids()), cpu_times(database_pids())
        result = load(ports[server], path, body, expect, clients, s, plan)
        web_after, db_after = cpu_times(servers[server].pids()), cpu_times(database_pids())
        web = sum(t - web_before.get(pid, 0.0) for pid, t in web_after.items())
        db = sum(t - db_before.get(pid, 0.0) for pid, t in db_after.items())
        m[f"{key}.cpu"] = (web + db) * 1000 / max(result.ok, 1)
        m[f"{key}.dbcpu"] = db * 1000 / max(result.ok, 1)
        m[f"{key}.rps"], m[f"{key}.p50"], m[f"{key}.p99"] = result.rps, result.p50, result.p99
        m[f"{key}.errors"] = result.errors
        if result.errors:
            problems.append(f"{key}: {result.errors} errors, e.g. {result.samples[:2]}")

    paths = {"esws": SOAP_PATH, "bare": "/bare", "spyne": "/"}
    for name, path in paths.items():
        load(ports[name], path, bad_body, ERROR_ANSWER, ERROR_CLIENTS, plan.warmup_seconds, plan)
    load(ports["esws"], SOAP_PATH, ok_body, TOKEN_ANSWER, 16, plan.warmup_seconds, plan)

    m["ok.queries"] = queries_per_call(ok_body)
    m["err.queries"] = queries_per_call(bad_body)
    m["unknown.queries"] = queries_per_call(unknown_body)
    # The floor is taken before and after the success path and averaged, so
    # that a change in the machine's load during the run shows in both.
    floor_before = argon2_floor(plan.floor_seconds)
    for clients in SUCCESS_CLIENTS:
        measure(
            f"ok{clients}", "esws", SOAP_PATH, ok_body, TOKEN_ANSWER, clients, plan.level_seconds
        )
    m["floor"] = (floor_before + argon2_floor(plan.floor_seconds)) / 2
    from django.conf import settings

    m["argon2.kib"], m["argon2.t"] = settings.ESWS_ARGON2_MEMORY_KIB, settings.ESWS_ARGON2_TIME_COST
    for clients in SUCCESS_CLIENTS:
        m[f"ok{clients}.ratio"] = m[f"ok{clients}.rps"] / m["floor"]

    for name, path in paths.items():
        measure(
            f"err.{name}", name, path, bad_body, ERROR_ANSWER, ERROR_CLIENTS, plan.error_seconds
        )
    seconds = plan.error_seconds
    measure("unknown", "esws", SOAP_PATH, unknown_body, UNKNOWN_ANSWER, ERROR_CLIENTS, seconds)
    m["unknown.vs_bare"] = m["unknown.rps"] / m["err.bare.rps"]
    m["err.vs_bare"] = m["err.esws.rps"] / m["err.bare.rps"]
    m["err.vs_spyne"] = m["err.esws.rps"] / m["err.spyne.rps"]

    sync_once(ports["esws"], demo, sites[TERMINAL_COUNTS[0]])  # warm the worker's code paths
    for count in TERMINAL_COUNTS:
        timings = [sync_once(ports["esws"], demo, sites[count]) for _ in range(plan.sync_repeats)]
        for part in ("token", "done", "queue", "task"):
            m[f"sync{count}.{part}"] = statistics.median(t[part] for t in timings)

    service = servers["esws"]
    m["rss.before"] = rss_bytes(service.pids()) / MIB
    sampler = RssSampler(service.pids)
    sampler.start()
    measure("rss", "esws", SOAP_PATH, ok_body, TOKEN_ANSWER, RSS_CLIENTS, plan.rss_seconds)
    sampler.stopped.set()
    sampler.join()
    m["rss.peak"] = sampler.peak / MIB
    return m, problems


# -- the report -----------------------------------------------------------------------------


def fmt(value: float, digits: int = 0) -> str:
    return f"{value:,.{digits}f}"


def report(med: dict[str, float], header: str, postgres: bool) -> str:
    def cpu(key: str, digits: int) -> str:
        """CPU per call, and the PostgreSQL backends' share (SQLite's is in the web processes)."""
        total = fmt(med[key + ".cpu"], digits)
        return f"{total} ({fmt(med[key + '.dbcpu'], digits)})" if postgres else total

    cpu_head = "CPU ms per call" + (" (of which PostgreSQL)" if postgres else "")
    lines = [header, ""]
    lines += [
        f"**getSyncToken, success path** (argon2id {med['argon2.kib'] / 1024:g} MiB, "
        f"t={med['argon2.t']:g}, p=1; "
        f"Argon2 floor: {fmt(med['floor'], 1)} verifications/s, one process per core, "
        f"so {(os.cpu_count() or 1) * 1000 / med['floor']:.1f} CPU ms per verification; "
        f"{fmt(med['ok.queries'])} database queries per call)",
        "",
        f"| clients | req/s | p50 ms | p99 ms | of the Argon2 floor | {cpu_head} | errors |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for c in SUCCESS_CLIENTS:
        k = f"ok{c}"
        lines.append(
            f"| {c} | {fmt(med[k + '.rps'], 1)} | {fmt(med[k + '.p50'])} | {fmt(med[k + '.p99'])} "
            f"| {med[k + '.ratio']:.2f} | {cpu(k, 1)} "
            f"| {fmt(med[k + '.errors'])} |"
        )
    lines += [
        "",
        f"**getSyncToken, error path** (ERROR_NO_SECURITY_HASH: no hashing, "
        f"{fmt(med['err.queries'])} database queries), "
        f"{ERROR_CLIENTS} clients, same gunicorn ({WEB_WORKERS} workers x {THREADS} threads); "
        f"below it ERROR_UNKNOWN_SECURITY_HASH, which looks the code up "
        f"({fmt(med['unknown.queries'])} database query)",
        "",
        f"| server | req/s | p50 ms | p99 ms | ESWS error path / this | {cpu_head} | errors |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    names = {
        "esws": ("ESWS endpoint", None),
        "bare": ("bare Django view, same middleware", "err.vs_bare"),
        "spyne": ("spyne 2.14, same operation", "err.vs_spyne"),
    }
    for name, (label, ratio) in names.items():
        k = f"err.{name}"
        lines.append(
            f"| {label} | {fmt(med[k + '.rps'])} | {fmt(med[k + '.p50'], 1)} "
            f"| {fmt(med[k + '.p99'], 1)} | {f'{med[ratio]:.2f}' if ratio else '-'} "
            f"| {cpu(k, 2)} "
            f"| {fmt(med[k + '.errors'])} |"
        )
    lines.append(
        f"| ESWS endpoint, unknown code | {fmt(med['unknown.rps'])} | {fmt(med['unknown.p50'], 1)} "
        f"| {fmt(med['unknown.p99'], 1)} | {med['unknown.vs_bare']:.2f} of bare "
        f"| {cpu('unknown', 2)} | {fmt(med['unknown.errors'])} |"
    )
    lines += [
        "",
        "CPU per call: user and system time of the server's processes and of its "
        "PostgreSQL backends, divided by the calls answered; it depends far less than req/s "
        "on what else the machine runs. The clients' CPU is not in it.",
        "",
        "**From token to all terminals done**, one user, simulated terminals (no delay); "
        "`esws worker` at its default poll interval",
        "",
        "| terminals | getSyncToken ms | redeem to done ms | of which task queue wait ms "
        "| sync task ms |",
        "|---:|---:|---:|---:|---:|",
    ]
    for c in TERMINAL_COUNTS:
        k = f"sync{c}"
        lines.append(
            f"| {c} | {fmt(med[k + '.token'])} | {fmt(med[k + '.done'])} "
            f"| {fmt(med[k + '.queue'])} | {fmt(med[k + '.task'])} |"
        )
    lines += [
        "",
        f"**Memory**, {RSS_CLIENTS} concurrent clients on the success path: summed RSS of "
        "gunicorn's master and workers and the task worker, sampled every 50 ms",
        "",
        "| after start MiB | before this load MiB | peak MiB | req/s | p99 ms | errors |",
        "|---:|---:|---:|---:|---:|---:|",
        f"| {fmt(med['rss.start'])} | {fmt(med['rss.before'])} | {fmt(med['rss.peak'])} "
        f"| {fmt(med['rss.rps'], 1)} "
        f"| {fmt(med['rss.p99'])} | {fmt(med['rss.errors'])} |",
        "",
    ]
    worst_ok = min(med["ok16.ratio"], med["ok64.ratio"])
    goals = [
        (
            "success path >= 0.9 of the Argon2 floor (16 and 64 clients)",
            f"{worst_ok:.2f}",
            worst_ok >= 0.9,
        ),
        (
            "error path >= 0.8 of the bare view",
            f"{med['err.vs_bare']:.2f}",
            med["err.vs_bare"] >= 0.8,
        ),
        (
            "error path ahead of spyne 2.14",
            f"{med['err.vs_spyne']:.2f}x",
            med["err.vs_spyne"] > 1,
        ),
        (
            "one user onto 50 terminals < 1 s (redeem to done)",
            f"{fmt(med['sync50.done'])} ms",
            med["sync50.done"] < 1000,
        ),
        (
            f"RSS < 1 GiB at {RSS_CLIENTS} clients",
            f"{fmt(med['rss.peak'])} MiB",
            med["rss.peak"] < 1024,
        ),
    ]
    lines += ["**Goals**", "", "| goal | measured | |", "|---|---:|---|"]
    lines += [f"| {g} | {v} | {'met' if ok else 'missed'} |" for g, v, ok in goals]
    return "\n".join(lines) + "\n"


def into_readme(table: str) -> None:
    """Replace what stands between the README's bench markers with the new tables."""
    text = README.read_text()
    start, end = text.index(BEGIN_MARK) + len(BEGIN_MARK), text.index(END_MARK)
    README.write_text(text[:start] + "\n" + table + text[end:])


def header(plan: Plan, database: str) -> str:
    rev = subprocess.run(
        ["git", "-C", str(ROOT), "describe", "--always", "--dirty"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return (
        f"Benchmark of {rev or 'an unknown revision'} on {dt.date.today().isoformat()}: "
        f"{os.cpu_count()} cores, {database}, gunicorn {WEB_WORKERS} workers x {THREADS} "
        f"threads + 1 `esws worker`, clients in {CLIENT_PROCESSES} separate processes on the "
        f"same machine; medians of {plan.runs} run(s)."
    )


# -- main -------------------------------------------------------------------------------------


def service_env(database_url: str, workdir: Path, port: int) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("ESWS_TEST_DB_NAME", None)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "esws.settings",
            "ESWS_DATABASE_URL": database_url,
            "ESWS_DATA_DIR": str(workdir),
            "ESWS_SECRET_KEY": secrets.token_urlsafe(50),
            "ESWS_PUBLIC_URL": f"http://127.0.0.1:{port}",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def start_servers(env: dict[str, str], workdir: Path, ports: dict[str, int]) -> dict[str, Server]:
    """ESWS as `esws serve` runs it, and the two references on the same gunicorn settings."""
    py = sys.executable
    project = ["--logger-class", "esws.gunicorn.RedactingLogger", "--limit-request-line", "8190"]
    bare_env = {
        **env,
        "DJANGO_SETTINGS_MODULE": "bare_settings",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(BENCH), env.get("PYTHONPATH")])),
    }
    spyne = gunicorn(SPYNE_PYTHON, "spyne_app:application", ports["spyne"], "--chdir", str(BENCH))
    servers = {
        "esws": Server(
            "ESWS",
            [
                gunicorn(py, "esws.wsgi", ports["esws"], *project),
                [py, "-m", "esws.cli", "worker"],
            ],
            env,
            workdir / "esws.log",
        ),
        "bare": Server(
            "bare view",
            [gunicorn(py, "esws.wsgi", ports["bare"], *project)],
            bare_env,
            workdir / "bare.log",
        ),
        "spyne": Server("spyne", [spyne], env, workdir / "spyne.log"),
    }
    probes = {"esws": f"{SOAP_PATH}?wsdl", "bare": "/bare", "spyne": "/?wsdl"}
    for name, server in servers.items():
        server.start(f"http://127.0.0.1:{ports[name]}{probes[name]}")
    return servers


def prepare(env: dict[str, str]) -> tuple[Demo, dict[int, int], str]:
    """Migrate and load the demo data with the operator's CLI, then add the bench's sites."""
    py = sys.executable
    subprocess.run([py, "-m", "esws.cli", "migrate", "--noinput", "-v0"], env=env, check=True)
    out = subprocess.run(
        [py, "-m", "esws.cli", "demo", "--json"], env=env, check=True, capture_output=True
    ).stdout
    d = json.loads(out)
    demo = Demo(
        d["security_code"], d["admin_username"], d["admin_password"], d["user_id"], d["location_id"]
    )
    os.environ.clear()
    os.environ.update(env)
    import django

    django.setup()
    # This process's own calls (queries_per_call) would log each getSyncToken here.
    logging.getLogger("esws").setLevel(logging.WARNING)
    from django.db import connection

    database = "SQLite"
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            database = f"PostgreSQL {cursor.fetchone()[0].split()[0]}"
    return demo, bench_locations(demo), database


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="One short run: a smoke test.")
    parser.add_argument("--runs", type=int, help="Runs to take the median of.")
    parser.add_argument("--db", choices=["auto", "postgres", "sqlite"], default="auto")
    parser.add_argument(
        "--out",
        type=Path,
        help="Write the tables to this file instead of into README.md "
        "(a --quick run writes nothing unless asked).",
    )
    parser.add_argument(
        "--argon2",
        metavar="KIB:PASSES",
        help="Run the service with these argon2id costs (ESWS_ARGON2_MEMORY_KIB, "
        "ESWS_ARGON2_TIME_COST) instead of the defaults, e.g. 65536:3.",
    )
    args = parser.parse_args()
    if args.argon2:
        kib, _, passes = args.argon2.partition(":")
        os.environ["ESWS_ARGON2_MEMORY_KIB"], os.environ["ESWS_ARGON2_TIME_COST"] = kib, passes
    plan = QUICK if args.quick else FULL
    if args.runs:
        plan = Plan(**{**plan.__dict__, "runs": args.runs})
    if not SPYNE_PYTHON.exists():
        sys.exit(f"{SPYNE_PYTHON} is missing: start the benchmark with bench/run")

    workdir = Path(tempfile.mkdtemp(prefix="esws-bench-"))
    database_url = create_database(args.db, workdir)
    ports = {name: free_port() for name in ("esws", "bare", "spyne")}
    servers: dict[str, Server] = {}
    try:
        env = service_env(database_url, workdir, ports["esws"])
        demo, sites, database = prepare(env)
        servers = start_servers(env, workdir, ports)
        started_rss = rss_bytes(servers["esws"].pids()) / MIB
        top = header(plan, database)
        print(top, flush=True)
        runs = []
        for i in range(plan.runs):
            started, machine, own = time.monotonic(), machine_cpu(), own_cpu(servers)
            measured, problems = one_run(plan, servers, ports, demo, sites)
            # Other work on the machine lowers req/s (not CPU per call): measure how much.
            elapsed = time.monotonic() - started
            foreign = (machine_cpu() - machine) - (own_cpu(servers) - own)
            measured["rss.start"] = started_rss
            measured["foreign"] = max(0.0, foreign / (elapsed * (os.cpu_count() or 1)))
            runs.append(measured)
            print(
                f"run {i + 1}/{plan.runs}: {elapsed:.0f} s, other processes used "
                f"{measured['foreign']:.0%} of the machine",
                flush=True,
            )
            for problem in problems:
                print(f"  {problem}", file=sys.stderr)
        medians = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
        busiest = max(r["foreign"] for r in runs)
        busy = f" Other processes used {busiest:.0%} of the machine's CPU in the busiest run" + (
            " (above 10%: req/s are low, rerun on an idle machine)." if busiest > 0.1 else "."
        )
        table = report(medians, top + busy, database.startswith("PostgreSQL"))
        print("\n" + table)
        if args.out:
            args.out.write_text(table)
            print(f"(written to {args.out})")
        elif not args.quick:
            into_readme(table)
            print(f"(written into {README})")
    except BaseException:
        for log in sorted(workdir.glob("*.log")):
            tail = log.read_text(errors="replace").splitlines()[-15:]
            print(f"--- last lines of {log.name}:", *tail, sep="\n", file=sys.stderr)
        raise
    finally:
        for server in servers.values():
            server.stop()
        if "django" in sys.modules:
            from django.db import connections

            connections.close_all()
        drop_database(database_url)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
