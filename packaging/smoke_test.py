#!/usr/bin/env python3
"""Run a frozen suitcheck headless, as a user would, and check what it does.

    python3 packaging/smoke_test.py dist/suitcheck [--expect-version 0.2.0]
    python3 packaging/smoke_test.py dist/suitcheck.app          # macOS

Standard library only, so any Python on the build machine runs it (not the frozen one).
Everything happens in a throw-away home: store, audit key, logs and Qt settings.
Assertions are on exit codes, JSON fields and a few words, so commands that print more
than they used to (a public key at init, more fields) still pass.

Checks: --version names suitcheck (at the expected version), Qt, PySide6, SQLAlchemy and
SQLite; init creates a store and an administrator; seed-demo; a C3 client checking an R4
report is blocked (exit 3) and recorded; an export verifies and the same export edited
fails (exit 4); the shipped questionnaire loads; a GBK text report and a PDF report import;
the self-inspection PDF is written; the PostgreSQL driver is bundled; a store written by release 0.1.0
(tests/data/release-0.1.0) is migrated in place with its data and audit chain intact; the
GUI comes up offscreen and, under LANG=zh_CN.UTF-8, shows its window title in Chinese.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "data" / "release-0.1.0"
EXE = ".exe" if os.name == "nt" else ""
CJK = re.compile(r"[\u4e00-\u9fff]")


class SmokeFailure(Exception):
    pass


def executables(target: Path) -> tuple[Path, Path]:
    """(GUI, console) executables of a one-folder bundle or a macOS .app."""
    folder = target / "Contents" / "MacOS" if target.suffix == ".app" else target
    gui, cli = folder / f"suitcheck{EXE}", folder / f"suitcheck-cli{EXE}"
    for exe in (gui, cli):
        if not exe.exists():
            raise SmokeFailure(f"{exe} is missing")
    return gui, cli


class Smoke:
    def __init__(self, target: Path, work: Path) -> None:
        self.gui_exe, self.cli_exe = executables(target)
        self.target = target
        self.work = work
        home = work / "home"
        home.mkdir()
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("SUITCHECK_", "LC_", "LANG", "XDG_"))}
        self.env.update(
            HOME=str(home),
            USERPROFILE=str(home),
            APPDATA=str(home / "AppData" / "Roaming"),
            LOCALAPPDATA=str(home / "AppData" / "Local"),
            XDG_DATA_HOME=str(home / "data"),
            XDG_CONFIG_HOME=str(home / "config"),
            XDG_STATE_HOME=str(home / "state"),
            XDG_CACHE_HOME=str(home / "cache"),
            SUITCHECK_AUDIT_KEY=str(work / "audit.key"),
            SUITCHECK_LOG_DIR=str(work / "log"),
            QT_QPA_PLATFORM="offscreen",
            LANG="C.UTF-8",
            PYTHONIOENCODING="utf-8",
        )

    def run(
        self, *args: str, expect: int | None = 0, env: dict[str, str] | None = None, exe: Path | None = None
    ) -> subprocess.CompletedProcess[str]:
        cmd = [str(exe or self.cli_exe), *args]
        result = subprocess.run(
            cmd,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            env={**self.env, **(env or {})},
            timeout=180,
        )
        values = {"--db", "--user", "--out", "--exit-after"}
        shown = " ".join(a for i, a in enumerate(args) if i == 0 or args[i - 1] not in values)
        if "Traceback" in result.stderr:
            raise SmokeFailure(f"{shown}: a traceback on stderr:\n{result.stderr}")
        if expect is not None and result.returncode != expect:
            raise SmokeFailure(
                f"{shown}: exit {result.returncode}, expected {expect}\n{result.stdout}\n{result.stderr}"
            )
        print(f"  ok  suitcheck {shown} -> exit {result.returncode}", flush=True)
        return result

    def as_user(
        self, db: Path | str, user: str, *args: str, expect: int | None = 0, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        return self.run("--db", str(db), "--user", user, *args, expect=expect, env=env)

    # -------------------------------------------------------------------- checks

    def version(self, expected: str | None) -> None:
        out = self.run("--version").stdout
        print("      " + out.strip().replace("\n", "\n      "))
        for name in ("suitcheck", "SQLAlchemy", "SQLite", "PySide6", "Qt"):
            if not re.search(rf"^{name} \d", out, re.M):
                raise SmokeFailure(f"--version does not name {name}")
        if expected and not re.search(rf"^suitcheck {re.escape(expected)}$", out, re.M):
            raise SmokeFailure(f"--version is not suitcheck {expected}")

    def init(self) -> None:
        store = self.work / "init.db"
        self.run("init", "--admin", "smoke-admin", "--db", str(store), env={"SUITCHECK_PASSWORD": "smoke pass 1"})
        if not store.exists():
            raise SmokeFailure("init did not create the store")
        staff = self.as_user(
            store, "smoke-admin", "--json", "staff", "list", env={"SUITCHECK_PASSWORD": "smoke pass 1"}
        )
        if "smoke-admin" not in staff.stdout:
            raise SmokeFailure("the administrator made by init cannot list staff")

    def demo_check_and_export(self) -> None:
        db = str(self.work / "demo.db")
        self.run("seed-demo", "--db", db)
        demo = {"SUITCHECK_PASSWORD": "demo"}
        found = json.loads(self.as_user(db, "demo-advisor", "--json", "report", "search", "创业板", env=demo).stdout)
        if not found:
            raise SmokeFailure("searching the demo reports for 创业板 found nothing")
        report_id = str(found[0]["id"])
        check = self.as_user(
            db, "demo-advisor", "--json", "check", "--investor", "880003", "--report", report_id, expect=3, env=demo
        )
        decision = json.loads(check.stdout)
        if decision.get("decision") != "block" or not decision.get("entry_hash"):
            raise SmokeFailure(f"the C3 client's check of an R4 report was not a recorded block: {decision}")

        # The check replayed from its entry (domain.replay in the frozen build), and every
        # report re-read from its stored file through the frozen reader worker.
        replayed = json.loads(
            self.as_user(db, "demo-compliance", "--json", "audit", "replay", str(decision["audit_id"]), env=demo).stdout
        )
        if replayed.get("counts", {}).get("reproduced") != 1:
            raise SmokeFailure(f"the check did not replay as reproduced: {replayed.get('counts')}")
        reread = json.loads(self.as_user(db, "demo-compliance", "--json", "report", "reread", env=demo).stdout)
        if reread.get("read") != reread.get("total") or not reread.get("total") or reread.get("not_reread"):
            raise SmokeFailure(f"the demo reports were not all re-read: {reread}")

        export = self.work / "audit.jsonl"
        xlsx = self.work / "audit.xlsx"
        for out, kind in ((export, "jsonl"), (xlsx, "xlsx")):
            self.as_user(db, "demo-compliance", "audit", "export", "--format", kind, "--out", str(out), env=demo)
            self.as_user(db, "demo-compliance", "audit", "verify", str(out), env=demo)
        # The same export edited in a text editor: a block turned into an allow.
        text = export.read_text(encoding="utf-8")
        edited = text.replace('"block"', '"allow"', 1)
        if edited == text:
            raise SmokeFailure("the JSONL export has no block to edit")
        export.write_text(edited, encoding="utf-8")
        self.as_user(db, "demo-compliance", "audit", "verify", str(export), expect=4, env=demo)

        # The questionnaire shipped in resources/ (read through importlib.resources).
        questionnaire = json.loads(self.as_user(db, "demo-advisor", "--json", "questionnaire", "show", env=demo).stdout)
        if not questionnaire.get("questions"):
            raise SmokeFailure(f"the shipped questionnaire has no questions: {questionnaire}")

        # A GBK-encoded text report imports (the frozen build carries the codecs).
        report = self.work / "gbk-report.txt"
        report.write_bytes(
            "银行业息差企稳\n研究机构：示例证券研究所\n分析师：张三 S0000000000000\n风险等级：R2\n"
            "我们维持行业“超配”评级。\n".encode("gbk")
        )
        imported = json.loads(
            self.as_user(db, "demo-compliance", "--json", "report", "import", str(report), expect=None, env=demo).stdout
        )
        status = imported[0]["status"] if isinstance(imported, list) else imported.get("status")
        if status not in ("imported", "needs-rating"):
            raise SmokeFailure(f"a GBK text report did not import: {imported}")

    def pdf_reader_and_pdf_writer(self) -> None:
        """The two PDF paths the rest leaves out: a PDF report read by pdfminer in the frozen
        reader worker, and the self-inspection PDF written by reportlab with the bundled font."""
        db = str(self.work / "demo.db")
        demo = {"SUITCHECK_PASSWORD": "demo"}
        report = self.work / "pdf-report.pdf"
        report.write_bytes(minimal_pdf("Smoke test report. Risk level: R2"))
        imported = json.loads(
            self.as_user(db, "demo-compliance", "--json", "report", "import", str(report), expect=None, env=demo).stdout
        )
        status = imported[0]["status"] if isinstance(imported, list) else imported.get("status")
        if status not in ("imported", "needs-rating"):
            raise SmokeFailure(f"a PDF report did not import: {imported}")
        today = dt.date.today()
        out = self.work / "inspection.pdf"
        self.as_user(
            db,
            "demo-compliance",
            "inspection",
            "--from",
            str(today - dt.timedelta(days=30)),
            "--to",
            str(today - dt.timedelta(days=1)),
            "--out",
            str(out),
            env=demo,
        )
        if not out.read_bytes().startswith(b"%PDF-"):
            raise SmokeFailure("the self-inspection file is not a PDF")

    def postgresql_driver(self) -> None:
        """A firm's shared store is PostgreSQL (README, *A shared PostgreSQL store*): the
        shipped program must carry its driver. A server that is not there (port 1) is
        "cannot be reached", as from the source tree, never "an unsupported database driver"."""
        for url in ("postgresql://suitcheck@127.0.0.1:1/suitcheck", "postgresql+psycopg://suitcheck@127.0.0.1:1/x"):
            result = self.run("--db", url, "investor", "list", expect=1)
            if "cannot be reached" not in result.stderr:
                raise SmokeFailure(f"the frozen program cannot open a PostgreSQL store: {result.stderr.strip()}")
        # psycopg is LGPL-3.0: its modules are files a user may replace, not sealed in the
        # executable's archive (the one-folder layout; a macOS .app arranges its own).
        source = self.target / "_internal" / "psycopg" / "__init__.py"
        if self.target.suffix != ".app" and not source.is_file():
            raise SmokeFailure(f"{source} is missing: psycopg's modules must travel as files (LGPL)")

    def upgrade_previous_release(self) -> None:
        manifest = json.loads((FIXTURE / "manifest.json").read_text())
        db, key = self.work / "old.db", self.work / "old-audit.key"
        shutil.copy(FIXTURE / "suitcheck.db", db)
        shutil.copy(FIXTURE / "audit.key", key)
        if os.name != "nt":
            key.chmod(0o600)
        env = {"SUITCHECK_AUDIT_KEY": str(key), "SUITCHECK_PASSWORD": "demo"}
        clients = json.loads(self.as_user(db, "demo-advisor", "--json", "investor", "list", env=env).stdout)
        reports = json.loads(self.as_user(db, "demo-advisor", "--json", "report", "list", env=env).stdout)
        if (len(clients), len(reports)) != (manifest["investor_rows"], manifest["report_rows"]):
            raise SmokeFailure(f"the 0.1.0 store lost data: {len(clients)} clients, {len(reports)} reports")
        self.as_user(db, "demo-compliance", "audit", "verify", env=env)
        conn = sqlite3.connect(db)
        try:
            (revision,) = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            last = manifest["last_entry"]
            row = conn.execute("SELECT entry_hash FROM audit_entry WHERE seq = ?", (last["seq"],)).fetchone()
        finally:
            conn.close()
        if row is None or row[0] != last["entry_hash"]:
            raise SmokeFailure("the 0.1.0 store's audit chain changed")
        print(
            f"      0.1.0 store: revision {manifest['alembic_revision']} -> {revision}, "
            f"{len(clients)} clients, {len(reports)} reports, chain intact"
        )

    def gui(self) -> None:
        zh = {"LANG": "zh_CN.UTF-8", "LC_ALL": "zh_CN.UTF-8", "LANGUAGE": "zh_CN"}
        # The console executable prints what was on screen (the GUI one has no console on
        # Windows); both are checked to start and leave cleanly.
        shown = self.run("demo", "--db", str(self.work / "gui-zh.db"), "--exit-after", "5", env=zh)
        titles = re.findall(r"^suitcheck: window shown: (.+)$", shown.stdout, re.M)
        print(f"      windows shown (zh_CN): {titles}")
        if not titles:
            raise SmokeFailure(f"the GUI showed no window:\n{shown.stdout}\n{shown.stderr}")
        if platform.system() == "Linux" and not any(CJK.search(t) for t in titles):
            # Qt reads LANG only on Linux; Windows and macOS take the language from the system.
            raise SmokeFailure(f"under LANG=zh_CN.UTF-8 the window title is not Chinese: {titles}")
        english = self.run("demo", "--db", str(self.work / "gui-en.db"), "--exit-after", "5")
        en_titles = re.findall(r"^suitcheck: window shown: (.+)$", english.stdout, re.M)
        print(f"      windows shown (C.UTF-8): {en_titles}")
        if platform.system() == "Linux" and (not en_titles or any(CJK.search(t) for t in en_titles)):
            raise SmokeFailure(f"under LANG=C.UTF-8 the window title is not English: {en_titles}")
        self.run("demo", "--db", str(self.work / "gui-exe.db"), "--exit-after", "3", exe=self.gui_exe)


def minimal_pdf(text: str) -> bytes:
    """A one-page PDF showing `text` in Helvetica (ASCII), written with the standard library."""
    content = f"BT /F1 12 Tf 72 760 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="Smoke-test a frozen suitcheck.")
    parser.add_argument("target", type=Path, help="dist/suitcheck (one folder) or dist/suitcheck.app")
    parser.add_argument("--expect-version", help="the version --version must report")
    args = parser.parse_args(argv)
    print(f"smoke test of {args.target}", flush=True)
    with tempfile.TemporaryDirectory(prefix="suitcheck-smoke-") as tmp:
        try:
            smoke = Smoke(args.target.resolve(), Path(tmp))
            smoke.version(args.expect_version)
            smoke.init()
            smoke.demo_check_and_export()
            smoke.pdf_reader_and_pdf_writer()
            smoke.postgresql_driver()
            smoke.upgrade_previous_release()
            smoke.gui()
        except (SmokeFailure, subprocess.TimeoutExpired, json.JSONDecodeError, KeyError, IndexError) as exc:
            print(f"SMOKE FAIL: {exc}", file=sys.stderr)
            return 1
    print("smoke test passed", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
