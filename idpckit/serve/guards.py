"""What the served kit refuses, as pure functions the Voilà handlers in :mod:`idpckit.serve` call.

Kept apart from the handlers so each rule is tested without starting a server:

* **kernel websocket framing** (:func:`v1_parts`): Voilà 0.5.13 reads every binary frame it
  sends with the ``v1.kernel.websocket.jupyter.org`` layout (an 8-byte count, then 8-byte
  offsets), even to a client that did not negotiate that protocol.  The older layout starts
  with a 4-byte count, so a frame with a buffer (an Image widget's bytes) is read as
  ~8.6e17 offsets and the server's only thread builds that list until memory runs out.
  jupyter_server reads incoming v1 frames the same way, so a hostile client can send such a
  count itself.  The server refuses clients without the v1 protocol (Voilà's own page always
  asks for it) and checks every v1 frame's count and offsets against its length first;
* **Host header** (:func:`allowed_hosts`, :func:`host_allowed`): only the names the server
  was started for, so a page elsewhere cannot use DNS rebinding to drive a trainee's local
  server;
* **the visitor's address** (:func:`client_address`): the peer of the connection, or,
  only when that peer is a proxy the server was told to trust (the JupyterHub proxy on
  this machine), the address that proxy appended to ``X-Forwarded-For``.  The server
  writes it into :data:`CLIENT_HEADER`, replacing anything the visitor sent under that
  name, and Voilà hands that header to the page's kernel (``http_header_envs``), where
  :mod:`idpckit.serve.request` reads it: the limit on wrong room codes and trainer keys
  then counts per visitor across reloads and kernels, not per kernel;
* **plain words** (:func:`error_page`) instead of Jupyter's error templates, which fail in
  Voilà (no static path) and turn every 404 into a 500.
"""

from __future__ import annotations

import ipaddress
import itertools
import json
from typing import Any

from ..i18n import N_, _, language, normalise
from ..style import css
from ..text import esc

V1_PROTOCOL = "v1.kernel.websocket.jupyter.org"
#: channel + header, parent header, metadata, content, and buffers: a real message has a few.
MAX_V1_PARTS = 64
#: The channels of a kernel connection; jupyter_server logged any other name a page sent, whole (up to 8 MB a line).
CHANNELS = frozenset({"shell", "control", "stdin", "iopub"})
#: Longest message type a page may name (the real ones are under 30 characters); longer ones were logged whole.
MAX_MSG_TYPE_CHARS = 64
LOCAL_NAMES = ("localhost", "127.0.0.1", "::1")
#: The request header the server sets to the visitor's address (a visitor's own is replaced).
CLIENT_HEADER = "X-Idpckit-Client"
#: Where a server started by JupyterHub reads the proxies it trusts (comma-separated addresses or networks).
TRUSTED_PROXIES_ENV = "IDPCKIT_TRUSTED_PROXIES"
TRACEBACK_WORDS = "Something went wrong in this page. The workshop server's log has the details for the trainer."


def v1_parts(frame: bytes) -> list[bytes] | None:
    """The parts of a v1 kernel-websocket frame (channel first), or None if it is not one.

    Never allocates more than the frame's own size: the count is checked against the
    frame's length before any offset is read.
    """
    if not isinstance(frame, bytes | bytearray | memoryview) or len(frame) < 16:
        return None
    frame = bytes(frame)
    count = int.from_bytes(frame[:8], "little")
    if not 2 <= count <= MAX_V1_PARTS or 8 * (count + 1) > len(frame):
        return None
    offsets = [int.from_bytes(frame[8 * (i + 1) : 8 * (i + 2)], "little") for i in range(count)]
    if offsets[0] != 8 * (count + 1) or any(b < a for a, b in itertools.pairwise(offsets)) or offsets[-1] > len(frame):
        return None
    return [frame[a:b] for a, b in itertools.pairwise(offsets)]


def incoming_problem(frame: Any) -> str | None:
    """Why a frame a visitor's page sent must not reach jupyter_server (None: it may), in words for the log.

    jupyter_server trusts what it reads: an unknown channel or message type is logged whole
    (a visitor could write 8 MB into the server's log with each message), a header that is
    not JSON raises and leaves a traceback in the log, and parts that are not JSON are passed
    on to the kernel, which logs a traceback of its own.  The reason never quotes the frame:
    what a visitor sends stays out of the log.
    """
    if not isinstance(frame, bytes | bytearray | memoryview):
        return "a text frame (pages send binary ones)"
    parts = v1_parts(frame)
    if parts is None:
        return "not a v1 kernel message"
    if len(parts) < 5:
        return "too few parts for a kernel message"
    if bytes(parts[0]).decode("ascii", "replace") not in CHANNELS:
        return f"an unknown channel ({len(parts[0])} bytes)"
    decoded = []
    for name, part in zip(("header", "parent header", "metadata", "content"), parts[1:5], strict=True):
        try:
            value = json.loads(part)
        except (ValueError, UnicodeDecodeError, RecursionError):
            return f"a {name} that is not JSON"
        if not isinstance(value, dict):
            return f"a {name} that is not a JSON object"
        decoded.append(value)
    msg_type = decoded[0].get("msg_type")
    if not isinstance(msg_type, str) or not 0 < len(msg_type) <= MAX_MSG_TYPE_CHARS:
        return "a header without a short message type"
    return None


def v1_frame(parts: list[bytes]) -> bytes:
    """Join ``parts`` (channel first) back into a v1 frame."""
    count = len(parts) + 1  # the last offset is where the frame ends
    offsets = [8 * (count + 1)]
    for part in parts:
        offsets.append(offsets[-1] + len(part))
    return b"".join([count.to_bytes(8, "little"), *(o.to_bytes(8, "little") for o in offsets), *parts])


def v1_header(parts: list[bytes] | None) -> dict[str, Any] | None:
    """The message header of a v1 frame's parts, or None."""
    if not parts or len(parts) < 5:
        return None
    try:
        header = json.loads(parts[1])
    except (ValueError, UnicodeDecodeError):
        return None
    return header if isinstance(header, dict) else None


def scrub_outgoing(frame: bytes) -> tuple[bytes | None, str]:
    """The frame to send to a visitor (None: send nothing) and the text kept from them (for the log).

    Kernel errors and anything written to stderr carry tracebacks and server paths: an
    ``error`` message keeps its place (so the page knows something failed) but says only
    :data:`TRACEBACK_WORDS`; ``stderr`` streams are dropped.  Unreadable frames are dropped.
    """
    parts = v1_parts(frame)
    header = v1_header(parts)
    if header is None:
        return None, "an unreadable message"
    msg_type = header.get("msg_type")
    if msg_type == "execute_input":
        return None, ""  # Voilà's own rule: the page never sees the code it runs
    if msg_type not in ("stream", "error"):
        return frame, ""
    try:
        content = json.loads(parts[4])
    except (ValueError, UnicodeDecodeError):
        return None, "an unreadable message"
    if not isinstance(content, dict):
        return None, "an unreadable message"
    if msg_type == "stream":
        return (None, str(content.get("text", ""))) if content.get("name") == "stderr" else (frame, "")
    words = {"ename": "Error", "evalue": TRACEBACK_WORDS, "traceback": [TRACEBACK_WORDS]}
    detail = "\n".join(str(line) for line in content.get("traceback", []) or [content.get("evalue", "")])
    return v1_frame([*parts[:4], json.dumps(words).encode(), *parts[5:]]), detail


def _bare(name: str) -> str:
    name = name.strip().lower().rstrip(".")
    if name.startswith("[") and "]" in name:
        return name[1 : name.index("]")]
    if name.count(":") == 1:
        return name.split(":", 1)[0]
    return name


def allowed_hosts(host: str, extra: tuple[str, ...] | list[str] = ()) -> frozenset[str]:
    """Host names the server answers to: localhost names, the ``--host`` given, and ``--allow-host``."""
    names = set(LOCAL_NAMES)
    if host not in ("", "0.0.0.0", "::"):
        names.add(_bare(host))
    names.update(_bare(h) for h in extra if h.strip())
    return frozenset(names)


def host_allowed(header: str | None, allowed: frozenset[str], listen_host: str = "") -> bool:
    """Whether a request's ``Host`` header names this server.

    A server listening on every interface (``0.0.0.0``) also answers to this machine's own
    IP addresses, since a room's devices type those; host *names* must be allowed explicitly.
    """
    if not header:
        return False
    name = _bare(header)
    if name in allowed:
        return True
    if listen_host in ("0.0.0.0", "::", ""):
        try:
            ip = ipaddress.ip_address(name)
        except ValueError:
            return False
        return ip.is_private or ip.is_loopback or ip.is_link_local
    return False


ERROR_WORDS = {
    400: (N_("This request could not be understood"), N_("The address or what was sent with it is not valid.")),
    403: (N_("This address is not open to visitors"), N_("Go back to the list of lessons and apps.")),
    404: (N_("There is no page at this address"), N_("Check the address, or go back to the list of lessons and apps.")),
    405: (N_("This address does not take that kind of request"), N_("Go back to the list of lessons and apps.")),
    413: (N_("That was too big to send"), N_("The workshop server accepts smaller files and messages.")),
    421: (N_("This server does not answer to that name"), N_("Open the address the trainer gave you.")),
}
OTHER_ERROR = (
    N_("Something went wrong on the workshop server"),
    N_("Try again in a moment; the trainer can read the details in the server's log."),
)


def error_page(status: int, base_url: str = "/", lang: str = "en") -> str:
    """A short page in plain words, in ``lang``, for an error ``status`` (no traceback, no server path)."""
    title, advice = ERROR_WORDS.get(status, OTHER_ERROR)
    with language(lang):
        return message_page(_(title), _(advice), base_url, lang=lang)


def message_page(title: str, advice: str, base_url: str = "/", head: str = "", lang: str = "en") -> str:
    """A short page in plain words with a link back to the index (``head``: extra, trusted, tags).

    ``title`` and ``advice`` are already in ``lang``, the language the page is marked with
    (``<html lang>``) and its link back keeps (``?lang=``).
    """
    lang = normalise(lang) or "en"
    base = esc(base_url if base_url.endswith("/") else base_url + "/")
    with language(lang):
        back = _("The lessons and apps")
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{esc(title)}</title>'
        f"<style>{css('message.css')}</style>"
        f"{head}</head>\n"
        f"<body><main><h1>{esc(title)}</h1><p>{esc(advice)}</p>"
        f'<p><a href="{base}{"?lang=" + lang if lang != "en" else ""}">{esc(back)}</a></p></main></body></html>\n'
    )


# --------------------------------------------------------------------------- the visitor's address

Networks = tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]


def trusted_networks(items: str | tuple[str, ...] | list[str]) -> Networks:
    """Proxies to trust, from addresses or networks (``127.0.0.1``, ``10.0.0.0/8``).

    :raises ValueError: in words, naming the entry that is neither.
    """
    if isinstance(items, str):
        items = items.split(",")
    out = []
    for item in (i.strip() for i in items):
        if not item:
            continue
        try:
            out.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            from ..i18n import _

            message = _("{item} is not an address or a network (e.g. 127.0.0.1 or 10.0.0.0/8)")
            raise ValueError(message.format(item=repr(item))) from None
    return tuple(out)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [::1]:port, as some proxies write it
        text = text[1 : text.index("]")]
    try:
        addr = ipaddress.ip_address(text)
    except ValueError:
        return None
    mapped = getattr(addr, "ipv4_mapped", None)
    return mapped or addr


def client_address(peer: str | None, forwarded_for: str | None, trusted: Networks = ()) -> str:
    """The visitor's address, as far as this server can know it.

    ``X-Forwarded-For`` is read only when the connection's ``peer`` is a trusted proxy,
    and then from the right: each trusted proxy appends the address it saw, so the first
    entry from the right that is not itself a trusted proxy is the visitor.  Entries to
    its left are whatever the visitor chose to send and are never believed.  Without a
    trusted peer the header is ignored: anyone can write it.
    """
    here = _address(peer or "")
    if here is None:
        return "unknown"
    if not any(here in net for net in trusted) or not forwarded_for:
        return str(here)
    for entry in reversed(forwarded_for.split(",")[-32:]):
        addr = _address(entry)
        if addr is None:
            break  # a trusted proxy never writes this: believe no further
        here = addr
        if not any(addr in net for net in trusted):
            break
    return str(here)


def set_client_header(request: Any, trusted: Networks = ()) -> None:
    """Write the visitor's address into :data:`CLIENT_HEADER` of a tornado request (replacing theirs)."""
    request.headers[CLIENT_HEADER] = client_address(request.remote_ip, request.headers.get("X-Forwarded-For"), trusted)


def _load_jupyter_server_extension(serverapp: Any) -> None:
    """Under JupyterHub (a jupyter_server with Voilà as an extension): set :data:`CLIENT_HEADER` on every request.

    The hub's single-user configuration enables this module as a server extension; the
    proxies to trust come from :data:`TRUSTED_PROXIES_ENV`, which the hub's configuration
    sets to this machine's loopback addresses (configurable-http-proxy runs beside it).
    """
    import os

    from .kernels import install_renderer

    install_renderer()  # a page whose kernel dies at start ends in words (idpckit.serve.kernels)
    trusted = trusted_networks(os.environ.get(TRUSTED_PROXIES_ENV, ""))
    app = serverapp.web_app
    find_handler = app.find_handler

    def with_client(request: Any, **kwargs: Any) -> Any:
        set_client_header(request, trusted)
        return find_handler(request, **kwargs)

    app.find_handler = with_client
    serverapp.log.info("idpckit: visitors' addresses read from %s", "the proxy" if trusted else "the connection")
