"""`make run` is `sanphalang up`: from an empty var directory it starts every process, and Ctrl-C
(SIGINT to the terminal's process group) or SIGTERM stops them all within 10 s, leaving none
behind."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import psutil
import pytest
import requests

from tests.support import ROOT, free_port, rabbit_vhost

STOP_WITHIN_S = 10


def _healthy(url: str) -> bool:
    try:
        return requests.get(f"{url}/health", timeout=5).status_code == 200
    except requests.RequestException:
        return False


@pytest.mark.parametrize("how", ["ctrl-c", "sigterm"])
def test_up_stops_every_process_within_ten_seconds(how, tmp_path):
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with rabbit_vhost() as amqp, open(tmp_path / "up.log", "wb") as out:
        env = {**os.environ, "SANPHALANG_VAR": str(tmp_path / "var"), "SANPHALANG_PORT": str(port),
               "SANPHALANG_AMQP_URI": amqp}
        up = subprocess.Popen([sys.executable, "-m", "sanphalang", "up"], env=env, cwd=ROOT, stdout=out,
                              stderr=subprocess.STDOUT, start_new_session=True)
        try:
            deadline = time.monotonic() + 90
            while not _healthy(url):
                assert up.poll() is None and time.monotonic() < deadline, (tmp_path / "up.log").read_text()
                time.sleep(0.3)
            children = psutil.Process(up.pid).children(recursive=True)
            assert len(children) >= 5
            began = time.monotonic()
            if how == "ctrl-c":
                os.killpg(up.pid, signal.SIGINT)  # what a terminal does: the whole foreground group
            else:
                up.send_signal(signal.SIGTERM)
            up.wait(STOP_WITHIN_S + 5)
            _, alive = psutil.wait_procs(children, timeout=max(0.0, began + STOP_WITHIN_S - time.monotonic()))
            took = time.monotonic() - began
        finally:
            if up.poll() is None:
                os.killpg(up.pid, signal.SIGKILL)
    assert not alive, f"still running after {took:.1f} s: {[p.pid for p in alive]}"
    assert took <= STOP_WITHIN_S
    assert up.returncode == 0
    assert not _healthy(url)
