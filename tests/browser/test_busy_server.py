"""A busy server: a cell's output that arrives late still reaches the page (no blank page).

Under load (30 pages on 2 cores), a kernel's output reaches the server seconds after the
cell has finished.  nbclient waits only ``iopub_timeout`` (4 s by default) for it, then
drops it: the page is served without its widget and stays blank, with only "Timeout
waiting for IOPub output" in the log.  Here the delay is made certain, not left to chance:
the notebook holds its kernel's output thread for 6 s before its widget is sent, exactly
what a starved kernel does.  (The room benchmark, benchmarks/bench_voila.py, shows the same
under a real CPU hog.)
"""

from __future__ import annotations

import json
from pathlib import Path

import httpx
from test_hostile_server import start_server, stop_server

LATE_SOURCE = """\
import threading, time
import ipywidgets

kernel = get_ipython().kernel
parent = kernel.get_parent("shell")
button = ipywidgets.Button(description="Arrived late")
publish_status = kernel._publish_status


def late(status, channel, parent_msg=None):
    # The reply has gone; the widget's output and the idle status follow 6 s later,
    # as they do when the kernel or the server is starved of CPU.
    if status != "idle" or getattr(kernel, "_late_sent", False):
        return publish_status(status, channel, parent_msg)
    kernel._late_sent = True

    def send():
        time.sleep(6)
        bundle = {"data": button._repr_mimebundle_(), "metadata": {}, "transient": {}}
        kernel.session.send(kernel.iopub_socket, "display_data", bundle, parent=parent)
        publish_status(status, channel, parent_msg)

    threading.Thread(target=send, daemon=True).start()


kernel._publish_status = late
"""

LATE_OUTPUT_NB = {
    "cells": [
        {
            "cell_type": "code",
            "execution_count": None,
            "metadata": {},
            "outputs": [],
            "source": LATE_SOURCE.splitlines(keepends=True),
        }
    ],
    "metadata": {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "idpckit": {
            "kind": "app",
            "order": 0,
            "title": "Late output",
            "summary": "A widget sent late.",
            "preheat": False,
        },
    },
    "nbformat": 4,
    "nbformat_minor": 5,
}


def test_a_widget_whose_output_arrives_late_is_still_on_the_page(tmp_path: Path) -> None:
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    (notebooks / "late.ipynb").write_text(json.dumps(LATE_OUTPUT_NB), encoding="utf-8")
    server = start_server(tmp_path, "--no-preheat", "--notebooks", str(notebooks))
    try:
        html = httpx.get(server.base + "voila/render/late.ipynb", timeout=120).text
        assert "jupyter-config-data" in html
        assert "application/vnd.jupyter.widget-view+json" in html, "the page was served without its widget"
        assert "Timeout waiting for IOPub output" not in server.log()
    finally:
        stop_server(server)
