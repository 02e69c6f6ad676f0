#!/usr/bin/env python3
"""The asyncio baseline of corio-bench: the same workload shapes on Python's asyncio (and on uvloop
when it is installed), one JSON line per run in corio-bench's result schema
(bench-harness/src/record.rs), so `corio-bench compare --with-asyncio` can put them beside corio,
tokio and smol.

    scripts/asyncio_baseline.py run WORKLOAD [--loop asyncio|uvloop] [--quick] [--size NAME=VALUE,...]
    scripts/asyncio_baseline.py all [--quick] [--runs K]   # every workload on every loop, a process each
    scripts/asyncio_baseline.py list | loops | version | params

Workloads (sizes and definitions as in bench-harness/README.md; `params` prints them, and a test
checks they match the Rust catalog):

- spawn_many_local, spawn_many_remote_idle, yield_many, ping_pong, chained_spawn: the scheduler
  shapes (create_task + gather/await; `await asyncio.sleep(0)` is the yield).
- sleep_heavy, sleep_light: tasks x sleeps of seeded random durations; the durations are drawn with
  the same SplitMix64 streams as the Rust side, so every runtime sleeps exactly the same sleeps.
- tcp_echo: loopback echo server and clients in one process (asyncio streams, TCP_NODELAY).

asyncio runs on one thread: every line says "workers": 1.
"""

import argparse
import asyncio
import json
import os
import platform
import resource
import subprocess
import sys
import time

SCHEMA = 1
SEED = 0x5EED
CURVE_QUANTILES = [0.5, 0.75, 0.9, 0.95, 0.99, 0.995, 0.999, 0.9995, 0.9999, 1.0]
MASK = (1 << 64) - 1
MESSAGE = 64

# name -> (family, unit, warm-up iterations, {param: (default, quick)})
WORKLOADS = {
    "spawn_many_local": ("scheduler", "tasks", 1, {"spawns": (10_000, 2_000), "iterations": (20, 5)}),
    "spawn_many_remote_idle": ("scheduler", "tasks", 1, {"spawns": (10_000, 2_000), "iterations": (20, 5)}),
    "yield_many": ("scheduler", "yields", 1, {"tasks": (200, 200), "yields": (1_000, 200), "iterations": (10, 3)}),
    "ping_pong": ("scheduler", "exchanges", 1, {"rounds": (1_000, 1_000), "iterations": (50, 10)}),
    "chained_spawn": ("scheduler", "tasks", 1, {"depth": (1_000, 1_000), "iterations": (50, 10)}),
    "sleep_heavy": ("time", "sleeps", 0, {
        "tasks": (100_000, 20_000), "sleeps": (5, 5), "min_us": (1_000, 1_000),
        "max_us": (50_000, 50_000), "seed": (SEED, SEED)}),
    "sleep_light": ("time", "sleeps", 0, {
        "tasks": (10_000, 2_000), "sleeps": (5, 5), "min_us": (1_000, 1_000),
        "max_us": (50_000, 50_000), "seed": (SEED, SEED)}),
    "tcp_echo": ("io", "round trips", 0, {"connections": (64, 64), "round_trips": (5_000, 300)}),
}


# ---------------------------------------------------------------------------------------------
# SplitMix64, identical to bench-harness/src/workloads/rng.rs


class Rng:
    def __init__(self, seed, task):
        self.state = (seed ^ ((task * 0xA0761D6478BD642F) & MASK)) & MASK
        self.next_u64()

    def next_u64(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def duration_us(self, lo, hi):
        span = hi - lo + 1
        return lo + ((self.next_u64() * span) >> 64)


# ---------------------------------------------------------------------------------------------
# Workloads: each coroutine runs one iteration and returns (ops, latency samples in ns or None).


class Countdown:
    """The last of n tasks resolves a future: one wake-up per iteration, as on the Rust side."""

    def __init__(self, n):
        self.left = n
        self.done = asyncio.get_running_loop().create_future()

    def tick(self):
        self.left -= 1
        if self.left == 0:
            self.done.set_result(None)


async def spawn_many_local(p):
    n = p["spawns"]
    countdown = Countdown(n)

    async def child():
        countdown.tick()

    async def spawner():
        for _ in range(n):
            asyncio.create_task(child())

    asyncio.create_task(spawner())
    await countdown.done
    return n, None


async def spawn_many_remote_idle(p):
    n = p["spawns"]

    async def child():
        pass

    tasks = [asyncio.create_task(child()) for _ in range(n)]
    for t in tasks:
        await t
    return n, None


async def yield_many(p):
    tasks, yields = p["tasks"], p["yields"]
    countdown = Countdown(tasks)

    async def yielder():
        for _ in range(yields):
            await asyncio.sleep(0)
        countdown.tick()

    for _ in range(tasks):
        asyncio.create_task(yielder())
    await countdown.done
    return tasks * yields, None


async def ping_pong(p):
    rounds = p["rounds"]
    countdown = Countdown(rounds)
    loop = asyncio.get_running_loop()

    async def ponger(ping, pong):
        await ping
        pong.set_result(None)

    async def pinger():
        ping, pong = loop.create_future(), loop.create_future()
        asyncio.create_task(ponger(ping, pong))
        ping.set_result(None)
        await pong
        countdown.tick()

    async def spawner():
        for _ in range(rounds):
            asyncio.create_task(pinger())

    asyncio.create_task(spawner())
    await countdown.done
    return rounds, None


async def chained_spawn(p):
    depth = p["depth"]
    done = asyncio.get_running_loop().create_future()

    async def link(left, ran):
        if left == 0:
            done.set_result(ran)
        else:
            asyncio.create_task(link(left - 1, ran + 1))

    asyncio.create_task(link(depth, 0))
    return await done, None


async def sleep_many(p):
    tasks, per_task = p["tasks"], p["sleeps"]
    lo, hi, seed = p["min_us"], p["max_us"], p["seed"]
    loop = asyncio.get_running_loop()
    samples = [0] * (tasks * per_task)
    countdown = Countdown(tasks)

    async def sleeper(task):
        rng = Rng(seed, task)
        for i in range(per_task):
            d = rng.duration_us(lo, hi) / 1e6
            deadline = loop.time() + d
            await asyncio.sleep(d)
            late = loop.time() - deadline
            samples[task * per_task + i] = int(late * 1e9) if late >= 0 else -1
        countdown.tick()

    async def spawner():
        for task in range(tasks):
            asyncio.create_task(sleeper(task))

    asyncio.create_task(spawner())
    await countdown.done
    return len(samples), samples


class EchoClients:
    """tcp_echo's untimed setup: an echo server and its connected clients."""

    async def start(self, connections):
        async def echo(reader, writer):
            try:
                while True:
                    data = await reader.read(4096)
                    if not data:
                        break
                    writer.write(data)
                    await writer.drain()
            except ConnectionError:
                pass
            writer.close()

        self.server = await asyncio.start_server(echo, "127.0.0.1", 0)
        port = self.server.sockets[0].getsockname()[1]
        self.clients = [await asyncio.open_connection("127.0.0.1", port) for _ in range(connections)]

    async def round_trips(self, n):
        out = b"\x5a" * MESSAGE

        async def client(reader, writer):
            rtt = []
            for _ in range(n):
                start = time.perf_counter_ns()
                writer.write(out)
                await writer.drain()
                await reader.readexactly(MESSAGE)
                rtt.append(time.perf_counter_ns() - start)
            return rtt

        results = await asyncio.gather(*(client(r, w) for r, w in self.clients))
        samples = [s for rtt in results for s in rtt]
        return len(samples), samples


# ---------------------------------------------------------------------------------------------
# Measurement


def usage():
    u = resource.getrusage(resource.RUSAGE_SELF)
    return u.ru_utime, u.ru_stime, u.ru_maxrss * 1024


def quantile(sorted_samples, q):
    """The value at quantile q: the smallest sample with at least q of the samples at or below it."""
    if not sorted_samples:
        return 0
    if q >= 1.0:
        return sorted_samples[-1]
    i = max(0, min(len(sorted_samples) - 1, int(-(-q * len(sorted_samples) // 1)) - 1))
    return sorted_samples[i]


def machine():
    cpu = platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = " ".join(line.split(":", 1)[1].split())
                    break
    except OSError:
        pass
    return f"{cpu} / {sys.platform} {platform.release()}"


def commit():
    if os.environ.get("CORIO_BENCH_COMMIT"):
        return os.environ["CORIO_BENCH_COMMIT"]
    repo = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")

    def git(*args):
        out = subprocess.run(["git", "-C", repo, *args], capture_output=True, text=True)
        return out.stdout.strip() if out.returncode == 0 else None

    head = git("rev-parse", "--short=12", "HEAD")
    if head is None:
        return None
    return head + "-dirty" if git("status", "--porcelain", "--untracked-files=no") else head


def env():
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count() or 1
    e = {
        "machine": machine(),
        "cores": cores,
        "python": f"Python {platform.python_version()}",
        "unix_time": int(time.time()),
    }
    c = commit()
    if c:
        e["commit"] = c
    return e


def new_loop(name):
    if name == "uvloop":
        import uvloop

        return uvloop.new_event_loop()
    if name != "asyncio":
        raise SystemExit(f"asyncio_baseline: no event loop `{name}`; use one of {', '.join(loops())}")
    return asyncio.new_event_loop()


def loops():
    found = ["asyncio"]
    try:
        import uvloop  # noqa: F401

        found.append("uvloop")
    except ImportError:
        pass
    return found


def params_of(name, quick, overrides):
    spec = WORKLOADS[name][3]
    p = {k: (q if quick else d) for k, (d, q) in spec.items()}
    for k, v in overrides:
        if k not in p:
            raise SystemExit(f"asyncio_baseline: {name} has no size `{k}`; its sizes are: {', '.join(spec)}")
        p[k] = v
    return p


def run(name, loop_name, quick, overrides):
    family, unit, warmup, _ = WORKLOADS[name]
    p = params_of(name, quick, overrides)
    iterations = p.get("iterations", 1)
    loop = new_loop(loop_name)
    asyncio.set_event_loop(loop)
    body = {
        "spawn_many_local": spawn_many_local,
        "spawn_many_remote_idle": spawn_many_remote_idle,
        "yield_many": yield_many,
        "ping_pong": ping_pong,
        "chained_spawn": chained_spawn,
        "sleep_heavy": sleep_many,
        "sleep_light": sleep_many,
    }.get(name)
    if name == "tcp_echo":
        clients = EchoClients()
        loop.run_until_complete(clients.start(p["connections"]))

        def iteration():
            return clients.round_trips(p["round_trips"])
    else:

        def iteration():
            return body(p)

    for _ in range(warmup):
        loop.run_until_complete(iteration())
    ops, wall, user, sys_ = 0, 0, 0.0, 0.0
    samples = []
    for _ in range(iterations):
        u0, s0, _ = usage()
        t0 = time.perf_counter_ns()
        n, lat = loop.run_until_complete(iteration())
        wall += time.perf_counter_ns() - t0
        u1, s1, _ = usage()
        user += u1 - u0
        sys_ += s1 - s0
        ops += n
        if lat is not None:
            samples.extend(lat)
    peak = usage()[2]
    record = {
        "schema": SCHEMA,
        "workload": name,
        "family": family,
        "runtime": loop_name,
        "workers": 1,
        "status": "ok",
        "params": p,
        "iterations": iterations,
        "ops": ops,
        "unit": unit,
        "wall_ns": wall,
        "cpu_user_ns": int(user * 1e9),
        "cpu_sys_ns": int(sys_ * 1e9),
        "peak_rss_bytes": peak,
    }
    if samples:
        early = sum(1 for s in samples if s < 0)
        ok = sorted(s for s in samples if s >= 0)
        record["latency_ns"] = {
            "count": len(ok),
            "p50": quantile(ok, 0.5),
            "p90": quantile(ok, 0.9),
            "p99": quantile(ok, 0.99),
            "p999": quantile(ok, 0.999),
            "max": quantile(ok, 1.0),
        }
        record["latency_curve"] = [[q, quantile(ok, q)] for q in CURVE_QUANTILES]
        if family == "time":
            record["extra"] = {"early_wakes": float(early)}
    record.update(env())
    return record


def parse_sizes(values):
    out = []
    for value in values or []:
        for item in value.split(","):
            if "=" not in item:
                raise SystemExit(f"asyncio_baseline: `{item}` is not NAME=VALUE")
            k, v = item.split("=", 1)
            out.append((k, int(v.replace("_", ""))))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="command", required=True)
    r = sub.add_parser("run", help="one run, one JSON line")
    r.add_argument("workload", choices=sorted(WORKLOADS))
    r.add_argument("--loop", default="asyncio")
    r.add_argument("--quick", action="store_true")
    r.add_argument("--size", action="append")
    a = sub.add_parser("all", help="every workload on every loop, each run a process of its own")
    a.add_argument("--quick", action="store_true")
    a.add_argument("--runs", type=int, default=1)
    sub.add_parser("list", help="the workloads")
    sub.add_parser("loops", help="the event loops installed")
    sub.add_parser("version", help="the Python version")
    sub.add_parser("params", help="every workload's sizes as JSON: {workload: {name: [default, quick]}}")
    args = ap.parse_args()

    if args.command == "list":
        print("\n".join(WORKLOADS))
    elif args.command == "loops":
        print("\n".join(loops()))
    elif args.command == "version":
        print(f"Python {platform.python_version()}")
    elif args.command == "params":
        print(json.dumps({name: {k: list(v) for k, v in w[3].items()} for name, w in WORKLOADS.items()}))
    elif args.command == "run":
        print(json.dumps(run(args.workload, args.loop, args.quick, parse_sizes(args.size))), flush=True)
    elif args.command == "all":
        for name in WORKLOADS:
            for _ in range(args.runs):
                for loop_name in loops():
                    cmd = [sys.executable, os.path.abspath(__file__), "run", name, "--loop", loop_name]
                    if args.quick:
                        cmd.append("--quick")
                    out = subprocess.run(cmd, capture_output=True, text=True)
                    sys.stdout.write(out.stdout)
                    sys.stdout.flush()
                    if out.returncode != 0:
                        sys.stderr.write(out.stderr)
                        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
