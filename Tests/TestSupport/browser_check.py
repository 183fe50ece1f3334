#!/usr/bin/env python3
"""Opens every page of a peftbench report in headless Chromium (DevTools protocol over a pipe, standard library only)
and checks what a reader would notice: console errors and uncaught exceptions, requests for anything but the page
itself, dialogs (a script that should never have run), charts with an empty bounding box, a blank screenshot, table
sorting, the predictions browser's filters, and the page with JavaScript off. Prints one JSON object (per-page load
times included) and exits 1 with one line per problem on stderr.

usage: browser_check.py REPORT_DIR [--pages GLOB ...] [--expect-text TEXT ...] [--max-render SECONDS] [--extra-script EXPR] [--chromium PATH]
"""
import argparse, base64, glob, json, os, select, shutil, subprocess, sys, tempfile, time


class Browser:
    def __init__(self, binary):
        self.profile = tempfile.mkdtemp(prefix="peftbench-chromium-")
        to_child_r, self.to_child_w = os.pipe()
        self.from_child_r, from_child_w = os.pipe()
        args = [binary, "--headless=new", "--remote-debugging-pipe", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
                "--disable-extensions", "--disable-background-networking", "--disable-sync", "--disable-component-update",
                "--hide-scrollbars", "--mute-audio", f"--user-data-dir={self.profile}", "--window-size=1400,1000", "about:blank"]
        if os.geteuid() == 0:
            args.insert(1, "--no-sandbox")
        # The DevTools pipe is the child's fds 3 (commands in) and 4 (replies out).
        # (dup2 onto the same number keeps close-on-exec, hence set_inheritable.)
        def fds():
            reply_end = os.dup(from_child_w)
            os.dup2(to_child_r, 3)
            os.dup2(reply_end, 4)
            os.set_inheritable(3, True)
            os.set_inheritable(4, True)
        # close_fds=False: the fds that preexec_fn places at 3 and 4 must survive into Chromium.
        self.process = subprocess.Popen(args, close_fds=False, preexec_fn=fds,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_child_r)
        os.close(from_child_w)
        self.buffer = b""
        self.next_id = 0
        self.events = []

    def send(self, method, params=None, session=None, timeout=30):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.to_child_w, json.dumps(message).encode() + b"\0")
        deadline = time.time() + timeout
        while True:
            reply = self.read(deadline)
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def read(self, deadline):
        while b"\0" not in self.buffer:
            left = deadline - time.time()
            if left <= 0:
                raise TimeoutError("no reply from Chromium")
            ready, _, _ = select.select([self.from_child_r], [], [], left)
            if ready:
                chunk = os.read(self.from_child_r, 1 << 20)
                if not chunk:
                    raise RuntimeError("Chromium closed the DevTools pipe")
                self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def wait_event(self, name, session, timeout=30):
        deadline = time.time() + timeout
        for i, e in enumerate(self.events):
            if e.get("method") == name and e.get("sessionId") == session:
                return self.events.pop(i)
        while True:
            e = self.read(deadline)
            if e.get("method") == name and e.get("sessionId") == session:
                return e
            self.events.append(e)

    def close(self):
        try:
            self.send("Browser.close", timeout=5)
        except Exception:
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        shutil.rmtree(self.profile, ignore_errors=True)


PAGE_CHECK = r"""
(() => {
  const out = {charts: 0, emptyCharts: [], textLength: document.body.innerText.length, sort: null, filters: null};
  const charts = Array.from(document.querySelectorAll('svg.chart'));
  out.charts = charts.length;
  charts.forEach((s, i) => { const r = s.getBoundingClientRect(); if (!(r.width > 0 && r.height > 0)) out.emptyCharts.push(s.getAttribute('aria-label') || String(i)); });
  const table = Array.from(document.querySelectorAll('table.sortable')).find(t => t.tBodies[0] && t.tBodies[0].rows.length > 2);
  if (table) {
    const heads = Array.from(table.querySelectorAll('thead th'));
    let col = heads.findIndex((h, i) => Array.from(table.tBodies[0].rows).every(r => r.cells[i] && r.cells[i].getAttribute('data-sort') !== '' && !isNaN(Number(r.cells[i].getAttribute('data-sort')))));
    const numeric = col >= 0;
    if (col < 0) col = 0;
    const values = () => Array.from(table.tBodies[0].rows).map(r => r.cells[col].getAttribute('data-sort'));
    const ordered = (v, asc) => v.every((x, i) => i === 0 || (numeric ? (asc ? Number(v[i-1]) <= Number(x) : Number(v[i-1]) >= Number(x))
                                                                       : (asc ? v[i-1].toLowerCase() <= x.toLowerCase() : v[i-1].toLowerCase() >= x.toLowerCase())));
    heads[col].click(); const up = values();
    heads[col].click(); const down = values();
    out.sort = {column: heads[col].textContent, ascending: ordered(up, true), descending: ordered(down, false), aria: heads[col].getAttribute('aria-sort')};
  }
  const box = document.getElementById('prediction-filters');
  if (box) {
    const examples = Array.from(document.querySelectorAll('.example'));
    const visible = () => examples.filter(e => !e.hidden).length;
    const f = {shownBox: !box.hidden, total: examples.length};
    const change = el => el.dispatchEvent(new Event('change', {bubbles: true}));
    const disagree = document.getElementById('only-disagree');
    disagree.checked = true; change(disagree);
    f.disagree = visible() === examples.filter(e => e.getAttribute('data-disagree') === '1').length;
    disagree.checked = false; change(disagree);
    const first = box.querySelector('input[data-method]');
    if (first) {
      first.checked = false; change(first);
      const i = first.getAttribute('data-method');
      f.methodHidden = Array.from(document.querySelectorAll('tr[data-method="' + i + '"]')).every(r => r.hidden);
      first.checked = true; change(first);
      const failedBy = document.getElementById('failed-by');
      failedBy.value = i; change(failedBy);
      f.failed = visible() === examples.filter(e => (e.getAttribute('data-failed') || '').split(' ').includes(i)).length;
      failedBy.value = ''; change(failedBy);
    }
    const search = document.getElementById('search');
    const target = examples.length ? examples[examples.length - 1].getAttribute('data-id') : '';
    search.value = target; search.dispatchEvent(new Event('input', {bubbles: true}));
    f.search = target === '' || (visible() >= 1 && examples.filter(e => !e.hidden).every(e => e.textContent.toLowerCase().includes(target.toLowerCase())));
    search.value = ''; search.dispatchEvent(new Event('input', {bubbles: true}));
    f.allBack = visible() === examples.length;
    out.filters = f;
  }
  return JSON.stringify(out);
})()
"""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("report")
    ap.add_argument("--pages", nargs="*", default=["**/*.html"])
    ap.add_argument("--expect-text", nargs="*", default=[], help="texts that must appear as text on some page")
    ap.add_argument("--max-render", type=float, default=None, help="seconds index.html may take from navigation to its first frames")
    ap.add_argument("--chromium", default=shutil.which("chromium") or shutil.which("chromium-browser") or "chromium")
    ap.add_argument("--no-screenshots", action="store_true")
    ap.add_argument("--extra-script", default=None, help="an expression evaluated on every page; its value is reported as 'extra'")
    opts = ap.parse_args()

    root = os.path.abspath(opts.report)
    pages = sorted({p for g in opts.pages for p in glob.glob(os.path.join(root, g), recursive=True)})
    if not pages:
        print(f"{root}: no pages", file=sys.stderr)
        return 1
    problems, report = [], {"pages": {}}
    browser = Browser(opts.chromium)
    try:
        target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            browser.send(f"{domain}.enable", session=session)
        # A blank page's screenshot at the same size: a page whose screenshot equals it shows nothing.
        blank = base64.b64decode(browser.send("Page.captureScreenshot", {"format": "png"}, session=session)["data"])
        found_text = set()
        for path in pages:
            rel = os.path.relpath(path, root)
            url = "file://" + path
            for script in (True, False):
                browser.events.clear()
                browser.send("Emulation.setScriptExecutionDisabled", {"value": not script}, session=session)
                started = time.time()
                browser.send("Page.navigate", {"url": url}, session=session)
                browser.wait_event("Page.loadEventFired", session, timeout=60)
                load = time.time() - started
                if script:
                    # Rendered: two animation frames after the load event, in ms since navigation started.
                    painted = browser.send("Runtime.evaluate", {"expression": "new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(performance.now()))))",
                                                                "awaitPromise": True, "returnByValue": True}, session=session)["result"].get("value")
                    result = json.loads(browser.send("Runtime.evaluate", {"expression": PAGE_CHECK, "returnByValue": True},
                                                     session=session)["result"]["value"])
                    result["loadSeconds"] = round(load, 3)
                    result["renderSeconds"] = round(painted / 1000, 3)
                    if opts.extra_script:
                        result["extra"] = browser.send("Runtime.evaluate", {"expression": opts.extra_script, "returnByValue": True},
                                                       session=session)["result"].get("value")
                    if not opts.no_screenshots or rel == "index.html":
                        shot = base64.b64decode(browser.send("Page.captureScreenshot", {"format": "png"}, session=session)["data"])
                        result["blank"] = shot == blank
                        if result["blank"]:
                            problems.append(f"{rel}: the screenshot is blank")
                    for t in opts.expect_text:
                        text = browser.send("Runtime.evaluate", {"expression": "document.body.innerText", "returnByValue": True},
                                            session=session)["result"]["value"]
                        if t in text:
                            found_text.add(t)
                    report["pages"][rel] = result
                    if result["emptyCharts"]:
                        problems.append(f"{rel}: charts with an empty bounding box: {result['emptyCharts']}")
                    s = result["sort"]
                    if s and not (s["ascending"] and s["descending"] and s["aria"] == "descending"):
                        problems.append(f"{rel}: sorting by '{s['column']}' does not order the rows: {s}")
                    f = result["filters"]
                    if f and not all(f.get(k, True) for k in ("shownBox", "disagree", "methodHidden", "failed", "search", "allBack")):
                        problems.append(f"{rel}: the predictions filters misbehave: {f}")
                else:
                    text_length = browser.send("Runtime.evaluate", {"expression": "document.body.innerText.length", "returnByValue": True},
                                               session=session)["result"]["value"]
                    report["pages"][rel]["textLengthWithoutScript"] = text_length
                    if text_length < report["pages"][rel]["textLength"] * 0.5:
                        problems.append(f"{rel}: without JavaScript only {text_length} characters of {report['pages'][rel]['textLength']} show")
                for e in browser.events:
                    m, p = e.get("method"), e.get("params", {})
                    if m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
                        problems.append(f"{rel}: console {p['type']}: {[a.get('value', a.get('description')) for a in p.get('args', [])]}")
                    elif m == "Runtime.exceptionThrown":
                        problems.append(f"{rel}: uncaught exception: {p['exceptionDetails'].get('text')} {p['exceptionDetails'].get('exception', {}).get('description', '')}")
                    elif m == "Log.entryAdded" and p["entry"].get("level") == "error":
                        problems.append(f"{rel}: {p['entry'].get('source')} error: {p['entry'].get('text')} {p['entry'].get('url', '')}")
                    elif m == "Network.requestWillBeSent" and p["request"]["url"] != url:
                        problems.append(f"{rel}: requested {p['request']['url'][:200]}")
                    elif m == "Page.javascriptDialogOpening":
                        problems.append(f"{rel}: a script opened a dialog: {p.get('message', '')[:200]}")
                        browser.send("Page.handleJavaScriptDialog", {"accept": False}, session=session)
        for t in opts.expect_text:
            if t not in found_text:
                problems.append(f"expected text never shown: {t[:80]!r}")
        index = report["pages"].get("index.html")
        if index:
            report["indexRenderSeconds"] = index["renderSeconds"]
            if opts.max_render is not None and index["renderSeconds"] > opts.max_render:
                problems.append(f"index.html took {index['renderSeconds']:.2f} s to render, over {opts.max_render} s")
        report["sizeBytes"] = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(root) for f in fs)
    finally:
        browser.close()
    report["problems"] = problems
    print(json.dumps(report))
    for p in problems:
        print(p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
