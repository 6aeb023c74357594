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
against them (``--check``, which tests/test_hosting.py runs).  The Spanish and French
guides (workshop/es|fr/hosting/README.md) carry the same table in their language, with the
language's numbers (3.000, 3 000; 1,0): a document under workshop/<lang>/ gets that
language's table, so new measurements reach the translations with the same ``--write``.

    python benchmarks/capacity_model.py                       # print the table
    python benchmarks/capacity_model.py --save                # take benchmarks/results/bench_hub.json
    python benchmarks/capacity_model.py --check workshop/hosting/README.md
    python benchmarks/capacity_model.py --write workshop/hosting/README.md workshop/es/hosting/README.md
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


#: The table's words per language; numbers are written by Babel in the language's way.
WORDS = {
    "en": {
        "measured": "Measured by `benchmarks/bench_hub.py` ({when}, a room of {room} logging in at once: {errors} "
        "{error_word}, 95 % in the app within {p95} s on a shared 2-core machine): idle hub {idle} MB, each trainee "
        "{per} MB (server + app kernel, PSS), {cpu} CPU seconds per login. Model: `benchmarks/capacity_model.py`.",
        "error": ("error", "errors"),
        "head": "| trainees at once | memory (with 25 % headroom) | CPU for everyone to log in within 3 min | "
        "PostgreSQL connections | machines of 8 vCPU / 32 GB |",
        "memory": "{gb} GB",
        "cores": "{cores} cores ({cpu} CPU s)",
        "raise": " (raise max_connections or PgBouncer)",
        "one": "1 (The Littlest JupyterHub, database on the same machine)",
        "many": "{nodes} for trainees' servers + the hub and a managed PostgreSQL (Zero to JupyterHub)",
    },
    "es": {
        "measured": "Medido por `benchmarks/bench_hub.py` ({when}, una sala de {room} personas que inician sesión a "
        "la vez: {errors} {error_word}, el 95 % dentro de la aplicación en {p95} s en una máquina compartida de 2 "
        "núcleos): hub en reposo {idle} MB, cada participante {per} MB (servidor + kernel de la aplicación, PSS), "
        "{cpu} segundos de CPU por inicio de sesión. Modelo: `benchmarks/capacity_model.py`.",
        "error": ("error", "errores"),
        "head": "| participantes a la vez | memoria (con un 25 % de margen) | CPU para que todo el mundo entre en 3 min | "
        "conexiones de PostgreSQL | máquinas de 8 vCPU / 32 GB |",
        "memory": "{gb} GB",
        "cores": "{cores} núcleos ({cpu} s de CPU)",
        "raise": " (suba max_connections o use PgBouncer)",
        "one": "1 (The Littlest JupyterHub, base de datos en la misma máquina)",
        "many": "{nodes} para los servidores de participantes + el hub y un PostgreSQL gestionado (Zero to JupyterHub)",
    },
    "fr": {
        "measured": "Mesuré par `benchmarks/bench_hub.py` ({when}, une salle de {room} personnes qui se connectent en "
        "même temps : {errors} {error_word}, 95 % dans l'application en {p95} s sur une machine partagée à 2 cœurs) : "
        "hub au repos {idle} Mo, chaque participant·e {per} Mo (serveur + noyau de l'application, PSS), {cpu} secondes "
        "de CPU par connexion. Modèle : `benchmarks/capacity_model.py`.",
        "error": ("erreur", "erreurs"),
        "head": "| participant·es en même temps | mémoire (avec 25 % de marge) | CPU pour que tout le monde se connecte "
        "en 3 min | connexions PostgreSQL | machines de 8 vCPU / 32 Go |",
        "memory": "{gb} Go",
        "cores": "{cores} cœurs ({cpu} s de CPU)",
        "core": "{cores} cœur ({cpu} s de CPU)",  # French: below 2 in the singular
        "raise": " (augmenter max_connections ou PgBouncer)",
        "one": "1 (The Littlest JupyterHub, base de données sur la même machine)",
        "many": "{nodes} pour les serveurs des participant·es + le hub et un PostgreSQL géré (Zero to JupyterHub)",
    },
}


def number(value: float, lang: str = "en", decimals: int = 0) -> str:
    """``value`` as the language writes it: 3,000 / 3.000 / 3 000, and 1.0 / 1,0."""
    from babel.numbers import format_decimal

    return format_decimal(value, format="#,##0" + ("." + "0" * decimals if decimals else ""), locale=lang)


def table(m: dict, lang: str = "en") -> str:
    w = WORDS[lang]
    errors = m["room_errors"]
    french_singular = lang == "fr" and errors in (0, 1)  # French counts 0 in the singular
    error_word = w["error"][0] if errors == 1 or french_singular else w["error"][1]
    lines = [
        w["measured"].format(
            when=m["when"][:10],
            room=m["room"],
            errors=errors,
            error_word=error_word,
            p95=number(m["room_p95_s"], lang),
            idle=number(m["idle_hub_pss_mb"], lang),
            per=number(m["per_trainee_pss_mb"], lang),
            cpu=number(m["per_login_cpu_s"], lang, 1),
        ),
        "",
        w["head"],
        "|---:|---:|---:|---:|---|",
    ]
    for n in ROOMS:
        r = needs(n, m)
        pg = number(r["pg_connections"], lang) + (
            "" if r["pg_connections"] <= PG_DEFAULT_MAX_CONNECTIONS else w["raise"]
        )
        where = w["one"] if r["nodes"] == 1 else w["many"].format(nodes=r["nodes"])
        memory = w["memory"].format(gb=number(r["memory_gb"], lang))
        cores = w["core" if r["cores"] < 2 and "core" in w else "cores"].format(
            cores=number(r["cores"], lang, 1), cpu=number(r["login_cpu_s"], lang)
        )
        lines.append(f"| {number(n, lang)} | {memory} | {cores} | {pg} | {where} |")
    return "\n".join(lines)


def language(doc: Path) -> str:
    """The language of a guide: ``workshop/es/...`` is Spanish, anything else English."""
    parts = doc.resolve().parts
    for i, part in enumerate(parts[:-1]):
        if part == "workshop" and parts[i + 1] in WORDS:
            return parts[i + 1]
    return "en"


def block(m: dict, lang: str = "en") -> str:
    return f"{START}\n{table(m, lang)}\n{END}"


def load() -> dict:
    return json.loads(MEASURED.read_text())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--save", action="store_true", help=f"copy the last bench_hub.py figures into {MEASURED.name}")
    parser.add_argument("--check", metavar="DOC", nargs="+", help="exit 1 if a DOC's table differs from the model's")
    parser.add_argument("--write", metavar="DOC", nargs="+", help="replace each DOC's table with the model's")
    parser.add_argument("--lang", choices=sorted(WORDS), default="en", help="the language of the printed table")
    args = parser.parse_args()
    if args.save:
        measured = json.loads(RESULTS.read_text())
        MEASURED.write_text(json.dumps({k: measured[k] for k in KEYS}, indent=2) + "\n")
    m = load()
    docs = [Path(d) for d in (args.check or args.write or [])]
    if not docs:
        print(table(m, args.lang))
        return 0
    failed = 0
    for doc in docs:
        text = doc.read_text()
        if START not in text or END not in text:
            print(f"{doc}: no {START} ... {END} markers", file=sys.stderr)
            failed = 1
            continue
        current = text[text.index(START) : text.index(END) + len(END)]
        wanted = block(m, language(doc))
        if args.check:
            if current != wanted:
                print(
                    f"{doc}: the capacity table is out of date; run: python benchmarks/capacity_model.py --write {doc}"
                )
                failed = 1
            continue
        doc.write_text(text.replace(current, wanted))
    return failed


if __name__ == "__main__":
    sys.exit(main())
