"""Take the README's screenshot of the real dashboard (docs/img/dashboard.png).

Starts ``pos2``'s dashboard on a free loopback port, opens it in Debian's headless chromium
(Playwright, no browser download), moves one lever (a six-month Hormuz closure) and saves the page.

    .venv/bin/python tools/dashboard_screenshot.py [OUT.png]
"""

from __future__ import annotations

import socket
import sys
import threading
import time
from pathlib import Path

import uvicorn
from playwright.sync_api import sync_playwright

from pos2.report import exports
from pos2.web.app import create_app

ARGS = list(exports.CHROMIUM_ARGS)  # the one launch list (report PDF, tools, tests)


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/img/dashboard.png")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 960})
        page.goto(f"http://127.0.0.1:{port}/")
        page.wait_for_selector("body[data-updates='1']", timeout=60_000)
        box = page.locator("#hormuz-closure_months-number")
        box.fill("6")
        box.press("Enter")
        page.wait_for_selector("body[data-updates='2']", timeout=60_000)
        page.wait_for_timeout(500)
        out.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(out), full_page=True)
        browser.close()
    server.should_exit = True
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
