"""What a room costs on the workshop hub: one trainee alone (the baseline), then a room at once.

Everything in one run, on the real hub of workshop/hosting/jupyterhub/ (JupyterHub,
configurable-http-proxy, one single-user Voilà server per trainee, one PostgreSQL store, the
idle culler), over plain HTTP as a browser would (login form, spawn, OAuth, the app's page,
read to its end, i.e. until the notebook has run in the trainee's kernel):

(a) idle: the hub, proxy and culler with nobody logged in (memory as PSS, so shared pages are
    counted once and the figures add up; RSS beside it);
(b) baseline: one trainee logs in alone: seconds to the app, memory and CPU seconds added;
(c) room: N trainees (default 30) log in at the same moment: errors, seconds to the app
    (median, 95th percentile, slowest), wall time, peak memory sampled every second, and
    memory and CPU per trainee; ratios against the baseline;
(d) culling: with nobody active, the culler stops every server after the idle timeout; the
    memory left, against (a).

The figures are printed and saved to benchmarks/results/bench_hub.json (git-ignored);
``benchmarks/capacity_model.py`` turns them into the capacity table of workshop/hosting/README.md.

    flock /tmp/idpckit-heavy.lock python benchmarks/bench_hub.py [--room 30] [--idle-timeout 60]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, closing
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO))

from hub_helpers import TRAINEE_PASSWORD, Hub, footprint, login  # noqa: E402

RESULTS = HERE / "results" / "bench_hub.json"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def postgres(stack: ExitStack) -> str:
    """A fresh database on $IDPCKIT_TEST_PG_URL's server, or on a throwaway cluster started here."""
    import sqlalchemy as sa
    from pg_fixtures import CLUSTER_SCRIPT, _parse_exports

    server = os.environ.get("IDPCKIT_TEST_PG_URL", "")
    if not server:
        out = subprocess.run(["bash", str(CLUSTER_SCRIPT), "start"], capture_output=True, text=True, check=True)
        exports = _parse_exports(out.stdout)
        server = exports["IDPCKIT_TEST_PG_URL"]
        stack.callback(subprocess.run, ["bash", str(CLUSTER_SCRIPT), "stop", exports["IDPCKIT_TEST_PG_DIR"]])
    name = f"idpckit_bench_{os.getpid()}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    stack.callback(drop)
    return sa.engine.make_url(server).set(database=name).render_as_string(hide_password=False)


def cpu_seconds(procs: list) -> float:
    total = 0.0
    for p in procs:
        try:
            t = p.cpu_times()
            total += t.user + t.system + t.children_user + t.children_system
        except Exception:
            continue
    return total


def own_cpu(procs: list) -> dict[int, float]:
    """CPU seconds each process has used so far (user + system), by pid."""
    out = {}
    for p in procs:
        try:
            t = p.cpu_times()
            out[p.pid] = t.user + t.system
        except Exception:
            continue
    return out


def servers_now_at(hub: Hub) -> int:
    return len(hub.servers())


def visit(hub: Hub, name: str) -> dict:
    try:
        v = login(hub.base, name, TRAINEE_PASSWORD, timeout=600)
    except Exception as exc:  # a failed login is a figure here, not a crash
        return {"name": name, "error": f"{type(exc).__name__}: {exc}"}
    with closing(v.client):
        ok = WIDGET_VIEW in v.page
    return {"name": name, "seconds": v.seconds, **({} if ok else {"error": "the app's widget is not in the page"})}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--room", type=int, default=30, help="trainees logging in at once (default 30)")
    parser.add_argument("--idle-timeout", type=int, default=60, help="culler timeout in seconds (default 60)")
    args = parser.parse_args()

    with ExitStack() as stack, tempfile.TemporaryDirectory(prefix="idpckit-bench-hub-") as tmp:
        store = postgres(stack)
        hub = stack.enter_context(Hub(store, Path(tmp) / "state", idle_timeout=args.idle_timeout))
        time.sleep(5)  # let the culler's first look and the hub's start-up work settle
        idle = footprint(hub.processes())
        print(f"(a) idle hub: {idle['pss_mb']:.0f} MB PSS ({idle['rss_mb']:.0f} MB RSS), {idle['processes']} processes")

        cpu0 = cpu_seconds(hub.processes())
        alone = visit(hub, "baseline")
        assert "error" not in alone, alone
        one = footprint(hub.processes())
        cpu1 = cpu_seconds(hub.processes())
        per_one = one["pss_mb"] - idle["pss_mb"]
        print(
            f"(b) one trainee alone: {alone['seconds']:.1f} s to the app, +{per_one:.0f} MB PSS, {cpu1 - cpu0:.1f} CPU s"
        )

        peak = {"pss_mb": one["pss_mb"], "rss_mb": one["rss_mb"]}
        done = threading.Event()

        start_cpu = own_cpu(hub.processes())
        seen_cpu = dict(start_cpu)

        def sample() -> None:
            while not done.is_set():
                procs = hub.processes()
                seen_cpu.update(own_cpu(procs))  # kept after a server is culled: its CPU still counts
                f = footprint(procs)
                if f["pss_mb"] > peak["pss_mb"]:
                    peak.update(pss_mb=f["pss_mb"], rss_mb=f["rss_mb"], servers=len(hub.servers()))
                done.wait(1.0)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=args.room) as pool:
            room = list(pool.map(lambda n: visit(hub, f"trainee{n:03d}"), range(args.room)))
        wall = time.monotonic() - started
        all_in = footprint(hub.processes())
        done.set()
        sampler.join()
        seen_cpu.update(own_cpu(hub.processes()))
        room_cpu = sum(seen_cpu.values()) - sum(start_cpu.values())
        errors = [r for r in room if "error" in r]
        secs = sorted(r["seconds"] for r in room if "error" not in r)
        servers_now = len(hub.servers())
        # Per trainee: the peak's memory above the idle hub, over the servers running at that moment
        # (the culler may already have stopped the first ones in when the last log in).
        if all_in["pss_mb"] >= peak["pss_mb"]:
            peak.update(pss_mb=all_in["pss_mb"], rss_mb=all_in["rss_mb"], servers=servers_now_at(hub))
        per_trainee = (peak["pss_mb"] - idle["pss_mb"]) / max(1, peak.get("servers", 1))
        cpu_per_login = room_cpu / args.room
        p95 = secs[min(len(secs) - 1, round(0.95 * (len(secs) - 1)))] if secs else float("nan")
        print(
            f"(c) room of {args.room} at once: {len(errors)} errors; to the app: median "
            f"{statistics.median(secs):.1f} s, p95 {p95:.1f} s, slowest {secs[-1]:.1f} s; wall {wall:.1f} s; "
            f"{servers_now} servers running at the end"
        )
        print(
            f"    peak {peak['pss_mb']:.0f} MB PSS with {peak.get('servers')} servers up; memory per trainee "
            f"{per_trainee:.0f} MB PSS (alone: {per_one:.0f} MB; ratio "
            f"{per_trainee / per_one:.2f}); CPU per login {cpu_per_login:.1f} s (alone {cpu1 - cpu0:.1f} s); "
            f"p95 login / alone {p95 / alone['seconds']:.2f}"
        )
        for e in errors[:5]:
            print(f"    error: {e['name']}: {e['error']}")

        cull_start = time.monotonic()
        deadline = cull_start + args.idle_timeout * 3 + 300
        while (hub.servers() or hub.kernels()) and time.monotonic() < deadline:
            time.sleep(2)
        culled_after = time.monotonic() - cull_start
        culled_all = not hub.servers()
        left = footprint(hub.processes())
        print(
            f"(d) culled: {'all servers stopped' if culled_all else f'{len(hub.servers())} servers still up'} "
            f"{culled_after:.0f} s after the room was in (timeout {args.idle_timeout} s); left "
            f"{left['pss_mb']:.0f} MB PSS, ratio to idle {left['pss_mb'] / idle['pss_mb']:.2f}"
        )

    result = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "load_1min": os.getloadavg()[0]},
        "room": args.room,
        "idle_timeout_s": args.idle_timeout,
        "idle_hub_pss_mb": round(idle["pss_mb"], 1),
        "idle_hub_rss_mb": round(idle["rss_mb"], 1),
        "alone_seconds": round(alone["seconds"], 2),
        "alone_pss_mb": round(per_one, 1),
        "alone_cpu_s": round(cpu1 - cpu0, 2),
        "room_errors": len(errors),
        "room_median_s": round(statistics.median(secs), 2),
        "room_p95_s": round(p95, 2),
        "room_max_s": round(secs[-1], 2),
        "room_wall_s": round(wall, 2),
        "per_trainee_pss_mb": round(per_trainee, 1),
        "per_login_cpu_s": round(cpu_per_login, 2),
        "peak_pss_mb": round(peak["pss_mb"], 1),
        "servers_at_peak": peak.get("servers"),
        "culled_all": culled_all,
        "culled_after_s": round(culled_after, 1),
        "after_cull_pss_mb": round(left["pss_mb"], 1),
        "after_cull_vs_idle": round(left["pss_mb"] / idle["pss_mb"], 3),
    }
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(f"saved {RESULTS.relative_to(REPO)}")


if __name__ == "__main__":
    main()
