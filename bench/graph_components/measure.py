"""Measure the candidate Streamlit graph components in headless Chromium.

Setup (a separate venv; nothing goes into the project's .venv):

    python3 -m venv /tmp/compvenv
    /tmp/compvenv/bin/pip install "streamlit==1.67.*" neo4j-viz streamlit-echarts streamlit-agraph \\
        st-link-analysis pyvis playwright networkx

Run (from the repo root; uses Debian's /usr/bin/chromium, no browser download):

    /tmp/compvenv/bin/python bench/graph_components/measure.py            # all components, n = 300 and 3000
    /tmp/compvenv/bin/python bench/graph_components/measure.py -c pyvis -n 300

It starts app.py (same folder) with the venv's streamlit on a free localhost port, then, one case at a
time (a fresh browser per case, runs are sequential), loads ``/?c=<component>&n=<n>`` and measures:

* ``first_draw_s``: seconds from navigation until node-coloured pixels (the four node fill colours the app
  uses) cover at least ``DRAWN_PX`` pixels of the component's box, from polled screenshots of that box.
  A screenshot cannot be taken while the renderer's main thread is blocked, so a frozen page shows up
  here as a late first draw.
* ``settled_s``: seconds until the box stops changing (< 0.3 % of pixels differ over 3 polls in a row),
  i.e. the layout animation is over; ``null`` if it was still moving at the time limit.
* ``longest_block_ms`` / ``blocked_total_ms``: the longest main-thread task, and the sum of all tasks over
  50 ms (the sum is only indicative: it can exceed the wall time), reported by a ``longtask`` PerformanceObserver plus a 50 ms heartbeat timer injected into every
  frame before any page script (the component iframes here are same-origin, so they share the page's
  main thread: a block there freezes the whole Streamlit page).
* ``eval_rtt_ms``: round trip of ``page.evaluate("1")`` right after the first draw, and ``raf_rtt_ms``:
  a requestAnimationFrame round trip in the frame that holds the graph at the same moment.
* ``zoom_fps`` / ``zoom_worst_frame_ms``: frames painted in the graph's frame while 8 wheel notches (4 in,
  4 out) are sent over ~2.5 s (60 is the cap), and the longest gap between two frames then.
* ``click``: a click on the centre of the most interior node-coloured pixel nearest the middle (from a fresh
  screenshot); ``returned`` if the page then shows ``clicked: n<id>`` (the app writes that from the
  component's return value) - ``click_latency_s`` is the time from the click to that text - else up to 2
  more tries (the first waits 30 s, the others 10 s), then
  ``not returned``; ``no click API`` for pyvis (plain HTML, nothing can reach Python).
* screenshots: ``shots/<component>_<n>.png`` (the view as drawn) and ``shots/<component>_<n>_zoomed.png``
  (3 wheel notches in at the middle; how far a notch zooms differs per component) - look at them for label readability.

Writes results.json beside this file and prints a Markdown table.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np
from PIL import Image
from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
SHOTS = HERE / "shots"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
COMPONENTS = ["neo4j-viz", "echarts", "echarts-hideoverlap", "agraph", "link-analysis", "pyvis"]
SIZES = [300, 3000]
NODE_RGB = np.array([(0xD0, 0x02, 0x1B), (0x4C, 0x8B, 0xF5), (0xF5, 0xA6, 0x23), (0x7B, 0x61, 0xFF)], dtype=int)
TOL = 14                 # per-channel tolerance when matching node colours
DRAWN_PX = 400           # node-coloured pixels needed to call the graph "drawn"
SETTLE_FRAC = 0.003      # < 0.3 % changed pixels between polls = still
SETTLE_POLLS = 3
POLL_S = 0.5
LIMIT_S = {300: 60, 3000: 150}
VIEWPORT = {"width": 1400, "height": 1000}

INIT_JS = r"""
(() => {
  const hb = {last: performance.now(), maxGap: 0, longest: 0, total: 0, count: 0};
  window.__bench = hb;
  setInterval(() => { const t = performance.now(); const g = t - hb.last; if (g > hb.maxGap) hb.maxGap = g; hb.last = t; }, 50);
  try {
    new PerformanceObserver(list => {
      for (const e of list.getEntries()) {
        hb.count += 1; hb.total += Math.max(0, e.duration - 50); if (e.duration > hb.longest) hb.longest = e.duration;
      }
    }).observe({type: 'longtask', buffered: true});
  } catch (e) { hb.noLongtask = String(e); }
})();
"""

RAF_JS = "() => new Promise(r => { const t = performance.now(); requestAnimationFrame(() => r(performance.now() - t)); })"
FRAMES_START_JS = r"""() => { const s = {n: 0, worst: 0, last: performance.now(), t0: performance.now(), on: true};
  window.__frames = s; const f = () => { if (!s.on) return; const t = performance.now(); s.worst = Math.max(s.worst, t - s.last);
  s.last = t; s.n += 1; requestAnimationFrame(f); }; requestAnimationFrame(f); }"""
FRAMES_STOP_JS = "() => { const s = window.__frames; s.on = false; return {n: s.n, ms: performance.now() - s.t0, worst: s.worst}; }"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(port: int) -> subprocess.Popen:
    streamlit = Path(sys.executable).with_name("streamlit")
    log = open(Path(os.environ.get("TMPDIR", "/tmp")) / "graph_components_streamlit.log", "w")
    proc = subprocess.Popen([str(streamlit), "run", str(HERE / "app.py"), "--server.headless", "true",
                             "--server.port", str(port), "--server.address", "127.0.0.1",
                             "--browser.gatherUsageStats", "false"], stdout=log, stderr=subprocess.STDOUT)
    for _ in range(120):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2)
            return proc
        except OSError:
            time.sleep(0.5)
    proc.kill()
    raise RuntimeError("streamlit did not start; see /tmp/graph_components_streamlit.log")


def node_mask(img: np.ndarray) -> np.ndarray:
    rgb = img[:, :, :3].astype(int)
    mask = np.zeros(rgb.shape[:2], bool)
    for c in NODE_RGB:
        mask |= (np.abs(rgb - c) <= TOL).all(axis=2)
    return mask


def click_target(mask: np.ndarray) -> tuple[int, int] | None:
    """Centre of the most 'interior' node-coloured pixel (repeated 4-neighbour erosion), nearest the middle."""
    if not mask.any():
        return None
    m = mask.copy()
    while True:
        e = m.copy()
        e[1:, :] &= m[:-1, :]; e[:-1, :] &= m[1:, :]; e[:, 1:] &= m[:, :-1]; e[:, :-1] &= m[:, 1:]
        e[0, :] = e[-1, :] = False; e[:, 0] = e[:, -1] = False
        if not e.any():
            break
        m = e
    ys, xs = np.nonzero(m)
    h, w = mask.shape
    i = int(np.argmin((ys - h / 2) ** 2 + (xs - w / 2) ** 2))
    return int(xs[i]), int(ys[i])


def component_box(page) -> dict | None:
    return page.evaluate("""() => { const els = document.querySelectorAll('[data-testid=stElementContainer]');
        for (const e of els) { if (e.querySelector('[data-testid^=stBidiComponent],[data-testid=stCustomComponentV1],[data-testid=stIFrame]')) {
          const r = e.getBoundingClientRect(); return {x: r.x, y: r.y, width: r.width, height: r.height}; } } return null; }""")


def grab(page, box) -> np.ndarray:
    png = page.screenshot(clip=box, timeout=60000, animations="allow")
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def graph_frame(page):
    for f in page.frames[1:]:
        try:
            if f.evaluate("() => document.querySelector('canvas,svg') !== null"):
                return f
        except Exception:
            pass
    return page.main_frame


def bench_stats(page) -> dict:
    worst = {"longest_block_ms": 0.0, "blocked_total_ms": 0.0, "heartbeat_max_gap_ms": 0.0, "frames_seen": 0}
    for f in page.frames:
        try:
            s = f.evaluate("() => window.__bench || null")
        except Exception:
            s = None
        if not s:
            continue
        worst["frames_seen"] += 1
        worst["longest_block_ms"] = max(worst["longest_block_ms"], s["longest"])
        worst["blocked_total_ms"] = max(worst["blocked_total_ms"], s["total"])
        worst["heartbeat_max_gap_ms"] = max(worst["heartbeat_max_gap_ms"], s["maxGap"])
    return {k: round(v) for k, v in worst.items()}


def measure(pw, base: str, comp: str, n: int) -> dict:
    res: dict = {"component": comp, "n": n}
    browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
    try:
        ctx = browser.new_context(viewport=VIEWPORT)
        ctx.add_init_script(INIT_JS)
        # nothing leaves the machine: external requests (pyvis' bootstrap CDN links) are refused at once
        ctx.route("**/*", lambda r: r.continue_() if r.request.url.startswith(
            ("http://127.0.0.1", "http://localhost", "data:", "blob:", "about:")) else r.abort())
        page = ctx.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)[:200]))
        limit = LIMIT_S[n] if n in LIMIT_S else 150
        t0 = time.monotonic()
        page.goto(f"{base}/?c={comp}&n={n}", wait_until="commit")
        page.get_by_text("script-done").wait_for(timeout=limit * 1000)
        res["script_done_s"] = round(time.monotonic() - t0, 2)
        box, prev, still, first, settled, last_img, max_poll = None, None, 0, None, None, None, 0.0
        while time.monotonic() - t0 < limit:
            tp = time.monotonic()
            try:
                box = box or component_box(page)
                if box is None or box["height"] < 100:
                    box = None
                    time.sleep(POLL_S)
                    continue
                img = grab(page, box)
            except Exception as e:  # a screenshot that times out = the page is frozen; keep polling
                res.setdefault("poll_errors", []).append(str(e).splitlines()[0][:120])
                continue
            finally:
                max_poll = max(max_poll, time.monotonic() - tp)
            now = time.monotonic() - t0
            drawn_px = int(node_mask(img).sum())
            if first is None and drawn_px >= DRAWN_PX:
                first = now
                res["first_draw_s"] = round(first, 2)
                res["eval_rtt_ms"] = round(timed(lambda: page.evaluate("1")) * 1000)
                try:
                    res["raf_rtt_ms"] = round(graph_frame(page).evaluate(RAF_JS))
                except Exception as e:
                    res["raf_rtt_ms"] = None
                    res["raf_error"] = str(e)[:120]
            if first is not None and prev is not None and prev.shape == img.shape:
                changed = float((np.abs(prev.astype(int) - img.astype(int)).sum(axis=2) > 30).mean())
                still = still + 1 if changed < SETTLE_FRAC else 0
                if still >= SETTLE_POLLS:
                    settled = now
                    break
            prev, last_img = img, img
            time.sleep(max(0.0, POLL_S - (time.monotonic() - tp)))
        res.setdefault("first_draw_s", None)
        res["settled_s"] = round(settled, 2) if settled else None
        res["slowest_poll_s"] = round(max_poll, 2)
        res["node_px_at_end"] = int(node_mask(last_img).sum()) if last_img is not None else 0
        res.update(bench_stats(page))
        SHOTS.mkdir(exist_ok=True)
        try:
            page.screenshot(path=str(SHOTS / f"{comp}_{n}.png"), timeout=60000)
        except Exception as e:   # still frozen
            res["final_screenshot"] = str(e).splitlines()[0][:120]
        if box is None or last_img is None or res["first_draw_s"] is None:
            res["click"] = "no click API (not drawn)" if comp == "pyvis" else "not drawn"
            return res
        # click the node nearest the middle, wait for "clicked: n<id>"; a layout that is still moving can
        # carry the node away between screenshot and click, so up to 3 tries, each on a fresh screenshot
        got, tries = None, 0
        for tries in range(1, 4):
            try:
                img = grab(page, box)
            except Exception:
                img = last_img
            target = click_target(node_mask(img))
            if target is None:
                continue
            x, y = box["x"] + target[0], box["y"] + target[1]
            res["click_at"] = [round(x), round(y)]
            tc = time.monotonic()
            page.mouse.click(x, y)
            end = tc + (30 if tries == 1 else 10)
            while time.monotonic() < end and got is None:
                m = re.search(r"clicked:\s*(n\d+)", page.evaluate("() => document.body.innerText"))
                got = m.group(1) if m else None
                if got is None:
                    time.sleep(0.25)
            if got:
                res["click_latency_s"] = round(time.monotonic() - tc, 2)
            if got or comp == "pyvis":
                break
        res["clicked_id"], res["click_tries"] = got, tries
        if "click_at" not in res:
            res["click"] = "no node found to click"
        elif comp == "pyvis":
            res["click"] = "no click API" + (" (but text appeared?!)" if got else "")
        else:
            res["click"] = "returned" if got else f"not returned ({tries} tries)"
        time.sleep(1.0)
        box = component_box(page) or box
        # interaction smoothness: 8 wheel-zoom steps at the middle of the graph, count painted frames
        gf = graph_frame(page)
        cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        try:
            gf.evaluate(FRAMES_START_JS)
            page.mouse.move(cx, cy)
            for dy in (-120,) * 4 + (120,) * 4:     # 4 notches in, 4 out: ends near the fitted view
                page.mouse.wheel(0, dy)
                time.sleep(0.25)
            time.sleep(0.5)
            fr = gf.evaluate(FRAMES_STOP_JS)
            res["zoom_fps"] = round(fr["n"] / (fr["ms"] / 1000), 1)
            res["zoom_worst_frame_ms"] = round(fr["worst"])
        except Exception as e:
            res["zoom_error"] = str(e).splitlines()[0][:120]
        time.sleep(1.0)
        try:   # then 3 notches in for a closer look at the labels
            for _ in range(3):
                page.mouse.wheel(0, -120)
                time.sleep(0.3)
        except Exception:
            pass
        time.sleep(1.5)
        page.screenshot(path=str(SHOTS / f"{comp}_{n}_zoomed.png"), timeout=60000)
        res["page_errors"] = errors[:3]
        return res
    finally:
        browser.close()


def timed(fn) -> float:
    t = time.monotonic()
    fn()
    return time.monotonic() - t


def fmt(v, unit=""):
    return "—" if v is None else f"{v}{unit}"


def table(rows: list[dict]) -> str:
    out = ["| component | n | first draw (s) | settled (s) | longest main-thread block (ms) | evaluate('1') after draw (ms) | zoom fps (worst frame ms) | click → Python |",
           "|---|---:|---:|---:|---:|---:|---:|---|"]
    for r in rows:
        if "error" in r:   # an exception ended the case
            out.append(f"| {r['component']} | {r['n']} | error: {r['error'][:60]} | | | | | |")
            continue
        fps = f"{r['zoom_fps']} ({r['zoom_worst_frame_ms']})" if "zoom_fps" in r else "—"
        out.append(f"| {r['component']} | {r['n']} | {fmt(r.get('first_draw_s'))} | {fmt(r.get('settled_s'))} | "
                   f"{r.get('longest_block_ms', '—')} | {fmt(r.get('eval_rtt_ms'))} | {fps} | "
                   f"{r.get('click', '—')}{' in %s s' % r['click_latency_s'] if r.get('click_latency_s') is not None else ''} |")
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-c", "--component", action="append", choices=COMPONENTS)
    ap.add_argument("-n", "--nodes", action="append", type=int)
    ap.add_argument("--out", default=str(HERE / "results.json"))
    ap.add_argument("--merge", action="store_true", help="replace only the measured rows in an existing --out file")
    ap.add_argument("--table", metavar="RESULTS_JSON", help="only print the table of an earlier run")
    args = ap.parse_args()
    if args.table:
        print(table(json.loads(Path(args.table).read_text())["results"]))
        return
    comps, sizes = args.component or COMPONENTS, args.nodes or SIZES
    port = free_port()
    proc = start_app(port)
    base = f"http://127.0.0.1:{port}"
    rows = []
    try:
        with sync_playwright() as pw:
            b = measure_baseline(pw, base)
            print(f"baseline (page without a graph): {b}", flush=True)
            for n in sizes:
                for comp in comps:
                    print(f"-- {comp} n={n}", flush=True)
                    try:
                        r = measure(pw, base, comp, n)
                    except Exception as e:
                        r = {"component": comp, "n": n, "error": str(e).splitlines()[0][:200]}
                    print(json.dumps(r, ensure_ascii=False), flush=True)
                    rows.append(r)
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
    import importlib.metadata as md
    versions = {p: md.version(p) for p in ("streamlit", "neo4j-viz", "streamlit-echarts", "streamlit-agraph",
                                            "st-link-analysis", "pyvis", "playwright")}
    chromium = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True).stdout.strip()
    doc = {"versions": versions, "chromium": chromium, "cpus": os.cpu_count(), "baseline_no_graph": b, "results": rows}
    if args.merge and Path(args.out).exists():
        old = json.loads(Path(args.out).read_text())
        new = {(r["component"], r["n"]): r for r in rows}
        doc = {**old, "results": [new.pop((r["component"], r["n"]), r) for r in old["results"]] + list(new.values())}
        doc.setdefault("rerun_baselines", []).append(b)
    Path(args.out).write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
    print()
    print(table(doc["results"]))


def measure_baseline(pw, base: str) -> dict:
    """Load the page without a graph once (also warms Streamlit up): seconds to 'script-done' and the
    main-thread figures of Streamlit's own page, to compare the components' figures with."""
    browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
    try:
        ctx = browser.new_context(viewport=VIEWPORT)
        ctx.add_init_script(INIT_JS)
        page = ctx.new_page()
        t0 = time.monotonic()
        page.goto(f"{base}/?c=none&n=300", wait_until="commit")
        page.get_by_text("script-done").wait_for(timeout=60000)
        done = round(time.monotonic() - t0, 2)
        time.sleep(3)
        return {"script_done_s": done, **bench_stats(page)}
    finally:
        browser.close()


if __name__ == "__main__":
    main()
