"""How many machines a room needs on the hub, from what benchmarks/bench_hub.py measured.

The model is deliberately plain, so a trainer can redo it on paper:

* memory  = idle hub + N x (one trainee's server and app kernel, as measured in a room),
            plus 25 % headroom (lessons opened beside the app, fragmentation);
* CPU     = what a login costs (server start, kernel start, the app's notebook run), for
            everyone logging in within LOGIN_WINDOW_S; once in, a trainee's kernel is idle
            between clicks, so the login burst, not the workshop, sizes the CPU;
* store   = one PostgreSQL connection per kernel (the store's pool keeps one), so
            N + a few; above PostgreSQL's default max_connections (100), raise it or put
            PgBouncer in front;
* machines = nodes of NODE_VCPUS vCPUs and NODE_GB GB, the larger of the memory and CPU
            counts (the hub, proxy and database on their own for 300 and more).

The measured inputs live in workshop/hosting/measured.json (copied from the last run of
bench_hub.py with ``--save``), so the table in workshop/hosting/README.md can be checked
against them (``--check``, which tests/test_hosting.py runs).

    python benchmarks/capacity_model.py                       # print the table
    python benchmarks/capacity_model.py --save                # take benchmarks/results/bench_hub.json
    python benchmarks/capacity_model.py --check workshop/hosting/README.md
    python benchmarks/capacity_model.py --write workshop/hosting/README.md
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MEASURED = REPO / "workshop" / "hosting" / "measured.json"
RESULTS = REPO / "benchmarks" / "results" / "bench_hub.json"
ROOMS = (30, 300, 3000)
HEADROOM = 1.25
LOGIN_WINDOW_S = 180  # everyone in within three minutes of "please log in now"
NODE_VCPUS, NODE_GB = 8, 32
PG_DEFAULT_MAX_CONNECTIONS = 100
START, END = "<!-- capacity-table:start -->", "<!-- capacity-table:end -->"
KEYS = ("idle_hub_pss_mb", "per_trainee_pss_mb", "per_login_cpu_s", "room", "room_errors", "room_p95_s", "when")


def needs(n: int, m: dict) -> dict:
    memory_gb = (m["idle_hub_pss_mb"] + n * m["per_trainee_pss_mb"]) * HEADROOM / 1024
    login_cpu_s = n * m["per_login_cpu_s"]
    cores = login_cpu_s / LOGIN_WINDOW_S
    nodes = max(1, math.ceil(memory_gb / NODE_GB), math.ceil(cores / NODE_VCPUS))
    return {
        "trainees": n,
        "memory_gb": memory_gb,
        "login_cpu_s": login_cpu_s,
        "cores": cores,
        "pg_connections": n + 5,
        "nodes": nodes,
    }


def table(m: dict) -> str:
    lines = [
        f"Measured by `benchmarks/bench_hub.py` ({m['when'][:10]}, a room of {m['room']} logging in at once: "
        f"{m['room_errors']} error{'' if m['room_errors'] == 1 else 's'}, 95 % in the app within {m['room_p95_s']:.0f} s on a shared 2-core machine): "
        f"idle hub {m['idle_hub_pss_mb']:.0f} MB, each trainee {m['per_trainee_pss_mb']:.0f} MB (server + app "
        f"kernel, PSS), {m['per_login_cpu_s']:.1f} CPU seconds per login. Model: `benchmarks/capacity_model.py`.",
        "",
        "| trainees at once | memory (with 25 % headroom) | CPU for everyone to log in within 3 min | "
        "PostgreSQL connections | machines of 8 vCPU / 32 GB |",
        "|---:|---:|---:|---:|---|",
    ]
    for n in ROOMS:
        r = needs(n, m)
        pg = f"{r['pg_connections']:,}" + (
            "" if r["pg_connections"] <= PG_DEFAULT_MAX_CONNECTIONS else " (raise max_connections or PgBouncer)"
        )
        where = (
            "1 (The Littlest JupyterHub, database on the same machine)"
            if r["nodes"] == 1
            else f"{r['nodes']} for trainees' servers + the hub and a managed PostgreSQL (Zero to JupyterHub)"
        )
        lines.append(
            f"| {n:,} | {r['memory_gb']:.0f} GB | {r['cores']:.1f} cores ({r['login_cpu_s']:,.0f} CPU s) | {pg} | {where} |"
        )
    return "\n".join(lines)


def block(m: dict) -> str:
    return f"{START}\n{table(m)}\n{END}"


def load() -> dict:
    return json.loads(MEASURED.read_text())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--save", action="store_true", help=f"copy the last bench_hub.py figures into {MEASURED.name}")
    parser.add_argument("--check", metavar="DOC", help="exit 1 if DOC's table differs from the model's")
    parser.add_argument("--write", metavar="DOC", help="replace DOC's table with the model's")
    args = parser.parse_args()
    if args.save:
        measured = json.loads(RESULTS.read_text())
        MEASURED.write_text(json.dumps({k: measured[k] for k in KEYS}, indent=2) + "\n")
    m = load()
    doc = Path(args.check or args.write) if (args.check or args.write) else None
    if doc is None:
        print(table(m))
        return 0
    text = doc.read_text()
    if START not in text or END not in text:
        print(f"{doc}: no {START} ... {END} markers", file=sys.stderr)
        return 1
    current = text[text.index(START) : text.index(END) + len(END)]
    if args.check:
        if current != block(m):
            print(f"{doc}: the capacity table is out of date; run: python benchmarks/capacity_model.py --write {doc}")
            return 1
        return 0
    doc.write_text(text.replace(current, block(m)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
