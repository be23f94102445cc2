"""Scale benchmark: the seed corpus at 1×, 10×, 100× → extract, build into each store, open, ask.

    .venv/bin/python bench/scale.py [--scales 1,10,100] [--stores embedded,neo4j] [--jobs 1,2]
                                    [--repeat 30] [--out bench/results/scale.json]

(`pip install -e '.[bench]'` for matplotlib and psutil.) The synthetic corpus is generated in a
temporary directory, never committed: every seed file copied N times, copy k with distinct 文号
(the number of each 〔year〕n号 / 第n号 raised by k×1000) and distinct titles (a marker 第k批
inserted mid-line into the first line of each document), so
the copies are new documents, not reprints merged into one.

Per scale, each step runs as its own process (so its memory is its own) and is measured by wall
time and peak RSS of its process tree (psutil, sampled every 50 ms: the extraction workers count):
- `policykg extract --jobs J` for each J in --jobs (and whether the exports are byte-identical);
- build into each store through the interface (`graph.open_store(kind)`, `graph.load_export`):
  the embedded store (whatever class "embedded" is), Neo4j by the driver loader, Neo4j by the
  bulk import into an empty database (`policykg load --initial`), and the re-ingest of the whole
  export (`load --replace`) on Neo4j;
- store open time (open + first answer — the counts —, in a fresh process, after its imports);
- every app question (bench/load.py's set, with its warm-up) p50/p95 on each store, asked in a
  process of its own (`--ask`, as the app and the CLI ask them), with the garbage collector's full
  passes during them (objects held, passes, pauses: a question's tail beyond its own work).
Neo4j: a temporary local server on a free port (policykg/neo4j_server.py), stopped at the end;
its RSS is reported after the loads. Results: bench/results/scale.json, bench/results/scale.png
(time and memory against corpus size) and a Markdown table on stdout (for the README).
"""
from __future__ import annotations

import argparse
import contextlib
import gc
import importlib.util
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.append(str(ROOT / "bench"))  # after ROOT: bench/extract.py must not hide the package

import graph  # noqa: E402
from load import query_latencies  # noqa: E402  (bench/load.py: the app questions and their warm-up)

PY = sys.executable
DIGITS = "零一二三四五六七八九"
DOC_NUMBER = re.compile(r"([〔\[［(（]\s*\d{4}\s*[〕\]］)）]\s*|第\s*)(\d+)(\s*号)")


# --- the synthetic corpus -----------------------------------------------------------------------
def chinese_numeral(k: int) -> str:
    if k < 10:
        return DIGITS[k]
    if k < 100:
        tens, units = divmod(k, 10)
        return (DIGITS[tens] if tens > 1 else "") + "十" + (DIGITS[units] if units else "")
    return "".join(DIGITS[int(d)] for d in str(k))


def _marked(line: str, marker: str) -> str:
    at = len(line.rstrip()) // 2  # away from the issuer at the start and the document type at the end
    return line[:at] + marker + line[at:]


def copy_text(text: str, title_lines: list[int], k: int) -> str:
    """Copy k of a seed file: other 文号, other titles (copy 0 is the file itself)."""
    if k == 0:
        return text
    lines = DOC_NUMBER.sub(lambda m: f"{m.group(1)}{int(m.group(2)) + 1000 * k}{m.group(3)}", text).split("\n")
    marker = f"第{chinese_numeral(k)}批"
    for number in title_lines:
        if 0 < number <= len(lines) and len(lines[number - 1].strip()) >= 4:
            lines[number - 1] = _marked(lines[number - 1], marker)
    return "\n".join(lines)


def seed_titles(seed_export: Path) -> dict[str, list[int]]:
    """file name → the first lines of the documents extracted from it (their titles: a marker
    there changes the title, so the copy is a document of its own, not a reprint to merge)."""
    out: dict[str, list[int]] = {}
    with open(seed_export / "nodes.jsonl", encoding="utf-8") as fh:
        for line in fh:
            node = json.loads(line)
            if node["label"] == "Document" and node.get("in_corpus"):
                for src in node.get("sources") or [node["source"]]:
                    out.setdefault(src["file"], []).append(src["line_start"])
    return out


def make_corpus(seed: Path, titles: dict[str, list[str]], scale: int, out: Path) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    for path in sorted(seed.iterdir()):
        text = path.read_text(encoding="utf-8")
        for k in range(scale):
            (out / f"{path.stem}_x{k:03d}{path.suffix}").write_text(copy_text(text, titles.get(path.name, []), k),
                                                                      encoding="utf-8")
    files = list(out.iterdir())
    return {"files": len(files), "mb": round(sum(f.stat().st_size for f in files) / 1048576, 1)}


# --- measuring a step ---------------------------------------------------------------------------
def _tree_rss(proc) -> int:
    import psutil
    total = 0
    for p in [proc, *proc.children(recursive=True)]:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass
    return total


def run_step(cmd: list[str], env: dict | None = None) -> dict:
    """Run `cmd`; its wall time and the peak RSS of its process tree (sampled)."""
    import psutil
    started = time.perf_counter()
    child = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env={**os.environ, **(env or {})})
    peak = [0]
    proc = psutil.Process(child.pid)

    def sample():
        while child.poll() is None:
            try:
                peak[0] = max(peak[0], _tree_rss(proc))
            except psutil.Error:
                pass
            time.sleep(0.05)
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = child.communicate()
    sampler.join()
    seconds = time.perf_counter() - started
    if child.returncode not in (0,):
        raise RuntimeError(f"{' '.join(cmd)} exited {child.returncode}:\n{err[-2000:]}")
    return {"seconds": round(seconds, 2), "peak_rss_mb": round(peak[0] / 1048576), "stdout": out.strip()[-500:]}


def export_rows(export: Path) -> dict[str, int]:
    rows = {}
    for name in ("nodes", "edges"):
        with open(export / f"{name}.jsonl", "rb") as fh:
            rows[name] = sum(1 for _ in fh)
    return rows


OPEN_PROBE = ("import sys, time, json; import graph; t = time.perf_counter(); "
              "s = graph.open_store(sys.argv[1]); n = s.counts(); "
              "print(json.dumps({'seconds': time.perf_counter() - t}))")


def open_time(kind: str, env: dict) -> dict:
    step = run_step([PY, "-c", OPEN_PROBE, kind], env)
    return {"seconds": round(json.loads(step["stdout"].splitlines()[-1])["seconds"], 3),
            "peak_rss_mb": step["peak_rss_mb"]}


@contextlib.contextmanager
def collector_pauses():
    """The Python garbage collector's full passes while the questions are asked (they run in this
    process): how many objects the process held before, how many passes, their mean and longest
    pause — what a question's p95 pays beyond its own work."""
    pauses: list[float] = []
    started = [0.0]

    def timing(phase, info):
        if info["generation"] == 2:
            if phase == "start":
                started[0] = time.perf_counter()
            else:
                pauses.append((time.perf_counter() - started[0]) * 1000)
    report: dict = {"objects_before": len(gc.get_objects())}
    gc.callbacks.append(timing)
    try:
        yield report
    finally:
        gc.callbacks.remove(timing)
        report.update(full_passes=len(pauses), pause_mean_ms=round(sum(pauses) / len(pauses), 1) if pauses else 0,
                      pause_max_ms=round(max(pauses), 1) if pauses else 0, objects_after=len(gc.get_objects()))


def ask(kind: str, seed_export: Path, repeat: int) -> dict:
    """Every app question on the store (opened read-only from the environment, as the app and the
    CLI open it), timed in this process: the `--ask` step's answer."""
    with graph.open_store(kind, read_only=True) as store:
        with collector_pauses() as pauses:
            questions, _ = query_latencies(store, graph.read_export(seed_export), repeat)
        return {"questions": questions, "collector": pauses, "counts": store.counts()}


def wipe_neo4j(env: dict) -> None:
    with graph.open_store("neo4j", uri=env["NEO4J_URI"], password=env["NEO4J_PASSWORD"]) as store:
        store.delete_all()


# --- one scale ----------------------------------------------------------------------------------
def extract_steps(corpus: Path, work: Path, jobs: list[int]) -> tuple[dict, Path]:
    out: dict = {}
    exports = []
    for j in jobs:
        export = work / f"export-j{j}"
        step = run_step([PY, "-m", "policykg.cli", "extract", str(corpus), "--out", str(export), "-q",
                         "--jobs", str(j), "--file-timeout", "0"])
        step.pop("stdout")
        out[f"jobs_{j}"] = step
        exports.append(export)
        print(f"    extract --jobs {j}: {step['seconds']} s, peak RSS {step['peak_rss_mb']} MB", flush=True)
    out["identical"] = all((exports[0] / n).read_bytes() == (e / n).read_bytes()
                           for e in exports[1:] for n in ("nodes.jsonl", "edges.jsonl"))
    if len(jobs) > 1:
        out["speedup"] = round(out[f"jobs_{jobs[0]}"]["seconds"] / out[f"jobs_{jobs[-1]}"]["seconds"], 2)
    for e in exports[1:]:
        shutil.rmtree(e)
    return out, exports[0]


def load_step(export: Path, kind: str, env: dict, *extra: str) -> dict:
    step = run_step([PY, "-m", "policykg.cli", "load", str(export), "--store", kind, "-q", *extra], env)
    step.pop("stdout")
    return step


def store_steps(export: Path, rows: int, kind: str, env: dict, seed_export: Path, repeat: int) -> dict:
    out: dict = {}
    if kind == "neo4j":
        wipe_neo4j(env)
        out["bulk_import"] = load_step(export, kind, env, "--initial")
        wipe_neo4j(env)
    out["build"] = load_step(export, kind, env)
    out["build"]["rows_per_s"] = round(rows / out["build"]["seconds"])
    out["reingest"] = load_step(export, kind, env, "--replace")
    out["reingest"]["rows_per_s"] = round(rows / out["reingest"]["seconds"])
    out["open"] = open_time(kind, env)
    for name, step in out.items():
        print(f"    {kind} {name}: {step['seconds']} s, peak RSS {step['peak_rss_mb']} MB", flush=True)
    # the questions in a process of their own, as the CLI and the app ask them: not in this one,
    # whose heap (matplotlib, the Neo4j driver, the earlier scales) the garbage collector's full
    # passes would visit in every question's tail (60–80 ms a pass at 170k objects, measured)
    answer = seed_export.parent / f"asked-{kind}.json"
    step = run_step([PY, str(Path(__file__).resolve()), "--ask", kind, "--seed-export", str(seed_export),
                     "--repeat", str(repeat), "--out", str(answer)], env)
    asked = json.loads(answer.read_text(encoding="utf-8"))
    out["questions"], out["counts"] = asked["questions"], asked["counts"]
    out["collector"] = {**asked["collector"], "peak_rss_mb": step["peak_rss_mb"]}
    print(f"    {kind} questions: {len(out['questions'])} asked {repeat}× each in {step['seconds']} s; the "
          f"collector's full passes: {out['collector']}", flush=True)
    if kind == "neo4j":
        import psutil
        from policykg import neo4j_server
        info = neo4j_server.status(env["POLICYKG_DATA"], check_bolt=False)
        out["server_rss_mb"] = round(psutil.Process(info.pid).memory_info().rss / 1048576)
    return out


def one_scale(scale: int, seed: Path, titles: dict, work: Path, args, env: dict, seed_export) -> dict:
    corpus = work / f"corpus-{scale}x"
    result: dict = {"scale": scale, "corpus": make_corpus(seed, titles, scale, corpus)}
    print(f"{scale}×: {result['corpus']['files']} files, {result['corpus']['mb']} MB", flush=True)
    result["extract"], export = extract_steps(corpus, work, [int(j) for j in args.jobs.split(",")])
    shutil.rmtree(corpus)
    result["rows"] = export_rows(export)
    rows = sum(result["rows"].values())
    for kind in args.stores.split(","):
        kind_env = env if kind == "neo4j" else {**env, "POLICYKG_DATA": str(work / f"{kind}-{scale}x")}
        result[kind] = store_steps(export, rows, kind, kind_env, seed_export, args.repeat)
    shutil.rmtree(export)
    return result


# --- report -------------------------------------------------------------------------------------
def plot(results: dict, path: Path) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    runs = results["runs"]
    mb = [r["corpus"]["mb"] for r in runs]
    fig, (t_ax, m_ax) = plt.subplots(1, 2, figsize=(11, 4.2))
    series = [(f"extract --jobs {k.split('_')[1]}", lambda r, k=k: r["extract"][k])
              for k in runs[0]["extract"] if k.startswith("jobs_")]
    for kind in results["stores"]:
        series.append((f"build {kind}", lambda r, kind=kind: r[kind]["build"]))
        if kind == "neo4j":
            series.append(("bulk import neo4j", lambda r: r["neo4j"]["bulk_import"]))
    for name, get in series:
        t_ax.plot(mb, [get(r)["seconds"] for r in runs], marker="o", label=name)
        m_ax.plot(mb, [get(r)["peak_rss_mb"] for r in runs], marker="o", label=name)
    from matplotlib.ticker import NullFormatter, ScalarFormatter
    for ax, what in ((t_ax, "wall time (s)"), (m_ax, "peak RSS of the process tree (MB)")):
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.xaxis.set_major_formatter(ScalarFormatter())
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set_xlabel("corpus size (MB)")
        ax.set_ylabel(what)
        ax.grid(True, which="both", alpha=0.3)
    t_ax.legend(fontsize=8)
    fig.suptitle(f"PolicyKG at {', '.join(str(r['scale']) + '×' for r in runs)} the seed corpus "
                 f"({results['machine']['cpus']} cores)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def markdown_table(results: dict) -> str:
    runs = results["runs"]
    head = "| | " + " | ".join(f"{r['scale']}× ({r['corpus']['mb']} MB, {r['rows']['nodes']:,} nodes, "
                                f"{r['rows']['edges']:,} edges)" for r in runs) + " |"
    lines = [head, "|---" * (len(runs) + 1) + "|"]

    def row(name, cell):
        lines.append(f"| {name} | " + " | ".join(cell(r) for r in runs) + " |")
    for key in [k for k in runs[0]["extract"] if k.startswith("jobs_")]:
        row(f"extract --jobs {key.split('_')[1]}", lambda r, key=key: f"{r['extract'][key]['seconds']} s, "
                                                                        f"{r['extract'][key]['peak_rss_mb']} MB")
    for kind in results["stores"]:
        if kind == "neo4j":
            row("Neo4j bulk import (empty db)", lambda r: f"{r['neo4j']['bulk_import']['seconds']} s")
        row(f"{kind}: build", lambda r, k=kind: f"{r[k]['build']['seconds']} s ({r[k]['build']['rows_per_s']:,} rows/s), "
                                                 f"{r[k]['build']['peak_rss_mb']} MB")
        row(f"{kind}: re-ingest all", lambda r, k=kind: f"{r[k]['reingest']['seconds']} s "
                                                          f"({r[k]['reingest']['rows_per_s']:,} rows/s)")
        row(f"{kind}: open", lambda r, k=kind: f"{r[k]['open']['seconds']} s, {r[k]['open']['peak_rss_mb']} MB")
        for q in runs[0][kind]["questions"]:
            row(f"{kind}: {q} p50 / p95 ms", lambda r, k=kind, q=q: f"{r[k]['questions'][q]['p50_ms']} / "
                                                                       f"{r[k]['questions'][q]['p95_ms']}")
    return "\n".join(lines)


def start_neo4j(work: Path) -> dict:
    from policykg import neo4j_server
    from policykg.localhost import free_port
    info = neo4j_server.start(port=free_port(), data_dir=work / "neo4j-data")
    return {"POLICYKG_DATA": str(work / "neo4j-data"), "NEO4J_URI": info.uri, "NEO4J_USERNAME": "neo4j",
            "NEO4J_PASSWORD": info.password or ""}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", default="1,10,100",
                        help="corpus sizes as multiples of the seed corpus (default 1,10,100; 100× takes about an hour)")
    parser.add_argument("--stores", default="embedded,neo4j",
                        help="stores to build and ask (default embedded,neo4j; Neo4j is a throwaway local server)")
    parser.add_argument("--jobs", default="1,2", help="extraction runs, e.g. 1,2")
    parser.add_argument("--repeat", type=int, default=30, help="timed calls per question")
    parser.add_argument("--seed", default=str(ROOT.parent / "shared" / "corpus"),
                        help="the corpus copied N times (default ../shared/corpus)")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "scale.json"),
                        help="results JSON (the PNG is written beside it; default bench/results/scale.json)")
    parser.add_argument("--replot", action="store_true", help="only draw the PNG again from --out, and print the table")
    parser.add_argument("--ask", metavar="STORE", help=argparse.SUPPRESS)  # a step: the questions, timed
    parser.add_argument("--seed-export", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.ask:
        Path(args.out).write_text(json.dumps(ask(args.ask, Path(args.seed_export), args.repeat)), encoding="utf-8")
        return 0
    if args.replot:
        replot(args.out)
        print(markdown_table(json.loads(Path(args.out).read_text(encoding="utf-8"))))
        return 0
    missing = [m for m in ("matplotlib", "psutil") if importlib.util.find_spec(m) is None]
    if missing:  # before an hour of work, not after the first scale (the plot is drawn after each)
        parser.error(f"{', '.join(missing)} not installed: pip install -e '.[bench]'")
    work = Path(tempfile.mkdtemp(prefix="policykg-scale-"))
    seed = Path(args.seed)
    subprocess.run([PY, "-m", "policykg.cli", "extract", str(seed), "--out", str(work / "seed-export"), "-q"],
                   check=True)
    titles = seed_titles(work / "seed-export")
    seed_export = work / "seed-export"  # the questions' agency and documents are the seed's busiest
    env = {"POLICYKG_NEO4J_HEAP": os.environ.get("POLICYKG_NEO4J_HEAP", "2g")}
    results = {"machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                           "platform": platform.platform(), "load_average_at_start": os.getloadavg()},
               "stores": args.stores.split(","), "runs": []}
    from policykg import neo4j_server
    try:
        if "neo4j" in results["stores"]:
            env.update(start_neo4j(work))
        for scale in [int(s) for s in args.scales.split(",")]:
            results["runs"].append(one_scale(scale, seed, titles, work, args, env, seed_export))
            write(results, Path(args.out))  # after every scale: a slow 100× run keeps what it has
    finally:
        if "neo4j" in results["stores"]:
            neo4j_server.stop(work / "neo4j-data")
        shutil.rmtree(work, ignore_errors=True)
    print(markdown_table(results))
    return 0


def replot(out: str) -> None:
    """Draw the PNG again from a results file (python bench/scale.py --replot)."""
    plot(json.loads(Path(out).read_text(encoding="utf-8")), Path(out).with_suffix(".png"))


def write(results: dict, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    plot(results, out.with_suffix(".png"))


if __name__ == "__main__":
    sys.exit(main())
