"""Workshop rooms: a trainer's private space where trainees' reviews meet.

A room is created by the trainer (``idpckit room create NAME``) and has two secrets
of different strength, because they do different jobs:

* the **room code** (``K7QD-M2XP``: 8 Crockford base32 characters, 40 random bits)
  is read aloud or written on a board; trainees type it to submit *into* the
  room.  It opens nothing: knowing it shows nobody's grades.
* the **trainer key** (``5 x 4`` characters, 100 random bits) opens the room's
  results.  It is shown once, when the room is made, and stored only as a salted
  scrypt hash, so a copy of the database does not reveal it.

Guessing is bounded: every wrong key and every unknown room code is recorded in
the store (so all kernels of a server share the count), and after
:data:`MAX_FAILURES` failures within :data:`WINDOW_SECONDS` for the same room or
the same client, further tries are refused with the wait stated in words, before
the key is even checked.  The key travels only in typed fields and command
options, never in a URL, and no message repeats it.

A room is open (accepts submissions) until the trainer closes it.  Drafts are
counted per room but never shown; the app saves a draft only once the trainee has
picked a country from the list, so half-typed set-ups leave nothing behind.

Results are computed per country and year, never mixed: Kenya's reviews are not
averaged with Uganda's.  For each commitment: how many reviews graded it, red /
orange / green after converting five-point grades (1-2 red, 3 orange, 4-5 green),
the median and spread on the common 1-5 score, the disagreement flag of
:func:`idpckit.coalition.merge` (the kit's one rule), and per country Krippendorff's
alpha for ordinal data (:mod:`idpckit.agreement`), ``None`` below two reviews.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import io
import json
import re
import secrets
import time
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from . import scales
from .agreement import reading, review_alpha
from .coalition import Consensus, merge
from .i18n import _, ngettext
from .store import _ALPHABET, _READ_AS, Store, Stored, StoreError, room_attempts, rooms_table
from .store import reviews as reviews_table
from .text import neutralise_formula

if TYPE_CHECKING:  # pragma: no cover
    from .data import Content

CODE_CHARS = 8  # 8 x 5 bits = 40 bits: short enough to read aloud, too many to guess at a few tries a minute
KEY_CHARS = 20  # 20 x 5 bits = 100 bits
#: scrypt's cost: 16 MiB and ~50 ms per check, a trifle for a trainer and a wall for an offline guesser.
SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}
#: At most this many failed tries per room and per client within :data:`WINDOW_SECONDS`.
MAX_FAILURES = 5
WINDOW_SECONDS = 60.0
#: The client of a page whose request (and so its visitor's address) has not reached its kernel yet:
#: tries are refused in words and not counted, so nobody guesses under a name shared by everyone.
PENDING_CLIENT = "pending"
NAME_MAX = 200


class RoomError(ValueError):
    """A room cannot be used as asked; the message says why, in words a trainer or trainee understands."""


class UnknownRoom(RoomError):
    """No room has this code (or the text is not a room code)."""


class RoomClosed(RoomError):
    """The room exists but no longer accepts submissions."""


class WrongKey(RoomError):
    """The trainer key does not open this room."""


class TooManyTries(RoomError):
    """Too many failed tries lately; the message says how long to wait."""

    def __init__(self, message: str, wait: float) -> None:
        super().__init__(message)
        self.wait = wait


@dataclass(frozen=True)
class Room:
    """A room as stored (never with its key)."""

    code: str
    name: str
    created_at: dt.datetime
    closed_at: dt.datetime | None = None

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def state(self) -> str:
        return "open" if self.is_open else "closed"


# --------------------------------------------------------------------------- codes and keys


def _group(raw: str) -> str:
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def new_room_code() -> str:
    """A fresh room code such as ``K7QD-M2XP`` (40 bits from :mod:`secrets`, no I, L, O or U)."""
    return _group("".join(secrets.choice(_ALPHABET) for _ in range(CODE_CHARS)))


def new_key() -> str:
    """A fresh trainer key such as ``3WQ8-...`` (five groups of four, 100 bits from :mod:`secrets`)."""
    return _group("".join(secrets.choice(_ALPHABET) for _ in range(KEY_CHARS)))


def _clean(text: str, size: int) -> str | None:
    raw = "".join(str(text).split()).replace("-", "").upper().translate(_READ_AS)
    if len(raw) != size or any(ch not in _ALPHABET for ch in raw):
        return None
    return _group(raw)


def normalise_room_code(text: str) -> str:
    """The canonical room code for what was typed (any case, spaces, dashes; O read as 0, I and L as 1).

    :raises UnknownRoom: the text cannot be a room code.
    """
    code = _clean(text, CODE_CHARS)
    if code is None:
        shown = str(text).strip()
        shown = shown if len(shown) <= 20 else shown[:17] + "..."
        raise UnknownRoom(
            _(
                "'{text}' is not a room code. A room code has 8 letters and digits in two groups of four, "
                "like K7QD-M2XP; ask your trainer for it."
            ).format(text=shown)
        )
    return code


def is_room_code(text: str) -> bool:
    """True when the text has the shape of a room code (it may still not exist)."""
    return _clean(text, CODE_CHARS) is not None


def hash_key(key: str, salt: bytes | None = None) -> str:
    """``scrypt$n$r$p$salt$hash`` for a trainer key (normalised first, so case and dashes do not matter)."""
    salt = secrets.token_bytes(16) if salt is None else salt
    digest = hashlib.scrypt(_key_bytes(key), salt=salt, maxmem=64 * 2**20, **SCRYPT)
    return f"scrypt${SCRYPT['n']}${SCRYPT['r']}${SCRYPT['p']}${salt.hex()}${digest.hex()}"


def _key_bytes(key: str) -> bytes:
    cleaned = _clean(key, KEY_CHARS)
    return (cleaned if cleaned is not None else str(key)[:200]).encode("utf-8")


def check_key(key: str, stored: str) -> bool:
    """True when ``key`` matches the stored hash (compared in constant time)."""
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        if kind != "scrypt":
            return False
        got = hashlib.scrypt(
            _key_bytes(key), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p), dklen=len(digest) // 2,
            maxmem=64 * 2**20,
        )  # fmt: skip
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got.hex(), digest)


def clean_name(name: str) -> str:
    """A room name as shown: control characters dropped, spaces collapsed, at most 200 characters."""
    text = " ".join("".join(ch if ch.isprintable() else " " for ch in str(name)).split())
    if not text:
        raise RoomError(_("Give the room a name, e.g. 'Nairobi workshop, May 2026'."))
    if len(text) > NAME_MAX:
        raise RoomError(
            _("A room name has at most {limit} characters; this one has {n}.").format(limit=NAME_MAX, n=len(text))
        )
    return text


# --------------------------------------------------------------------------- the rooms of a store


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


def _room(row: Any) -> Room:
    return Room(
        code=row.code,
        name=row.name,
        created_at=dt.datetime.fromisoformat(row.created_at),
        closed_at=dt.datetime.fromisoformat(row.closed_at) if row.closed_at else None,
    )


def _wait_words(seconds: float) -> str:
    seconds = max(1, round(seconds))
    if seconds < 90:
        return ngettext("{n} second", "{n} seconds", seconds).format(n=seconds)
    minutes = round(seconds / 60)
    return ngettext("{n} minute", "{n} minutes", minutes).format(n=minutes)


class NotReady(RoomError):
    """The page's visitor is not known yet (its request has not reached the kernel): try again soon."""


def _known_client(client: str) -> None:
    if client == PENDING_CLIENT:
        raise NotReady(_("This page is still starting. Wait a moment, then try again."))


class Rooms:
    """Create, open, close and read a store's rooms.

    :param store: the store the rooms and their reviews live in.
    :param clock: seconds since the epoch (a test can move time on).
    """

    def __init__(self, store: Store, clock: Any = time.time) -> None:
        self.store = store
        self.clock = clock

    # -- guessing ---------------------------------------------------------------------------

    def _blocked(self, scopes: Iterable[str]) -> None:
        """Refuse at once when any scope had too many failures lately (before checking anything)."""
        now = self.clock()
        since = now - WINDOW_SECONDS
        with self.store._read() as conn:
            for scope in scopes:
                times = (
                    conn.execute(
                        sa.select(room_attempts.c.at)
                        .where(room_attempts.c.scope == scope, room_attempts.c.at > since)
                        .order_by(room_attempts.c.at)
                    )
                    .scalars()
                    .all()
                )
                if len(times) >= MAX_FAILURES:
                    wait = times[-MAX_FAILURES] + WINDOW_SECONDS - now
                    raise TooManyTries(
                        _(
                            "Too many wrong tries in the last minute. Wait {wait}, "
                            "then type the code (and key) again carefully."
                        ).format(wait=_wait_words(wait)),
                        wait,
                    )

    def _failed(self, scopes: Iterable[str]) -> None:
        if self.store.read_only:  # nowhere to count it (a trainer reading an archived store's results)
            return
        now = self.clock()
        with self.store._write() as conn:
            conn.execute(room_attempts.insert(), [{"scope": s, "at": now} for s in scopes])
            conn.execute(room_attempts.delete().where(room_attempts.c.at < now - 3600))

    # -- creating and finding ---------------------------------------------------------------

    def create(self, name: str) -> tuple[Room, str]:
        """Make an open room; returns it and its trainer key (the only time the key is known)."""
        text = clean_name(name)
        key = new_key()
        hashed = hash_key(key)
        for _attempt in range(5):
            code = new_room_code()
            try:
                with self.store._write() as conn:
                    conn.execute(rooms_table.insert().values(code=code, name=text, key_hash=hashed, created_at=_now()))
                return self.get(code), key
            except sa.exc.IntegrityError:
                continue
        raise StoreError(_("Could not create a room (room code clash); try again."))

    def get(self, code: str) -> Room:
        """The room with this code, open or closed (no key needed: it says nothing of the reviews).

        :raises UnknownRoom: not a room code, or no such room.
        """
        code = normalise_room_code(code)
        with self.store._read() as conn:
            row = conn.execute(sa.select(rooms_table).where(rooms_table.c.code == code)).first()
        if row is None:
            raise UnknownRoom(
                _(
                    "There is no room {code}. Check the code with your trainer (letters and digits; "
                    "case and dashes do not matter)."
                ).format(code=code)
            )
        return _room(row)

    def list(self) -> list[Room]:
        """Every room, newest first."""
        with self.store._read() as conn:
            rows = conn.execute(sa.select(rooms_table).order_by(rooms_table.c.created_at.desc())).all()
        return [_room(r) for r in rows]

    def join(self, code: str, client: str = "local") -> Room:
        """The open room a trainee wants to submit into; unknown codes count as failed tries of ``client``.

        :raises TooManyTries: this client typed too many unknown codes lately.
        :raises UnknownRoom: no such room.
        :raises RoomClosed: the trainer closed it.
        """
        _known_client(client)
        scopes = [f"join:{client}"]
        self._blocked(scopes)
        normalise_room_code(code)  # a half-typed code is a typo, not a guess: not counted
        try:
            room = self.get(code)
        except UnknownRoom:
            self._failed(scopes)
            raise
        if not room.is_open:
            raise RoomClosed(
                _(
                    "Room {code} ({name}) is closed: it no longer accepts reviews. "
                    "Ask your trainer whether there is a new room."
                ).format(code=room.code, name=room.name)
            )
        return room

    def open(self, code: str, key: str, client: str = "local") -> Room:
        """The room, for its trainer: the key must match. Failures count per room and per client.

        :raises TooManyTries: too many failures for this room or this client lately.
        :raises UnknownRoom: no such room (counted as a failure too).
        :raises WrongKey: the key does not match.
        """
        try:
            code = normalise_room_code(code)
        except UnknownRoom:
            code = "?"
        _known_client(client)
        scopes = [f"key:{code}", f"client:{client}"]
        self._blocked(scopes)
        if code == "?":
            self._failed(scopes[1:])
            raise UnknownRoom(_("That is not a room code: a room code has 8 letters and digits, like K7QD-M2XP."))
        with self.store._read() as conn:
            row = conn.execute(sa.select(rooms_table).where(rooms_table.c.code == code)).first()
        if row is None or not check_key(key, row.key_hash):
            self._failed(scopes)
            # The same words for both: a guesser learns nothing about which codes exist.
            raise WrongKey(
                _(
                    "This trainer key does not open room {code}. Check both; the key was shown once, "
                    "when the room was made (it has five groups of four letters and digits)."
                ).format(code=code)
            )
        return _room(row)

    def close(self, room: Room) -> Room:
        """Close an opened room to new submissions (its reviews stay)."""
        with self.store._write() as conn:
            conn.execute(
                rooms_table.update()
                .where(rooms_table.c.code == room.code, rooms_table.c.closed_at.is_(None))
                .values(closed_at=_now())
            )
        return self.get(room.code)

    # -- the room's reviews -----------------------------------------------------------------

    def reviews(self, room: Room) -> list[Stored]:
        """Every review saved into the room, drafts included (the caller shows drafts only as a count)."""
        return self.store.room(room.code, submitted_only=False)

    def fingerprint(self, room: Room) -> tuple[Any, ...]:
        """What changes when the room's reviews or state change: cheap enough to ask every few seconds."""
        with self.store._read() as conn:
            n, last, saves = conn.execute(
                sa.select(
                    sa.func.count(), sa.func.max(reviews_table.c.updated_at), sa.func.sum(reviews_table.c.revision)
                ).where(reviews_table.c.room == room.code)
            ).one()
            submitted = conn.execute(
                sa.select(sa.func.count()).where(
                    reviews_table.c.room == room.code, reviews_table.c.status == "submitted"
                )
            ).scalar()
            closed = conn.execute(sa.select(rooms_table.c.closed_at).where(rooms_table.c.code == room.code)).scalar()
        return (n, last, saves, submitted, closed)

    def _review_in(self, room: Room, review_code: str) -> Stored:
        stored = self.store.load(review_code)
        if stored.assessment.room.upper() != room.code:
            raise RoomError(_("Review {review} is not in room {room}.").format(review=stored.code, room=room.code))
        return stored

    def move(self, room: Room, review_code: str, target: str) -> Room:
        """Move one review of ``room`` into another existing room (submitted reviews stay submitted)."""
        stored = self._review_in(room, review_code)
        other = self.get(target)
        body = stored.assessment.model_copy(update={"room": other.code}).model_dump_json()
        with self.store._write() as conn:
            conn.execute(
                reviews_table.update()
                .where(reviews_table.c.code == stored.code)
                .values(room=other.code, body=body, updated_at=_now(), revision=reviews_table.c.revision + 1)
            )
        return other

    def withdraw(self, room: Room, review_code: str) -> None:
        """Take a review out of the room; it stays in the store, in no room."""
        stored = self._review_in(room, review_code)
        body = stored.assessment.model_copy(update={"room": ""}).model_dump_json()
        with self.store._write() as conn:
            conn.execute(
                reviews_table.update()
                .where(reviews_table.c.code == stored.code)
                .values(room="", body=body, updated_at=_now(), revision=reviews_table.c.revision + 1)
            )

    def delete(self, room: Room, review_code: str) -> None:
        """Delete a review of the room for good (a test submission)."""
        stored = self._review_in(room, review_code)
        with self.store._write() as conn:
            conn.execute(reviews_table.delete().where(reviews_table.c.code == stored.code))


def accept_room(store: Store, code: str, client: str = "local") -> str:
    """The canonical code of an open, existing room, for anything that saves a review into it.

    ``idpckit store add --room`` and the self-assessment app call this; an empty
    code means "no room" and is returned as it is.
    """
    if not str(code).strip():
        return ""
    return Rooms(store).join(code, client).code


# --------------------------------------------------------------------------- results


def _counts(c: Consensus) -> dict[str, int]:
    lights = {"red": 0, "orange": 0, "green": 0}
    for s in c.scores:
        if s is not None:
            lights[scales.to_light(s)] += 1
    return lights


@dataclass(frozen=True)
class CountryResults:
    """One country and year of a room: its submitted reviews and how they graded each commitment."""

    country: str
    country_name: str
    year: int
    reviews: tuple[Stored, ...]
    consensus: tuple[Consensus, ...]
    alpha: float | None

    @property
    def reading(self) -> str:
        return reading(self.alpha, coders=len(self.reviews))

    def most_disagreed(self) -> list[Consensus]:
        """Commitments, disagreements first, widest spread first, then in Table 1 order."""
        order = {c.commitment_id: i for i, c in enumerate(self.consensus)}
        return sorted(self.consensus, key=lambda c: (not c.disagree, -(c.spread or 0), order[c.commitment_id]))

    def as_dict(self) -> dict[str, Any]:
        return {
            "country": self.country,
            "country_name": self.country_name,
            "year": self.year,
            "reviews": len(self.reviews),
            "alpha": None if self.alpha is None else round(self.alpha, 4),
            "alpha_reading": self.reading,
            "commitments": [
                {
                    "commitment_id": c.commitment_id,
                    "graded": c.n,
                    "not_assessed": c.not_assessed,
                    **_counts(c),
                    "median": c.median,
                    "spread": c.spread,
                    "disagree": c.disagree,
                }
                for c in self.consensus
            ],
        }


@dataclass(frozen=True)
class RoomResults:
    """A room's results: who submitted, how many drafts, and the results of each country and year."""

    room: Room
    submitted: tuple[Stored, ...]
    drafts: int
    countries: tuple[CountryResults, ...] = field(default=())

    def as_dict(self) -> dict[str, Any]:
        """The documented JSON shape (see the README's "Room results")."""
        return {
            "room": self.room.code,
            "name": self.room.name,
            "state": self.room.state,
            "submitted": len(self.submitted),
            "drafts": self.drafts,
            "countries": [c.as_dict() for c in self.countries],
        }


def results(room: Room, every: Sequence[Stored], content: Content | None = None) -> RoomResults:
    """Compute a room's results from its reviews (drafts are only counted)."""
    from .countries import name

    submitted = [s for s in every if s.status == "submitted"]
    groups: dict[tuple[str, int], list[Stored]] = defaultdict(list)
    for s in submitted:
        groups[(s.assessment.country, s.assessment.year)].append(s)
    countries = []
    for (country, year), group in sorted(groups.items(), key=lambda kv: (name(kv[0][0]), kv[0][1])):
        assessments = [s.assessment for s in group]
        consensus = merge(assessments, content)
        countries.append(
            CountryResults(
                country=country,
                country_name=name(country),
                year=year,
                reviews=tuple(group),
                consensus=tuple(consensus),
                alpha=review_alpha(assessments, [c.commitment_id for c in consensus]),
            )
        )
    return RoomResults(room, tuple(submitted), len(every) - len(submitted), tuple(countries))


def results_json(res: RoomResults) -> str:
    return json.dumps(res.as_dict(), indent=2, ensure_ascii=False) + "\n"


CSV_COLUMNS = (
    "room", "review", "status", "submitted_at", "country", "year", "organisations", "assessor", "scale",
    "number", "commitment_id", "commitment", "grade", "score", "light", "evidence", "recommendation",
)  # fmt: skip


def results_csv(res: RoomResults, content: Content) -> str:
    """Every grade of the room's submitted reviews: one row per review and commitment."""
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\n")
    out.writerow(CSV_COLUMNS)
    known_ids = {c.id: c for c in content.commitments}
    for i, s in enumerate(res.submitted, start=1):
        a = s.assessment
        for e in a.entries:
            score = scales.to_score(e.grade, a.scale) if e.grade is not None else None
            known = known_ids.get(e.commitment_id)
            row = [
                res.room.code, i, s.status, s.submitted_at.isoformat(timespec="seconds") if s.submitted_at else "",
                a.country, a.year, "; ".join(a.organisations), a.assessor, a.scale,
                known.number if known else "", e.commitment_id, known.title if known else e.commitment_id,
                "" if e.grade is None else e.grade, "" if score is None else score,
                "not assessed" if score is None else scales.to_light(score), e.evidence, e.recommendation,
            ]  # fmt: skip
            out.writerow([neutralise_formula(v) for v in row])
    return buf.getvalue()


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")[:40] or "review"


def results_bundle(res: RoomResults) -> bytes:
    """A zip with one folder of review JSON files per country and year, for ``idpckit aggregate``."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        folders = []
        for group in res.countries:
            folder = f"{group.country}-{group.year}"
            folders.append(folder)
            for i, s in enumerate(group.reviews, start=1):
                who = _slug(", ".join(s.assessment.organisations) or s.assessment.assessor)
                zf.writestr(f"{folder}/{i:03d}-{who}.json", s.assessment.to_json())
        lines = [
            f"Reviews submitted to room {res.room.code} ({res.room.name}), one folder per country and year.",
            "Build a coalition view of one folder with:",
            *(f"    idpckit aggregate {f}/ -o {f}-coalition.html" for f in folders),
        ]
        zf.writestr("README.txt", "\n".join(lines) + "\n")
    return buf.getvalue()
