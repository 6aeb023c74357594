"""How many kernels this machine can hold, in plain numbers the trainer sees at start.

Every page runs in its own kernel.  An app's kernel costs about :data:`KERNEL_MB` of
memory (the self-assessment with pandas, matplotlib and ipywidgets: 139 MB RSS measured
on this kind of machine, ``/work/shared/research/voila-measured.md`` §1, rounded up).  A
room of N trainees opening the app at once needs N kernels ready (``--room-size N``); a
server that starts kernels without limit runs out of memory and every page stops, so
live kernels are capped (default: what the machine's available memory holds).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..i18n import _, ngettext, number

#: Memory one app kernel takes (MB); see the module docstring.
KERNEL_MB = 150
#: Share of the available memory the kernels may use; the rest is for the server, the OS, a browser.
USABLE_SHARE = 0.8
#: A kernel grown past this (MB) is stopped: one visitor must not take the room's memory.
KERNEL_MEMORY_CAP_MB = 1024
#: A kernel whose page never connected is stopped after this many idle seconds (Voilà: 5 minutes).
UNCLAIMED_KERNEL_S = 60
#: The "server is full" page asks the browser to try again after this many seconds.
RETRY_S = 20


class CapacityError(ValueError):
    """The machine cannot hold what was asked, in words."""


def available_mb() -> int:
    """Memory available for new processes now, in MB (psutil's estimate, as ``free`` shows it)."""
    import psutil

    return int(psutil.virtual_memory().available / 1e6)


def default_max_kernels(available: int) -> int:
    """The cap on live kernels when none is given: what :data:`USABLE_SHARE` of ``available`` holds."""
    return max(2, int(available * USABLE_SHARE // KERNEL_MB))


@dataclass(frozen=True)
class Plan:
    """Kernels kept ready and the cap on live kernels, with what they cost."""

    room_size: int
    apps: int
    max_kernels: int
    available_mb: int

    @property
    def ready(self) -> int:
        return self.room_size * self.apps

    @property
    def ready_mb(self) -> int:
        return self.ready * KERNEL_MB

    def describe(self) -> str:
        """The start-up line of ``idpckit serve`` about memory, in the language in use (counted words)."""
        # Translators: the parts are the next messages, e.g. "keeping 2 kernels ready", "for each of 3 apps".
        return _(
            "{keeping} {for_each}: {kernels}, about {gb} GB of memory ({mb} MB each); {at_most} "
            "(this machine has {available} GB available)"
        ).format(
            keeping=ngettext("keeping {n} kernel ready", "keeping {n} kernels ready", self.room_size).format(
                n=self.room_size
            ),
            for_each=ngettext("for each of {n} app", "for each of {n} apps", self.apps).format(n=self.apps),
            kernels=ngettext("{n} kernel", "{n} kernels", self.ready).format(n=self.ready),
            gb=number(self.ready_mb / 1000, "0.0"),
            mb=KERNEL_MB,
            at_most=ngettext("at most {n} page at once", "at most {n} pages at once", self.max_kernels).format(
                n=self.max_kernels
            ),
            available=number(self.available_mb / 1000, "0.0"),
        )


def plan(room_size: int, apps: int, max_kernels: int | None = None, available: int | None = None) -> Plan:
    """What ``--room-size`` and ``--max-kernels`` ask of this machine, checked.

    :raises CapacityError: in words, when the ready kernels would not fit in memory, or
        the cap is below what is kept ready.
    """
    if room_size < 0:
        raise CapacityError(_("--room-size must be 0 or more, not {n}.").format(n=room_size))
    available = available_mb() if available is None else available
    usable = int(available * USABLE_SHARE)
    need = room_size * apps * KERNEL_MB
    if need > usable:
        fits = max(0, usable // (KERNEL_MB * max(apps, 1)))
        raise CapacityError(
            _(
                "--room-size {room_size} would keep {kernels} ready ({room_size} {for_each}), about {need} GB of "
                "memory, but this machine has only {available} GB available. Use --room-size {fits} or less, "
                "or a machine with more memory."
            ).format(
                room_size=room_size,
                kernels=ngettext("{n} kernel", "{n} kernels", room_size * apps).format(n=room_size * apps),
                for_each=ngettext("for each of {n} app", "for each of {n} apps", apps).format(n=apps),
                need=number(need / 1000, "0.0"),
                available=number(available / 1000, "0.0"),
                fits=fits,
            )
        )
    cap = default_max_kernels(available) if max_kernels is None else max_kernels
    if max_kernels is None:
        cap = max(cap, room_size * apps + 2)
    if cap < room_size * apps + 1:
        raise CapacityError(
            _(
                "--max-kernels {cap} leaves no room for visitors: --room-size {room_size} already keeps "
                "{kernels} ready. Use --max-kernels {enough} or more."
            ).format(
                cap=cap,
                room_size=room_size,
                kernels=ngettext("{n} kernel", "{n} kernels", room_size * apps).format(n=room_size * apps),
                enough=room_size * apps + 10,
            )
        )
    return Plan(room_size=room_size, apps=apps, max_kernels=cap, available_mb=available)
