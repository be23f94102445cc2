"""A local Neo4j Community 5.26 server without Docker, for development and CI.

`start()` fetches the Neo4j jars with Maven (neo4j/pom.xml → `.neo4j/lib`, cached in ~/.m2), then
runs `java -cp '.neo4j/lib/*' neo4j/Launcher.java HOME PORT` as a detached process (compiled once
into `.neo4j/launcher-<digest>/`, which saves the source launcher's compile on every start): an embedded
DBMS with the Bolt connector on 127.0.0.1:PORT, its data under HOME = <data dir>/neo4j. Auth is
on: the first start generates a password, kept in HOME/password (mode 600) and reused after; the
server gets it on its standard input, so it is on no command line and in no process environment.
LOAD CSV cannot read files (file URLs off, an empty import root) or fetch URLs (every address
blocklisted) — see docs/reliability.md.

    policykg neo4j start [--port 7687]     # prints the NEO4J_* variables to export
    policykg neo4j status
    policykg neo4j stop
"""
from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
import signal
import subprocess
import tempfile
import time
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Optional, Sequence

from policykg.localhost import port_open

PROJECT = Path(__file__).resolve().parent.parent
POM = PROJECT / "neo4j" / "pom.xml"
LAUNCHER = PROJECT / "neo4j" / "Launcher.java"
LAUNCHER_JAR = "launcher.jar"
DEFAULT_PORT = 7687
USERNAME = "neo4j"
READY = "NEO4J_READY"
#: the server's page cache (off-heap, taken as the store is read; $POLICYKG_NEO4J_PAGECACHE overrides)
DEFAULT_PAGECACHE = "512m"
FAILED = "NEO4J_FAILED"
#: HotSpot options for the JVMs of a bulk import (neo4j-admin's, and the server started after it):
#: C2 compiles a method after 10× the calls and 5× the loop iterations of the defaults. The server's
#: C2 thread took 12–16 s of CPU in the ~25 s after the import (full-text population beside the
#: empty lists), a core's worth on a 2-core machine, mostly on code that ran only briefly; with these
#: it takes ~8 s and the loop-heavy code (Lucene's indexing) still reaches C2 (docs/graph-stores.md,
#: sixth pass). The steady state is the same: only when a method gets C2-compiled changes.
BULK_JIT = ["-XX:Tier4InvocationThreshold=50000", "-XX:Tier4CompileThreshold=60000",
            "-XX:Tier4BackEdgeThreshold=200000"]


class ServerError(RuntimeError):
    """The local server could not be fetched, started, reached or stopped; the message says why."""


@dataclass
class ServerInfo:
    running: bool
    pid: Optional[int] = None
    port: Optional[int] = None
    uri: Optional[str] = None
    username: str = USERNAME
    password: Optional[str] = None
    home: Optional[str] = None
    reachable: Optional[bool] = None

    def env(self) -> dict[str, str]:
        out = {"NEO4J_URI": self.uri or "", "NEO4J_USERNAME": self.username}
        if self.password:
            out["NEO4J_PASSWORD"] = self.password
        return out

    def shell_exports(self) -> str:
        return "\n".join(f"export {k}={v}" for k, v in self.env().items())

    def as_dict(self, show_password: bool = False) -> dict:
        d = asdict(self)
        if not show_password and d["password"]:
            d["password"] = "(in " + str(Path(self.home or "") / "password") + ")"
        return d


def lib_dir() -> Path:
    return Path(os.environ.get("POLICYKG_NEO4J_LIB") or PROJECT / ".neo4j" / "lib")


def home_dir(data_dir: str | Path | None = None) -> Path:
    if data_dir is None:
        data_dir = os.environ.get("POLICYKG_DATA") or PROJECT / "data"
    return Path(data_dir) / "neo4j"


def fetch(quiet: bool = True) -> Path:
    """Copy the Neo4j jars into lib_dir() with Maven (a no-op when they are there)."""
    lib = lib_dir()
    marker = lib / ".complete"
    if marker.exists():
        return lib
    for tool in ("mvn", "java"):
        if shutil.which(tool) is None:
            raise ServerError(f"`{tool}` not found: the local Neo4j needs Java 17 and Maven 3 "
                              "(or use docker compose up neo4j, see docs/graph-stores.md)")
    lib.mkdir(parents=True, exist_ok=True)
    cmd = ["mvn", "-B", *(["-q"] if quiet else []), "-f", str(POM), "dependency:copy-dependencies",
           f"-DoutputDirectory={lib}"]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-15:])
        raise ServerError(f"fetching the Neo4j jars failed ({' '.join(cmd)}):\n{tail}")
    marker.write_text("ok\n")
    return lib


def compiled_launcher(lib: Path) -> Optional[Path]:
    """Launcher.java compiled with `javac`, kept next to the jars under a digest of its source and
    of neo4j/pom.xml (an edited launcher or another Neo4j version compiles again). None without `javac` (the server then starts from source:
    `java Launcher.java` compiles it in memory on every start, a few seconds)."""
    digest = hashlib.sha256(LAUNCHER.read_bytes() + POM.read_bytes() + b"jar").hexdigest()[:12]
    classes = lib.parent / f"launcher-{digest}"
    if (classes / LAUNCHER_JAR).exists():
        return classes
    if shutil.which("javac") is None:
        return None
    try:
        staging = Path(tempfile.mkdtemp(prefix="launcher-", dir=lib.parent))
    except OSError:  # the jars' directory is read-only
        return None
    proc = subprocess.run(["javac", "-cp", f"{lib}/*", "-d", str(staging), str(LAUNCHER)],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        return None
    # in a jar, not a directory: a class-data-sharing archive (class_archive) takes jars only
    with zipfile.ZipFile(staging / LAUNCHER_JAR, "w") as jar:
        jar.write(staging / "Launcher.class", "Launcher.class")
    try:
        staging.rename(classes)  # atomic: a concurrent start finds a complete directory or none
    except OSError:  # another start got there first
        shutil.rmtree(staging, ignore_errors=True)
    return classes


def class_archive(classes: Optional[Path]) -> tuple[list[str], Optional[list[str]]]:
    """The JVM options for the server's class-data-sharing archive (AppCDS): loading and verifying
    the classes of ~200 jars is most of a start's CPU (measured: 15 s of CPU on the shared VM).
    With an archive next to the compiled launcher, the classes map from it; without one, this
    server writes one when it exits (`stop` moves it in place after a clean stop). Returns (options,
    [temporary file, archive] being written or None). The archive is named after the `java` binary
    it was made by (another JVM ignores it anyway, -Xshare:auto); $POLICYKG_NEO4J_CDS=0 turns it off."""
    java = shutil.which("java")
    if classes is None or java is None or os.environ.get("POLICYKG_NEO4J_CDS") == "0":
        return [], None
    real = Path(java).resolve()
    key = hashlib.sha256(f"{real}:{real.stat().st_mtime_ns}".encode()).hexdigest()[:12]
    archive = classes / f"server-{key}.jsa"
    if archive.exists():
        return [f"-XX:SharedArchiveFile={archive}", "-Xshare:auto", "-Xlog:cds=off", "-Xlog:cds+dynamic=off"], None
    partial = classes / f"server-{key}.jsa.{os.getpid()}-{secrets.token_hex(4)}"
    return [f"-XX:ArchiveClassesAtExit={partial}", "-Xlog:cds=off", "-Xlog:cds+dynamic=off"], [str(partial), str(archive)]


def _keep_class_archive(state: dict) -> None:
    """After a clean stop: the archive the server wrote on exit becomes the one starts use."""
    written = state.get("class_archive")
    if written and Path(written[0]).exists():
        try:
            os.replace(written[0], written[1])
        except OSError:
            pass
        for partial in Path(written[1]).parent.glob(Path(written[1]).name + ".*"):
            partial.unlink(missing_ok=True)  # this one, or one a killed server left


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie child of ours counts as gone
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(") ")[-1].split()[0] != "Z"
    except OSError:
        return True


def _is_our_server(pid: int) -> bool:
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return _pid_alive(pid)
    return "Launcher.java" in cmdline or " Launcher " in cmdline


def _state(home: Path) -> dict:
    try:
        return json.loads((home / "server.json").read_text())
    except (OSError, ValueError):
        return {}


def _password(home: Path, password: Optional[str]) -> str:
    path = home / "password"
    if password:
        if len(password) < 8:
            raise ServerError("Neo4j needs a password of at least 8 characters")
    elif path.exists():
        password = path.read_text().strip()
    else:
        password = secrets.token_urlsafe(18)
    home.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(password + "\n")
    return password


def _bolt_ok(uri: str, password: Optional[str]) -> bool:
    try:
        from neo4j import GraphDatabase
        with GraphDatabase.driver(uri, auth=(USERNAME, password) if password else None,
                                  connection_timeout=3) as driver:
            driver.verify_connectivity()
        return True
    except Exception:
        return False


def status(data_dir: str | Path | None = None, check_bolt: bool = True) -> ServerInfo:
    home = home_dir(data_dir)
    state = _state(home)
    pid = state.get("pid")
    if not pid or not _pid_alive(pid) or not _is_our_server(pid):
        return ServerInfo(running=False, home=str(home))
    password = (home / "password").read_text().strip() if (home / "password").exists() else None
    info = ServerInfo(running=True, pid=pid, port=state.get("port"), uri=state.get("uri"),
                      password=password if state.get("auth") else None, home=str(home))
    if check_bolt:
        info.reachable = _bolt_ok(info.uri, info.password)
    return info


def start(port: int = DEFAULT_PORT, data_dir: str | Path | None = None, *, password: Optional[str] = None,
          auth: bool = True, timeout: float = 240, heap: Optional[str] = None,
          progress=None, jvm_options: Sequence[str] = ()) -> ServerInfo:
    """Start the local server (or return the running one) and wait until Bolt answers.
    `jvm_options`: more options for its JVM (the bulk import passes BULK_JIT)."""
    home = home_dir(data_dir)
    current = status(data_dir)
    if current.running:
        if current.port != port:
            raise ServerError(f"a local Neo4j already runs on port {current.port} (pid {current.pid}); "
                              "stop it first with `policykg neo4j stop`")
        deadline = time.monotonic() + timeout  # still starting (another `start`): wait for it
        while not current.reachable and current.running and time.monotonic() < deadline:
            time.sleep(1)
            current = status(data_dir)
        if current.reachable:
            return current
        if current.running:
            raise ServerError(f"the local Neo4j (pid {current.pid}) runs but does not answer at "
                              f"{current.uri}; see {home / 'server.log'} or run `policykg neo4j stop`")
    if port_open(port):
        raise ServerError(f"port {port} on 127.0.0.1 is already in use; choose another with --port")
    if progress:
        progress(f"fetching Neo4j jars into {lib_dir()} (cached in ~/.m2) …")
    lib = fetch()
    pw = _password(home, password) if auth else None
    home.mkdir(parents=True, exist_ok=True)
    log_path = home / "server.log"
    env = server_environment(pw)
    heap = heap or os.environ.get("POLICYKG_NEO4J_HEAP", "1g")
    classes = compiled_launcher(lib)
    page_cache = os.environ.get("POLICYKG_NEO4J_PAGECACHE", DEFAULT_PAGECACHE)
    archive, dumping = class_archive(classes)
    jvm = ["java", f"-Xmx{heap}", f"-Dpolicykg.pagecache={page_cache}", *archive, *jvm_options]
    cmd = ([*jvm, "-cp", f"{classes / LAUNCHER_JAR}{os.pathsep}{lib}/*", "Launcher", str(home), str(port)]
           if classes else [*jvm, "-cp", f"{lib}/*", str(LAUNCHER), str(home), str(port)])
    if progress:
        progress(f"starting Neo4j on 127.0.0.1:{port} (data in {home}) …")
    with open(log_path, "w") as log:
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=log, stderr=subprocess.STDOUT,
                                env=env, cwd=str(PROJECT), start_new_session=True)
    proc.stdin.write(((pw or "") + "\n").encode())  # the password goes through a pipe, never argv/env
    proc.stdin.close()
    uri = f"bolt://127.0.0.1:{port}"
    (home / "server.json").write_text(json.dumps({"pid": proc.pid, "port": port, "uri": uri,
                                                  "auth": bool(pw), "class_archive": dumping}))
    (home / "server.pid").write_text(f"{proc.pid}\n")
    deadline = time.monotonic() + timeout
    while True:
        text = log_path.read_text(errors="replace") if log_path.exists() else ""
        if READY in text:
            break
        if proc.poll() is not None or FAILED in text or time.monotonic() > deadline:
            why = ("timed out" if proc.poll() is None else f"exited with {proc.returncode}")
            if proc.poll() is None:
                _terminate(proc.pid, 30)
            tail = "\n".join(text.strip().splitlines()[-15:])
            raise ServerError(f"Neo4j did not start ({why}); log {log_path}:\n{tail}")
        time.sleep(0.25)
    while not _bolt_ok(uri, pw):
        if time.monotonic() > deadline:
            _terminate(proc.pid, 30)
            raise ServerError(f"Neo4j printed its ready line but {uri} does not answer")
        time.sleep(0.5)
    return ServerInfo(running=True, pid=proc.pid, port=port, uri=uri, password=pw, home=str(home),
                      reachable=True)


def server_environment(password: Optional[str]) -> dict[str, str]:
    """This process's environment without any Neo4j credential: the server reads its password
    from stdin, so /proc/<pid>/environ of the server holds no secret (even one the user exported)."""
    secret_names = {"NEO4J_PASSWORD", "NEO4J_AUTH", "NEO4J_LAUNCH_PASSWORD"}
    return {k: v for k, v in os.environ.items()
            if k not in secret_names and not (password and password in v)}


def _terminate(pid: int, timeout: float) -> bool:
    """SIGTERM (clean shutdown), then SIGKILL after `timeout` s. True if it stopped cleanly."""
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return True
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _pid_alive(pid):
            _reap(pid)
            return True
        time.sleep(0.2)
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    _reap(pid)
    return False


def _reap(pid: int) -> None:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass


def stop(data_dir: str | Path | None = None, timeout: float = 60) -> ServerInfo:
    """Stop the local server if it runs. Returns its status before stopping."""
    home = home_dir(data_dir)
    info = status(data_dir, check_bolt=False)
    state = _state(home)
    if info.running:
        # a server writing its class archive on exit takes longer (~10 s, more on a busy machine)
        clean = _terminate(info.pid, timeout + (120 if state.get("class_archive") else 0))
        if not clean:
            raise ServerError(f"Neo4j (pid {info.pid}) did not stop within {timeout:.0f}s and was killed")
        _keep_class_archive(state)
    (home / "server.json").unlink(missing_ok=True)
    (home / "server.pid").unlink(missing_ok=True)
    return info


def import_csv(arguments: list[str], data_dir: str | Path | None = None, database: str = "neo4j",
               heap: str = "2g", off_heap: str = "1g") -> str:
    """`neo4j-admin database import full ARGUMENTS DATABASE` into the local server's home, from the
    same jars the server runs on (org.neo4j.cli.AdminTool is neo4j-admin's entry point). The
    server must be stopped (the import replaces the database's store files). Returns the tool's
    report; raises ServerError with its last lines when it fails. Output in HOME/import.log.
    Memory: a 2 GB heap and 1 GB off-heap (the 100× import estimates ≈ 1 GB and peaked at 1.035 GB
    with 1 GB / 512 MB): its relationship linking 0.7 s instead of 1.8 s, ≈ 1 s and ≈ 2–3 s of CPU
    less at 100× (docs/graph-stores.md, sixth pass); the JVM lives only for the import."""
    home = home_dir(data_dir)
    if status(data_dir, check_bolt=False).running:
        raise ServerError("the local Neo4j is running; a bulk import needs it stopped (policykg neo4j stop)")
    lib = fetch()
    home.mkdir(parents=True, exist_ok=True)
    cmd = ["java", f"-Xmx{heap}", *BULK_JIT, "-cp", f"{lib}/*", "org.neo4j.cli.AdminTool", "database", "import", "full",
           *arguments, "--overwrite-destination=true", f"--max-off-heap-memory={off_heap}",
           "--report-file=" + str(home / "import.report"), database]
    env = dict(os.environ, NEO4J_HOME=str(home))
    env.pop("NEO4J_CONF", None)
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=str(home))
    (home / "import.log").write_text(proc.stdout + proc.stderr)
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-12:])
        raise ServerError(f"neo4j-admin database import failed (log {home / 'import.log'}):\n{tail}")
    return proc.stdout
