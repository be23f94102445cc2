"""Page-open benchmark of the Streamlit app on the seed graph; results in bench/results/app.json.

    .venv/bin/python bench/app.py [EXPORT_DIR] [--repeat 5]

Needs chromium + playwright (`make browser-deps`). The seed export (out/export, else the corpus
extracted now) is loaded into a throwaway embedded store and the app is served on a free port.

Measures, in Debian's chromium driven by Playwright (tests/browser/driver.py), the seconds from the
user's action until the page's key text is shown and Streamlit's run has ended:
- first visit after the server started, with `policykg app` (libraries and store loaded before
  the server listens) and with a plain `streamlit run app.py` (everything loaded on that visit);
- every page opened by its address (a full load of the Streamlit frontend), `--repeat` times;
- every page opened from the sidebar (how one moves around the app: no reload), `--repeat` times.
Target (issue 5): a page opens in under 3 s on the seed graph.
"""
from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import graph  # noqa: E402
from browser.driver import VIEWPORT, launch, missing_browser, navigate, open_page  # noqa: E402
from load import find_export, write_results  # noqa: E402  (bench/load.py)
from policykg import cli_app  # noqa: E402

TARGET_S = 3.0
#: (page, address, text shown once it has drawn, its name in the sidebar)
PAGES = [
    ("overview", "/?lang=en", "Most-loaded agencies", "Overview"),
    ("search", "/search?lang=en", "Search titles", "Search"),
    ("explorer", "/explorer?lang=en", "Node details", "Graph explorer"),
    ("reader", "/reader?lang=en", "Metadata", "Document reader"),
    ("impact", "/impact?lang=en", "Measures led", "Ministry impact"),
    ("console", "/console?lang=en", "Example queries", "Cypher console"),
    ("timeline", "/timeline?lang=en", "Supersession chain", "Timeline"),
]


def summary(samples: list[float]) -> dict[str, float]:
    return {"median_s": round(statistics.median(samples), 2), "max_s": round(max(samples), 2), "n": len(samples)}


def serve(data: Path, corpus: Path, warm: bool):
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    env.update(POLICYKG_DATA=str(data), POLICYKG_STORE="embedded", POLICYKG_CORPUS=str(corpus))
    return cli_app.start_in_background(env=env, warm=warm)


def first_visit(playwright, data: Path, corpus: Path, warm: bool) -> float:
    proc, url = serve(data, corpus, warm)
    try:
        browser = launch(playwright)
        try:
            pg = browser.new_page(viewport=VIEWPORT)
            pg.set_default_timeout(60_000)
            pg.goto(url + "/_stcore/health")  # a browser that is already running, nothing of the app cached
            _, address, text, _ = PAGES[0]
            first = open_page(pg, url + address, text)
            print(f"  first visit {first:.2f} s, then again {open_page(pg, url + address, text):.2f} s")
            return first
        finally:
            browser.close()
    finally:
        cli_app.stop_background(proc)


def page_times(playwright, data: Path, corpus: Path, repeat: int) -> dict[str, dict]:
    proc, url = serve(data, corpus, warm=True)
    out: dict[str, dict] = {}
    try:
        browser = launch(playwright)
        pg = browser.new_page(viewport=VIEWPORT)
        pg.set_default_timeout(60_000)
        for name, address, text, _ in PAGES:  # each page once, so every cache has been filled
            open_page(pg, url + address, text)
        for name, address, text, _ in PAGES:
            out[name] = {"address": summary([open_page(pg, url + address, text) for _ in range(repeat)])}
            print(f"  {name:9s} by address: {out[name]['address']}")
        for name, _, text, link in PAGES:
            samples = []
            for i in range(repeat):
                other = PAGES[(PAGES.index(next(p for p in PAGES if p[0] == name)) + 1 + i) % len(PAGES)]
                navigate(pg, other[3], other[2])  # from somewhere else each time
                samples.append(navigate(pg, link, text))
            out[name]["sidebar"] = summary(samples)
            print(f"  {name:9s} from the sidebar: {out[name]['sidebar']}")
        browser.close()
    finally:
        cli_app.stop_background(proc)
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("export_dir", nargs="?")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "app.json"))
    args = parser.parse_args(argv)
    why = missing_browser()
    if why:
        print(f"cannot run the app benchmark: {why}", file=sys.stderr)
        return 1
    tmp = Path(tempfile.mkdtemp(prefix="policykg-bench-app-"))
    export_dir, described = find_export(args.export_dir, tmp)
    data = tmp / "data"
    with graph.open_store("embedded", path=data / "graph.lbdb") as store:
        counts = store.load_export(export_dir)
    print(f"export: {described}: {counts['nodes']} nodes, {counts['edges']} edges")
    corpus = Path(args.corpus)

    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        first = {"policykg app": round(first_visit(p, data, corpus, warm=True), 2),
                 "streamlit run app.py": round(first_visit(p, data, corpus, warm=False), 2)}
        print(f"first visit after start: {first}")
        pages = page_times(p, data, corpus, args.repeat)

    results = {"export": described, "nodes": counts["nodes"], "edges": counts["edges"],
               "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
               "target_s": TARGET_S, "first_visit_s": first, "pages": pages}
    write_results(results, args.out, markdown_table(results))
    return 0


def markdown_table(results: dict) -> str:
    lines = ["| page | by address: median / max (s) | from the sidebar: median / max (s) |", "|---|---|---|"]
    for name, r in results["pages"].items():
        a, s = r["address"], r["sidebar"]
        lines.append(f"| {name} | {a['median_s']} / {a['max_s']} | {s['median_s']} / {s['max_s']} |")
    first = results["first_visit_s"]
    lines.append("")
    lines.append("first visit after the server started: " + ", ".join(f"`{k}` {v} s" for k, v in first.items()))
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
