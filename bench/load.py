"""Load generators for bench.py, run as separate processes so they do not share its GIL.

``http``: keep-alive HTTP/1.1 clients on raw sockets (one thread each), because
http.client costs several times more CPU per call and the clients share the
service's two cores. ``floor``: Argon2 verifications in a loop, the ceiling for
a call that verifies one password. Both take a JSON job as their argument, start at an
agreed wall-clock time, stop at a deadline or a request bound, and print JSON.
"""

from __future__ import annotations

import json
import re
import socket
import sys
import threading
import time


class Closed(Exception):
    """The server closed the connection; open a new one."""


def _read_until(sock: socket.socket, buf: bytearray, marker: bytes) -> int:
    while (at := buf.find(marker)) < 0:
        chunk = sock.recv(65536)
        if not chunk:
            raise Closed
        buf += chunk
    return at


def _read_exactly(sock: socket.socket, buf: bytearray, size: int) -> bytes:
    while len(buf) < size:
        chunk = sock.recv(max(65536, size - len(buf)))
        if not chunk:
            raise Closed
        buf += chunk
    data = bytes(buf[:size])
    del buf[:size]
    return data


def _read_chunked(sock: socket.socket, buf: bytearray) -> bytes:
    body = bytearray()
    while True:
        end = _read_until(sock, buf, b"\r\n")
        size = int(bytes(buf[:end]).split(b";")[0], 16)
        del buf[: end + 2]
        body += _read_exactly(sock, buf, size + 2)[:size]
        if size == 0:
            return bytes(body)


def roundtrip(sock: socket.socket, buf: bytearray, request: bytes) -> tuple[int, bytes, bool]:
    """Send one request, read one response: (status, body, connection still usable)."""
    sock.sendall(request)
    end = _read_until(sock, buf, b"\r\n\r\n")
    head = bytes(buf[:end]).decode("latin-1").split("\r\n")
    del buf[: end + 4]
    status = int(head[0].split(" ", 2)[1])
    headers = {}
    for line in head[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip().lower()
    if "content-length" in headers:
        body = _read_exactly(sock, buf, int(headers["content-length"]))
    elif headers.get("transfer-encoding") == "chunked":
        body = _read_chunked(sock, buf)
    else:
        while chunk := sock.recv(65536):
            buf += chunk
        body = bytes(buf)
        buf.clear()
        return status, body, False
    return status, body, headers.get("connection") != "close"


def gist(answer: bytes) -> str:
    """The part of an unexpected answer that tells what went wrong."""
    found = re.search(rb"<(?:return|faultstring)[^>]*>([^<]*)<", answer)
    return (found.group(1) if found else answer[:200]).decode("utf-8", "replace")


def http_job(job: dict) -> dict:
    """Run job["threads"] clients; each sends the same request until the deadline."""
    body = job["body"].encode()
    request = (
        f"POST {job['path']} HTTP/1.1\r\nHost: {job['host']}:{job['port']}\r\n"
        'Content-Type: text/xml; charset=utf-8\r\nSOAPAction: "uen:esws#Esws.getSyncToken"\r\n'
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode() + body
    expect = re.compile(job["expect"].encode())
    deadline = job["start_at"] + job["seconds"]
    per_thread = max(1, job["max_requests"] // job["threads"])
    latencies: list[list[float]] = [[] for _ in range(job["threads"])]
    finished: list[list[float]] = [[] for _ in range(job["threads"])]
    stopped = [deadline] * job["threads"]
    errors = [0] * job["threads"]
    samples: list[str] = []

    def client(i: int) -> None:
        sock: socket.socket | None = None
        buf = bytearray()
        time.sleep(max(0.0, job["start_at"] - time.time()))
        while time.time() < deadline and len(latencies[i]) + errors[i] < per_thread:
            try:
                if sock is None:
                    sock = socket.create_connection((job["host"], job["port"]), timeout=60)
                    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                    buf.clear()
                started = time.perf_counter()
                status, answer, keep = roundtrip(sock, buf, request)
                elapsed = time.perf_counter() - started
                if status == 200 and expect.search(answer):
                    latencies[i].append(elapsed)
                    finished[i].append(time.time())
                else:
                    errors[i] += 1
                    if len(samples) < 3:
                        samples.append(f"{status}: {gist(answer)}")
                if not keep:
                    sock.close()
                    sock = None
            except (OSError, Closed, ValueError) as exc:
                errors[i] += 1
                if len(samples) < 3:
                    samples.append(repr(exc))
                if sock is not None:
                    sock.close()
                sock = None
                time.sleep(0.01)
        stopped[i] = min(stopped[i], time.time())
        if sock is not None:
            sock.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(job["threads"])]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {
        "latencies": [x for per in latencies for x in per],
        "finished": [x for per in finished for x in per],
        "errors": sum(errors),
        "samples": samples,
        "first_stop": min(stopped),
    }


def floor_job(job: dict) -> dict:
    """Verify one password repeatedly with the service's Argon2 parameters."""
    from argon2 import PasswordHasher, Type

    hasher = PasswordHasher(
        time_cost=job["time_cost"],
        memory_cost=job["memory_cost"],
        parallelism=job["parallelism"],
        type=Type.ID,
    )
    encoded = hasher.hash("bench-password")
    time.sleep(max(0.0, job["start_at"] - time.time()))
    started = time.perf_counter()
    deadline = started + job["seconds"]
    count = 0
    while time.perf_counter() < deadline:
        hasher.verify(encoded, "bench-password")
        count += 1
    return {"count": count, "seconds": time.perf_counter() - started}


if __name__ == "__main__":
    jobs = {"http": http_job, "floor": floor_job}
    print(json.dumps(jobs[sys.argv[1]](json.loads(sys.argv[2]))))
