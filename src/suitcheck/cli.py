"""The `suitcheck` command: the public contract of design.md, on top of services only."""

from __future__ import annotations

import argparse
import contextlib
import csv
import dataclasses
import datetime as dt
import getpass
import io
import json
import logging
import os
import re
import signal
import stat
import sys
import tempfile
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, NoReturn

from suitcheck.about import version_text
from suitcheck.domain.calendar import FIRM_ZONE_NAME, parse_day, stamp_in_firm_time
from suitcheck.domain.codes import AuditAction, ExportFormat, ImportStatus
from suitcheck.domain.decision import Outcome
from suitcheck.domain.levels import InvestorClass, RiskLevel
from suitcheck.domain.policy import PolicyError, typed_settings
from suitcheck.domain.questionnaire import AnswersError, parse_answers
from suitcheck.domain.roles import Role
from suitcheck.domain.text import escape_controls, json_escape_controls
from suitcheck.logs import setup_logging
from suitcheck.privatefs import sync_folder
from suitcheck.services import (
    Actor,
    Services,
    StoreError,
    default_audit_key_path,
    local_store_file,
    open_services,
)
from suitcheck.services.access import CheckResult
from suitcheck.services.audit_log import (
    AuditFilter,
    ExportVerification,
    VerifyResult,
    attach_report,
    export_warning,
    parse_public_keys,
    verify_file_offline,
)
from suitcheck.services.audit_replay import EntryReplay, ReplayReport, ReplayTally
from suitcheck.services.auth import PasswordChangeRequired, StaffView
from suitcheck.services.errors import InvalidInput, OutcomeUnknown, ServiceError
from suitcheck.services.files import check_target, read_pairs_text
from suitcheck.services.investors import parse_profile
from suitcheck.services.questionnaire import read_questionnaire_file
from suitcheck.services.refs import numeric_id, shown_ref
from suitcheck.services.report_reread import NotReread, RereadApplied, RereadPreview, SubjectChange
from suitcheck.services.reports import ImportResult, ReportFilter, ReportService, parse_level
from suitcheck.services.settle import Settlement, parse_was, settle_reason

log = logging.getLogger("suitcheck.cli")

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_BLOCKED, EXIT_VERIFY_FAILED = 0, 1, 2, 3, 4


class Output:
    """Text for people, JSON for scripts; stdout carries results only."""

    def __init__(self, as_json: bool) -> None:
        self.json = as_json

    def emit(self, data: Any, text: str | Callable[[], str]) -> None:
        """Text from files and users (titles, file names, client names) may carry control
        characters or bidi overrides: escaped here, so none reaches the terminal raw. In
        JSON they become \\u escapes, which every parser reads back as the same text."""
        if self.json:
            _stdout(json_escape_controls(_json(data, indent=None if isinstance(data, list) else 2)) + "\n", flush=True)
        else:
            _stdout(escape_controls(text() if callable(text) else text, keep="\n") + "\n", flush=True)


class _OutputFailed(ServiceError):
    """stdout could not take the output: a redirection onto a full disk, an I/O error."""


def _stdout(text: str, *, flush: bool) -> None:
    """`text` written to stdout (`flush`: and flushed, so that a failure is met here, not in
    the exit's flush). An OSError was an "unexpected error" with a traceback in the log
    (`--version`: a raw traceback): now one sentence (_OutputFailed), and stdout is pointed
    at /dev/null so that the exit's flush fails no more. A reader gone (BrokenPipeError) is
    main's (_reader_gone)."""
    try:
        sys.stdout.write(text)
        if flush:
            sys.stdout.flush()
    except BrokenPipeError:
        raise
    except OSError as exc:
        with contextlib.suppress(AttributeError, ValueError, OSError):  # no descriptor: nothing to point elsewhere
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise _OutputFailed(f"Cannot write the output: {exc.strerror or exc}.") from exc


# -- helpers -----------------------------------------------------------------------------


def _closed_streams_to_devnull() -> None:
    """stdin, stdout or stderr closed (`suitcheck ... >&-`, a service manager's job):
    /dev/null in their place, before any file is opened. Else the first file opened (the
    log) took their descriptor, so `--out /dev/stdout` named the log; Python gives no stream
    for them, so `audit replay` (and a password prompt with stdin closed) failed as an
    "unexpected error"; and with stderr closed an error's sentence went to stdout, into what
    a script reads as the --json document."""
    for fd, name, mode in ((0, "stdin", "r"), (1, "stdout", "w"), (2, "stderr", "w")):
        try:
            os.fstat(fd)
        except OSError:
            null = os.open(os.devnull, os.O_RDONLY if mode == "r" else os.O_WRONLY)
            if null != fd:
                os.dup2(null, fd)
                os.close(null)
            setattr(sys, name, open(fd, mode, encoding="utf-8", closefd=False))  # noqa: SIM115


def _escape_what_stdout_cannot_show() -> None:
    """A character stdout's encoding lacks (a console or a redirection in GBK, as on a
    Chinese Windows desktop: a client named with 𠀀 or an emoji; a file name of bytes that
    are not UTF-8) is written as a \\U escape, not failing the command after its work was
    done and recorded. (stderr does so already.)"""
    with contextlib.suppress(AttributeError, ValueError, OSError):  # not a text stream, or closed
        sys.stdout.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]


def _json(data: Any, indent: int | None = None) -> str:
    """`data` as JSON for stdout: its text as it is when stdout's encoding holds every
    character, else \\u-escaped (the same data to a parser; a \\U escape is not JSON)."""
    dumped = json.dumps(data, ensure_ascii=False, indent=indent)
    try:
        dumped.encode(sys.stdout.encoding or "utf-8")
    except (UnicodeEncodeError, LookupError, AttributeError):
        return json.dumps(data, ensure_ascii=True, indent=indent)
    return dumped


def _date(text: str) -> dt.date:
    try:
        return parse_day(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from exc


_INTEGER = re.compile(r"-?[0-9]+")


def _count(text: str) -> int:
    """A positive whole number of sensible size, in ASCII digits (no superscripts)."""
    if not _INTEGER.fullmatch(text.strip()) or not 0 < int(text) <= 1_000_000_000:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number from 1 to 1000000000")
    return int(text)


def _record_id(text: str) -> int:
    """A client's or report's id ("12" or "#12"), read by the same parser as every reference."""
    number = numeric_id(text)
    if number is None:
        raise argparse.ArgumentTypeError(f"{text!r} is not a record id (a number such as 12 or #12)")
    return number


_SHA256_HEX = re.compile(r"[0-9a-fA-F]{64}")


def _sha256_hex(text: str) -> str:
    """A file's SHA-256 as a dry run printed it: 64 hexadecimal digits, whole (a prefix
    binds an import to its dry run less than the hash does)."""
    if not _SHA256_HEX.fullmatch(text.strip()):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a SHA-256 (64 hexadecimal digits, as the dry run's --json gives it)"
        )
    return text.strip().lower()


def _file_name(text: str) -> str:
    """A file or folder name as typed. An empty one (a script's `"$EXPORT"` with the variable
    unset) is refused: read as a path it named the working folder, so `audit verify ""`
    verified the store instead of the export and said OK, `report import ""` imported
    whatever lay in the working folder, and `eligible --out ""` printed the list. Nor is
    "-", which scripts mean for standard input or output."""
    if not text.strip():
        raise argparse.ArgumentTypeError("an empty file name (is a script's variable unset?)")
    if text.strip() == "-":
        # A script's "standard output (or input)": it wrote a file named "-" in the working
        # folder and said "results in -".
        raise argparse.ArgumentTypeError(
            "'-' is taken for standard input or output, which this command does not read or write: name a file"
        )
    return text


class _Parser(argparse.ArgumentParser):
    """Usage errors as one sentence on one line, exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"suitcheck: {message} (see '{self.prog} --help').\n")


def _undecodable(argv: Sequence[str]) -> int | None:
    """The position of the first argument that is not UTF-8 text (Python keeps such
    bytes as lone surrogates, which no database or terminal accepts)."""
    for position, arg in enumerate(argv, start=1):
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            return position
    return None


def _password(prompt: str = "Password: ", confirm: bool = False, *, new: bool = False) -> str:
    """The caller's own password (SUITCHECK_PASSWORD or a prompt); with `new`, a password
    for an account being set (SUITCHECK_NEW_PASSWORD or a prompt, never SUITCHECK_PASSWORD:
    the caller's login must not become another account's)."""
    name = "SUITCHECK_NEW_PASSWORD" if new else "SUITCHECK_PASSWORD"
    env = os.environ.get(name)
    if env:
        if not _is_text(env):
            # Bytes that are no UTF-8 (held as surrogates): argon2 cannot take them, and the
            # error it raised named the byte and its place in the log. Named by the variable,
            # never by its value; nothing is done, nothing counted towards a lockout.
            raise InvalidInput(f"{name} is not valid UTF-8 text; nothing was done.")
        return env
    if not sys.stdin.isatty():
        if new:
            raise InvalidInput("No new password given: set SUITCHECK_NEW_PASSWORD or run the command in a terminal.")
        raise InvalidInput("No password given: set SUITCHECK_PASSWORD or run the command in a terminal.")
    first = getpass.getpass(prompt)
    if confirm and getpass.getpass("Repeat the password: ") != first:
        raise InvalidInput("The two passwords differ.")
    return first


def _is_text(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _login(services: Services, args: argparse.Namespace, *, to_correct_clock: bool = False) -> Actor:
    user = getattr(args, "user", None) or os.environ.get("SUITCHECK_USER")
    if not user:
        raise InvalidInput("This command needs a staff identity: add --user NAME.")
    if not _is_text(user):
        # Only the variable can hold one (--user is refused as an argument that is no UTF-8):
        # the store cannot take the name, and the sign-in ended in an unexpected error.
        raise InvalidInput("SUITCHECK_USER is not valid UTF-8 text; nothing was done.")
    password = _password(f"Password for {user}: ")
    if to_correct_clock:
        return services.auth.login_to_correct_clock(user, password)
    return services.auth.login(user, password)


def _level_text(code: str | None) -> str:
    if code is None:
        return "unrated 未评级"
    level = RiskLevel.parse(code)
    return f"{level.code} {level.label_zh}"


def _investor_line(d: dict[str, Any]) -> str:
    state = d["assessment_state"].replace("-", " ") if d["follows_table"] else "no assessment needed"
    profile = d["profile"] or "-"
    return (
        f"{d['id']:>6}  {_safe(d['account']):<10} {_safe(d['name']):<12} {d['class']:<12} {profile:<3} "
        f"{d['assessed'] or '-':<10} {state}{'  [lowest category]' if d['lowest_category'] else ''}"
        + ("  [re-assessment due]" if d.get("reassessment_due") else "")
        # The caution a decision about them carries (flagged, or at the special-attention age).
        + ("  [special attention]" if d.get("needs_attention") else "")
        + (f"  branch {_safe(d['branch'])}" if d.get("branch") else "")
        + ("" if d["record_intact"] else "  [record changed outside suitcheck: every check blocks; run audit verify]")
    )


def _report_line(d: dict[str, Any]) -> str:
    flag = "  [finding]" if d["open_findings"] else ""
    if not d["record_intact"]:
        flag += "  [record changed outside suitcheck: every check blocks; run audit verify]"
    return f"{d['id']:>6}  {d['date'] or '-':<10} {d['level'] or 'unrated':<7} {_safe(d['title'])}{flag}"


def _progress(number: int, total: int, _result: object) -> None:
    if sys.stderr.isatty():
        width = 30
        done = width * number // max(total, 1)
        sys.stderr.write(f"\r[{'#' * done}{'.' * (width - done)}] {number}/{total}")
        if number == total:
            sys.stderr.write("\n")
        sys.stderr.flush()


# -- commands ----------------------------------------------------------------------------


def cmd_init(services: Services, args: argparse.Namespace, out: Output) -> int:
    key = attach_report(services.attached)
    created = None
    if args.admin:
        try:
            created = services.auth.create_first_admin(args.admin, _password(f"New password for {args.admin}: ", True))
        except ServiceError:
            # The store and its audit key are made by now: the key compliance must file is
            # shown all the same (a later init finds it made, and says nothing of it).
            if key:
                _init_done(services, out, None, key)
            raise
    _init_done(services, out, created, key)
    return EXIT_OK


def _init_done(services: Services, out: Output, created: StaffView | None, key: dict[str, Any] | None) -> None:
    upgraded = services.store.schema_upgraded
    data = {
        "store": services.store.display_name,
        "schema_upgraded": {"from": upgraded[0], "to": upgraded[1]} if upgraded else None,
        "admin": created.username if created else None,
        "audit_key": key,
    }
    lines = [f"Store ready: {data['store']}"]
    if upgraded:
        lines.append(f"Store upgraded from schema {upgraded[0]} to {upgraded[1]} (the log names each step).")
    if created:
        lines.append(f"Administrator created: {created.username}")
    if key:
        lines += [
            f"Audit key created for this installation ({key['event']}). Compliance: file this public key,",
            "it is what verifies the audit trail and its exports anywhere:",
            f"  {key['public_key']}",
            f"  fingerprint {key['fingerprint']}",
        ]
        if key["event"] == "joined":
            lines.append(
                "The other desks block clients and reports this desk writes until an administrator there runs "
                f"`suitcheck audit key trust {key['chain']}`."
            )
    out.emit(data, "\n".join(lines))


def cmd_seed_demo(services: Services, args: argparse.Namespace, out: Output) -> int:
    from suitcheck.services.demo import seed_demo

    # A store with real staff is refused by the service before anyone is asked to log in.
    admin = _login(services, args) if services.auth.has_staff() and services.auth.is_demo_store() else None
    counts = seed_demo(services, admin)
    key = attach_report(services.attached)
    out.emit(
        {**counts, "audit_key": key} if key else counts,
        f"Demo data added: {counts['staff']} staff, {counts['clients']} clients, "
        f"{counts['reports']} reports in {counts['branches']} branches. Demo logins: demo-advisor / "
        "demo-compliance / demo-admin (head office), demo-advisor-sh / demo-advisor-sz (branches), password 'demo'."
        + (f"\nAudit key created: {key['public_key']} (fingerprint {key['fingerprint']})" if key else ""),
    )
    return EXIT_OK


def cmd_investor(services: Services, args: argparse.Namespace, out: Output) -> int:
    actor = _login(services, args)
    inv = services.investors
    actions: dict[str, Callable[[Services, Actor, argparse.Namespace, Output], int]] = {
        "add": _investor_add,
        "edit": _investor_edit,
        "assess": _investor_assess,
        "show": _investor_show,
        "import": _investor_import,
        "move": _investor_move,
    }
    if args.action in actions:
        return actions[args.action](services, actor, args, out)
    if args.action == "situation-changed":
        view = inv.mark_reassessment_due(actor, args.investor, args.reason)
        allows = services.policy.current().due_allows  # the rule is the policy's (domain.policy)
        until = "nothing" if allows is None else f"nothing above {allows.code}"
        out.emit(
            view.to_dict(),
            lambda: f"Re-assessment due ({until} until re-assessed): " + _investor_line(view.to_dict()),
        )
    elif args.action == "export":
        done = services.client_files.export_clients(actor, Path(args.out))
        text = f"{done.count} clients written to {args.out}"
        if done.changed_outside:
            text += (
                f"; {done.changed_outside} of them are records changed outside suitcheck, marked in the last "
                "column (every check about them blocks; run audit verify)"
            )
        out.emit({"count": done.count, "changed_outside": done.changed_outside, "out": args.out}, text)
    else:
        views = [v.to_dict() for v in inv.search(actor, args.query or "", limit=args.limit, branch=args.branch)]
        out.emit(views, lambda: "\n".join(_investor_line(v) for v in views) or "No clients found.")
    return EXIT_OK


def _investor_add(services: Services, actor: Actor, args: argparse.Namespace, out: Output) -> int:
    if args.profile and not args.assessed:
        raise InvalidInput("--profile needs --assessed YYYY-MM-DD.")
    view = services.investors.add(
        actor,
        account=args.account,
        name=args.name,
        id_number=args.id_number,
        investor_class=InvestorClass.parse(args.investor_class),
        profile=parse_profile(args.profile) if args.profile else None,
        assessed_on=args.assessed,
        lowest_category=args.lowest_category,
        special_attention=args.special_attention,
        branch=args.branch,
    )
    out.emit(view.to_dict(), lambda: "Added: " + _investor_line(view.to_dict()))
    return EXIT_OK


def _investor_move(services: Services, actor: Actor, args: argparse.Namespace, out: Output) -> int:
    view = services.investors.move(actor, args.investor, args.to, args.reason)
    out.emit(view.to_dict(), lambda: f"Moved to branch {_safe(view.branch)}: " + _investor_line(view.to_dict()))
    return EXIT_OK


def _investor_edit(services: Services, actor: Actor, args: argparse.Namespace, out: Output) -> int:
    view = services.investors.update(
        actor,
        args.investor,
        name=args.name,
        investor_class=InvestorClass.parse(args.investor_class) if args.investor_class else None,
        reason=args.reason or "",
        lowest_category=args.lowest_category,
        special_attention=args.special_attention,
    )
    out.emit(view.to_dict(), lambda: "Updated: " + _investor_line(view.to_dict()))
    return EXIT_OK


def _investor_assess(services: Services, actor: Actor, args: argparse.Namespace, out: Output) -> int:
    inv = services.investors
    if args.answers:
        if args.profile or args.lowest_category:
            raise InvalidInput("Give either --answers or --profile, not both.")
        try:
            answers = parse_answers(read_questionnaire_file(Path(args.answers)))
        except AnswersError as exc:
            raise InvalidInput(f"{exc} Nothing was recorded.") from exc
        result = inv.assess_answers(
            actor,
            args.investor,
            answers,
            assessed_on=args.assessed,
            note=args.note,
            expected_version=args.questionnaire_version,
        )
        data = result.to_dict()
        out.emit(data, lambda: _assessment_text(data))
        return EXIT_OK
    if args.questionnaire_version is not None:
        raise InvalidInput("--questionnaire-version goes with --answers: it is the version the client answered.")
    if not args.profile:
        raise InvalidInput("Give the client's answers (--answers FILE.json) or a profile assessed elsewhere.")
    if not (args.note or "").strip():
        raise InvalidInput("--profile records an assessment made elsewhere: say where with --note.")
    view = inv.assess(
        actor,
        args.investor,
        parse_profile(args.profile),
        args.assessed or services.ctx.today(),
        lowest_category=args.lowest_category,
        note=args.note,
    )
    out.emit(view.to_dict(), lambda: "Assessed: " + _investor_line(view.to_dict()))
    return EXIT_OK


def _investor_show(services: Services, actor: Actor, args: argparse.Namespace, out: Output) -> int:
    view = services.investors.get(actor, args.investor)
    history = [h.to_dict() for h in services.investors.history(actor, args.investor)]
    data = {**view.to_dict(), "assessments": history}
    out.emit(
        data,
        lambda: _investor_line(data) + "".join(map(_history_line, history)),
    )
    return EXIT_OK


def _history_line(h: dict[str, Any]) -> str:
    line = f"\n        assessed {h['assessed']}: {h['profile']}"
    if not h["recorded"]:
        line += "  [differs from the audit trail: changed outside suitcheck; run `suitcheck audit verify`]"
    return line


def _assessment_text(d: dict[str, Any]) -> str:
    lines = [
        f"Assessed client {d['investor']} ({d['account']}): profile {d['profile']}, score {d['score']}",
        f"questionnaire version {d['questionnaire_version']}, assessed {d['assessed']}, valid until {d['valid_until']}",
        f"lowest category: {'yes' if d['lowest_category'] else 'no'}"
        + (f" (knock-out answer to {', '.join(d['knockouts'])})" if d["knockouts"] else ""),
        f"answers sha256 {d['answers_hash']}; audit entry {d['audit_id']}",
    ]
    if not d["current"]:
        lines.append(
            f"not the client's current assessment: their assessment of {d['current_assessed']} "
            f"({d['current_profile']}) is newer and stays in force; checks decide on it"
        )
    if d.get("reassessment_due"):
        lines.append("re-assessment still due: this assessment is dated before the client's situation changed")
    return "\n".join(lines)


def cmd_questionnaire(services: Services, args: argparse.Namespace, out: Output) -> int:
    actor = _login(services, args)
    if args.action == "import":
        q = services.questionnaire.import_definition(actor, read_questionnaire_file(Path(args.file)))
        out.emit(
            {"version": q.version, "checksum": q.checksum, "questions": len(q.questions)},
            f"Questionnaire version {q.version} stored ({len(q.questions)} questions, {q.checksum}); "
            "past assessments keep the version they used.",
        )
        return EXIT_OK
    q = services.questionnaire.current(actor, args.qversion)
    data = q.to_dict()
    out.emit(data, lambda: _questionnaire_text(data))
    return EXIT_OK


def _questionnaire_text(d: dict[str, Any]) -> str:
    lines = [f"{d['title']} / {d['title_en']} (version {d['version']}, {d['checksum']})", ""]
    for n, q in enumerate(d["questions"], 1):
        lines.append(f"{n}. [{q['id']}] {q['text']}  {q['text_en']}")
        for a in q["answers"]:
            mark = "  KNOCK-OUT: lowest category" if a["knockout"] else ""
            lines.append(f"     {a['id']:<12} {a['score']:>2}  {a['text']}  ({a['text_en']}){mark}")
    lines.append("")
    lines.append("bands: " + ", ".join(f"{b['profile']} {b['min_score']}-{b['max_score']}" for b in d["bands"]))
    return "\n".join(lines)


def _change_text(changes: dict[str, Any], new: bool) -> str:
    def show(value: Any) -> str:
        if isinstance(value, bool):
            return "yes" if value else "no"
        return "-" if value is None else str(value)

    if new:
        return ", ".join(f"{k} {show(v['new'])}" for k, v in changes.items())
    return "; ".join(f"{k} {show(v['old'])} -> {show(v['new'])}" for k, v in changes.items())


def _investor_import(services: Services, actor: Actor, args: argparse.Namespace, out: Output) -> int:
    from suitcheck.services.client_import import ImportCancelled, load_mapping

    with contextlib.ExitStack() as held:
        # The dry run's diff for --json waits in a temporary file (one item a line), not in
        # memory: a million new clients' items took gigabytes.
        diff = held.enter_context(tempfile.TemporaryFile("w+", encoding="utf-8")) if out.json and args.dry_run else None

        def on_item(item: Any) -> None:
            d = item.to_dict()
            if diff is not None:
                diff.write(_json(d) + "\n")
            else:
                text = _change_text(d["changes"], d["kind"] == "new")
                line = escape_controls(f"{d['kind']:<8} row {d['row']:<7} {d['account']} {d['name']}: {text}")
                _stdout(line + "\n", flush=False)

        # Ctrl+C (or SIGTERM) cancels the import, one transaction, so that nothing is changed;
        # once it commits, it is done and shown as done. A second Ctrl+C stops at once.
        with _Stop() as stop:
            try:
                result = services.client_files.import_clients(
                    actor,
                    Path(args.file),
                    sheet=args.sheet,
                    mapping=load_mapping(Path(args.mapping) if args.mapping else None),
                    dry_run=args.dry_run,
                    partial=args.partial,
                    report=Path(args.report) if args.report else None,
                    on_item=on_item if args.dry_run else None,
                    cancelled=lambda: stop.signal is not None,
                    expect_sha256=args.expect_sha256,
                )
            except ImportCancelled as exc:
                print(f"suitcheck: interrupted. {exc}", file=sys.stderr)
                return 128 + (stop.signal or signal.SIGINT)
        if out.json:
            _import_json(result, diff)
        else:
            out.emit(None, lambda: _import_text(result))
    if result.invalid and not result.partial and not result.dry_run:
        print(
            f"suitcheck: {result.invalid} rows are invalid, so nothing was imported "
            "(fix them, or import the valid rows with --partial).",
            file=sys.stderr,
        )
    elif result.written and result.rows and result.invalid == result.rows:
        print(f"suitcheck: all {result.rows} rows are invalid, so nothing was imported.", file=sys.stderr)
    return result.exit_code


def _import_json(result: Any, diff: Any) -> None:
    """The import's JSON document, written piece by piece: its invalid rows' issues and the
    dry run's diff (from its temporary file) an item at a time, never the whole text."""
    head = _json(dataclasses.replace(result, issues=[]).to_dict(), indent=2)
    _stdout(json_escape_controls(head[: head.rindex('"issues"')]), flush=False)
    _json_array("issues", (_json(i.to_dict()) for i in result.issues))
    if diff is not None:
        diff.seek(0)
        _stdout(",\n  ", flush=False)
        _json_array("diff", (line.rstrip("\n") for line in diff))
    _stdout(json_escape_controls(head[head.index("]", head.rindex('"issues"')) + 1 :]) + "\n", flush=True)


def _json_array(key: str, items: Iterator[str]) -> None:
    """`"key": [item, ...]` on stdout, one (JSON) item a line, escaped as emit() escapes."""
    _stdout(f'"{key}": [', flush=False)
    for n, item in enumerate(items):
        _stdout(("," if n else "") + "\n    " + json_escape_controls(item), flush=False)
    _stdout("\n  ]", flush=False)


def _import_text(result: Any) -> str:
    lines = [f"invalid  row {i.row:<7} {i.column} {i.value!r}: {i.reason}" for i in result.issues]
    where = result.encoding or (f"sheet {result.sheet}" if result.sheet else result.kind)
    lines.append(
        f"{result.file} ({result.kind}, {where}, sha256 {result.sha256[:16]}…): {result.rows} rows: "
        f"{result.new} new, {result.changed} changed, {result.unchanged} unchanged, {result.invalid} invalid"
        + (f", {result.stale} with an assessment older than the one on record (kept)" if result.stale else "")
        + f"; {result.missing} clients in the store are not in the file (left untouched)."
    )
    if result.ignored_columns:
        lines.append("Columns ignored: " + ", ".join(result.ignored_columns))
    if result.dry_run:
        lines.append("Dry run: nothing was written.")
    elif result.written and result.rows and result.invalid == result.rows:
        # --partial with no valid row: recorded (file, SHA-256, counts), but nothing is in.
        lines.append(f"Nothing was imported: all {result.rows} rows are invalid.")
    elif result.written:
        lines.append("Imported." + (f" {result.invalid} invalid rows were skipped." if result.invalid else ""))
    if result.report:
        lines.append(f"Report: {result.report}")
    return "\n".join(lines)


def cmd_reminders(services: Services, args: argparse.Namespace, out: Output) -> int:
    actor = _login(services, args)
    if args.out:
        written = services.reminders.write(actor, Path(args.out), args.within)
        out.emit(
            {"count": written.count, "out": str(written.path), "sha256": written.sha256},
            f"{written.count} clients to re-assess; list written to {written.path}",
        )
        return EXIT_OK
    items = [r.to_dict() for r in services.reminders.reminders(actor, args.within)]
    out.emit(
        items,
        lambda: "\n".join(
            [
                *(
                    f"{r['state']:<9} valid until {r['valid_until'] or '-':<10} "
                    + _investor_line(r).strip()
                    + (f"  ({r['due_reason']})" if r["due_reason"] else "")
                    for r in items
                ),
                f"{len(items)} clients to re-assess.",
            ]
        ),
    )
    return EXIT_OK


def cmd_inspection(services: Services, args: argparse.Namespace, out: Output) -> int:
    actor = _login(services, args)
    result = services.inspection.write(actor, args.period_from, args.period_to, Path(args.out))
    data = result.to_dict()
    verdict = {True: "chain verified", False: "CHAIN VERIFICATION FAILED", None: "chain not verified"}
    out.emit(
        data,
        f"Self-inspection {data['from']} to {data['to']} written to {data['out']}: "
        f"{result.data.decisions_total} decisions, {data['overrides']} overrides, "
        f"{verdict[result.data.verification_ok]}; sha256 {data['sha256']}",
    )
    if result.warning is not None:  # written, for investigation; exit 4 as an export of such a trail
        print(f"suitcheck: {escape_controls(result.warning)}", file=sys.stderr)
        return EXIT_VERIFY_FAILED
    return EXIT_OK


def cmd_report(services: Services, args: argparse.Namespace, out: Output) -> int:
    actor = _login(services, args)
    rep = services.reports
    if args.action == "import":
        return _import_reports(rep, actor, args, out)
    if args.action == "show":
        view: dict[str, Any] = rep.get(actor, args.report).to_dict()
        out.emit(
            view,
            lambda: "\n".join(
                [
                    _report_line(view),
                    f"        publisher: {view['publisher'] or '-'}   type: {view['report_type'] or '-'}",
                    f"        level: {_level_text(view['level'])}   suggested: {_level_text(view['suggested_level'])}"
                    + (
                        f"   matched at: {_level_text(view['matching_level'])} (就高, until compliance rates it)"
                        if view["matched_above_stated"]
                        else ""
                    ),
                    "        analysts: "
                    + (", ".join(f"{a['name']} ({a['sac_number'] or '-'})" for a in view["analysts"]) or "-"),
                    "        rating: "
                    + (f"{view['rating']['value']} ({view['rating']['change'] or '-'})" if view["rating"] else "-"),
                    *(
                        f"        FINDING: {f['code']}: {f['detail']}{' (resolved)' if f['resolved'] else ''}"
                        for f in view["findings"]
                    ),
                ]
            ),
        )
        return EXIT_OK
    if args.action == "reread":
        return _reread(services, actor, args, out)
    if args.action == "rate":
        view = rep.set_level(actor, args.report, parse_level(args.level), args.note).to_dict()
        out.emit(view, lambda: "Rated: " + _report_line(view))
        return EXIT_OK
    flt = ReportFilter(
        text=getattr(args, "term", "") or "",
        levels=tuple(parse_level(x) for x in (args.level or [])),
        unrated=args.unrated,
        with_findings=args.findings,
        date_from=args.since,
        date_to=args.until,
        rating=args.rating,
        publisher=args.publisher,
    )
    views = [v.to_dict() for v in rep.search(actor, flt, limit=args.limit)]
    out.emit(views, lambda: "\n".join(_report_line(v) for v in views) or "No reports found.")
    return EXIT_OK


def _apply_rereads(
    services: Services, actor: Actor, preview: RereadPreview, stopped: Callable[[], bool]
) -> tuple[RereadApplied | None, bool]:
    """The changes of `preview` stored, and whether a second Ctrl+C interrupted the storing
    at once: what was stored until then is listed all the same (the change under way is
    rolled back whole, or was stored whole)."""
    if not preview.to_store:
        return None, False
    settled: list[SubjectChange | NotReread] = []
    marked: list[int] = []  # reports stored as read by this version, a page at a time
    try:
        return services.reread.apply(
            actor, preview, cancelled=stopped, each=settled.append, marking=marked.append
        ), False
    except KeyboardInterrupt:
        stored = tuple(c for c in settled if isinstance(c, SubjectChange))
        problems = tuple(p for p in settled if isinstance(p, NotReread))
        return RereadApplied(preview.policy_version, stored, problems, cancelled=True, marked=sum(marked)), True


def _reread_level(c: dict[str, Any]) -> str:
    """A re-read report's level in a `report reread` line; one whose own level statement
    reads otherwise now is unrated from then on (services.reports.reads_otherwise)."""
    level = f"{'rated' if c['rated'] else 'stated'} {c['level'] or 'none'}"
    if c["level_reads_otherwise"]:
        level += f" -> unrated: {_safe(c['level_reads_otherwise'])}"
    return level


def _read_same_lines(preview: RereadPreview, applied: RereadApplied | None) -> list[str]:
    """The reports an older version's reader read whose level this one reads the same."""
    same = len(preview.read_same)
    if not same:
        return []
    if applied is not None:
        return [f"{same} reports read by an older version read the same now: {applied.marked} stored as read by it."]
    return [
        f"{same} reports read by an older version read the same now: applied, they are stored as read by this "
        "version and not read again before their next decision."
    ]


def _reread_interrupted(preview: RereadPreview, applied: RereadApplied | None, at_once: bool) -> str:
    """What an interrupted `report reread --apply` stored: the changes (each whole with its
    audit entry), and the reports an older version read stored as read by this one."""
    parts = []
    if preview.changes:
        stored = len(applied.applied) if applied else 0
        parts.append(
            f"{stored} of {len(preview.changes)} changes were stored (listed above), each whole with its audit entry"
            + (", and the one under way was stored whole or not at all." if at_once else "; the rest were not.")
        )
    if preview.read_same:
        parts.append(
            f"{applied.marked if applied else 0} of {len(preview.read_same)} reports read by an older version were "
            "stored as read by this version; the others are read again before their next decision."
        )
    return (
        f"suitcheck: interrupted{' at once' if at_once else ''}: "
        + " ".join(parts)
        + " Run 'suitcheck report reread' again: its preview lists what is left."
    )


def _reread(services: Services, actor: Actor, args: argparse.Namespace, out: Output) -> int:
    """`report reread`: a preview of what the current subject table changes; with --apply,
    the changes stored (each audited) and listed."""
    with _Stop() as stop:
        # Ctrl+C (or SIGTERM) ends the reading after the file under way, and the storing after
        # the change under way, each change stored whole with its audit entry or not at all.
        stopped = lambda: stop.signal is not None  # noqa: E731
        preview = services.reread.preview(actor, progress=lambda n, total: _progress(n, total, None), cancelled=stopped)
        if preview.cancelled:
            print(
                f"suitcheck: interrupted: the re-reading stopped after {preview.read} of {preview.total} reports; "
                "nothing was stored.",
                file=sys.stderr,
            )
            return 128 + (stop.signal or signal.SIGINT)
        applied, at_once = _apply_rereads(services, actor, preview, stopped) if args.apply else (None, False)
    data = preview.to_dict() | ({"applied": applied.to_dict()} if applied else {})

    def change_line(c: dict[str, Any]) -> str:
        matched = (
            f"matched {c['matched_before'] or 'unrated'} -> {c['matched_after'] or 'unrated'}"
            if c["matched_before"] != c["matched_after"]
            else f"still matched at {c['matched_after'] or 'unrated'}"
        )
        level = _reread_level(c)
        flag = "  [finding: below its subject]" if c["flagged"] else ""
        return (
            f"{c['report']:>6}  subject {c['subject_before'] or '-'} -> {c['subject_after'] or '-'}; {matched} "
            f"({level})  {_safe(c['title'])}{flag}"
        )

    def text() -> str:
        unrated = sum(c.unrated for c in preview.changes)
        lines = [
            f"{preview.read} of {preview.total} reports re-read with the subject table of policy version "
            f"{preview.policy_version}"
            + (" (stopped before the end)" if preview.cancelled else "")
            + f": {len(preview.changes)} change their subject level"
            + (f" or read their own level otherwise ({unrated} to be unrated)" if unrated else "")
            + "."
        ]
        stored = {c.report for c in applied.applied} if applied else set()
        lines += [change_line(c.to_dict()) + ("  stored" if c.report in stored else "") for c in preview.changes]
        for p in [*preview.problems, *(applied.problems if applied else ())]:
            lines.append(f"{p.report:>6}  not re-read: {_safe(p.reason)}  {_safe(p.title)}")
        lines += _read_same_lines(preview, applied)
        if applied is not None and (preview.changes or applied.stopped):
            lines.append(
                f"Stored {len(applied.applied)} of {len(preview.changes)} changes, each in the audit trail."
                + (f" {applied.stopped}" if applied.stopped else "")
            )
        elif preview.to_store:
            lines.append("Nothing was stored. To store these changes: suitcheck report reread --apply")
        return "\n".join(lines)

    out.emit(data, text)
    if at_once or (applied is not None and applied.cancelled):
        print(_reread_interrupted(preview, applied, at_once), file=sys.stderr)
        return 128 + (stop.signal or signal.SIGINT)
    # A report not re-read (or whose change was not stored) keeps the older table's subject
    # level and may be matched too low: a scheduled run says so, as `report import` does.
    if preview.problems or (applied is not None and (applied.stopped or applied.problems)):
        return EXIT_ERROR
    return EXIT_OK


def _import_reports(rep: ReportService, actor: Actor, args: argparse.Namespace, out: Output) -> int:
    done: list[ImportResult] = []
    files = [0]  # how many the import found, once it has done one

    def progress(number: int, total: int, result: ImportResult) -> None:
        done.append(result)
        files[0] = total
        _progress(number, total, result)

    # Ctrl+C (or SIGTERM) stops the import after the file under way; the files done are
    # listed, each imported whole with its audit entry. A second Ctrl+C stops at once.
    with _Stop() as stop:
        try:
            results = rep.import_paths(
                actor, [Path(p) for p in args.paths], progress=progress, cancelled=lambda: stop.signal is not None
            )
        except KeyboardInterrupt:
            _emit_imported(out, done)
            print(
                f"suitcheck: interrupted at once: {_files_done(len(done), files[0])} (listed above), and the one "
                "under way was imported whole or not at all. Import the same files again for the rest (the files "
                "already imported are recognised).",
                file=sys.stderr,
            )
            return 128 + (stop.signal or signal.SIGINT)
        except (ServiceError, StoreError):
            # The store failed at one file: the files before it are imported (each its own
            # transaction) and listed as usual; the sentence says where it stopped.
            if done:
                _emit_imported(out, done)
            raise
    _emit_imported(out, results)
    if stop.signal is not None and (not results or len(results) < files[0]):
        print(
            f"suitcheck: interrupted: {_files_done(len(results), files[0])} (listed above); the rest were not "
            "imported. Import the same files again for them (the files already imported are recognised).",
            file=sys.stderr,
        )
        return 128 + stop.signal
    return EXIT_OK if all(r.status is not ImportStatus.FAILED for r in results) else EXIT_ERROR


def _full_stop(sentence: str) -> str:
    """A sentence with its full stop, for another to follow: a store failure may end in the
    driver's own words ("disk I/O error"), which have none."""
    sentence = sentence.rstrip()
    return sentence if sentence.endswith((".", "!", "?", "。", "！", "？")) else f"{sentence}."


def _files_done(done: int, found: int) -> str:
    return f"{done} of the {found} files were done" if found else "no file was done"


def _emit_imported(out: Output, results: list[ImportResult]) -> None:
    data = [r.to_dict() for r in results]
    out.emit(
        data,
        lambda: (
            "\n".join(
                f"{r['status']:<13} {_safe(r['path'])}"
                + (f"  (report {r['report']})" if r["report"] else "")
                + (f": {_safe(r['reason'])}" if r["reason"] else "")
                for r in data
            )
            or "No .pdf or .txt files found."
        ),
    )


# A check blocked because the report's level, read by an older version, could not be read
# again (CheckResult.level_not_read_again): `report show` still shows the stored level.
LEVEL_NOT_READ_AGAIN = (
    "The report's level was read by an older version of suitcheck and its stored file cannot be read again "
    "now, so it is treated as unrated whatever level it shows: compliance must rate it "
    "(suitcheck report reread says why the file cannot be read)."
)


def cmd_check(services: Services, args: argparse.Namespace, out: Output) -> int:
    if args.batch:
        if not args.out or args.investor or args.report:
            raise InvalidInput("Give --batch PAIRS.csv with --out RESULTS.jsonl, and no --investor or --report.")
        return _check_batch(services, args, out)
    if not args.investor or not args.report:
        raise InvalidInput("Give --investor and --report (or --batch PAIRS.csv --out RESULTS.jsonl).")
    actor = _login(services, args)
    checked = services.access.check(actor, args.investor, args.report)
    result: dict[str, Any] = checked.to_dict()
    out.emit(
        result,
        lambda: (
            f"{result['decision'].upper()}: client {result['investor']} ({result['profile'] or 'no profile'}, "
            f"{result['assessment_state']}) / report {result['report']} ({result['level'] or 'unrated'})\n"
            f"reasons: {', '.join(r.value for r in checked.decision.shown_reasons)}\n"
            f"audit entry {result['audit_id']} {result['entry_hash'][:16]}…"
            + (
                "\nThe client confirmed the special warning today: the report may be opened."
                if checked.override_recorded
                else ""
            )
            + (f"\n{LEVEL_NOT_READ_AGAIN}" if checked.level_not_read_again else "")
        ),
    )
    return EXIT_OK if checked.decision.allowed else EXIT_BLOCKED


# What a pairs file's header may call its columns (in any case, with any spaces or
# punctuation around): a column of clients, a column of reports.
_CLIENT_HEADS = ("investor", "client", "customer", "account", "客户", "投资者", "账号", "账户")
_REPORT_HEADS = ("report", "报告", "研报")


def _header_kind(cell: str) -> str | None:
    """'client' or 'report' for a header cell that names one kind of column, else None."""
    folded = unicodedata.normalize("NFKC", cell).casefold()
    client = any(word in folded for word in _CLIENT_HEADS)
    report = any(word in folded for word in _REPORT_HEADS)
    return None if client == report else ("client" if client else "report")


def _pair_columns(path: Path, line: int, cells: list[str]) -> tuple[int, int]:
    """The (client, report) columns a header row gives: by its names when it names a
    report and a client ("report,investor", 报告,客户: read in that order), else client
    then report. A header that names a report first with no client after it, or a client
    in the report's column (two reports, two clients), is refused: read by position, its
    rows were checked as pairs the file does not ask for (a report id taken for a client)."""
    kinds = (_header_kind(cells[0]), _header_kind(cells[1]))
    if kinds == ("report", "client"):
        return 1, 0
    if kinds[0] == "report" or kinds[1] == "client":
        raise InvalidInput(
            f"{path}, line {line}: the header names its columns {cells[0]!r} and {cells[1]!r}, not a client and a "
            "report; nothing was checked. Head the columns client,report (or report,client)."
        )
    return 0, 1


def _read_pairs(path: Path) -> list[tuple[int, str, str]]:
    """(line, client, report) from a CSV of two columns; a first row naming the columns is a
    header: investor/client/account and report, or any first row whose report cell holds
    no digit (客户,报告 as a Chinese spreadsheet heads it; a report is named by its id, so
    such a row is no pair: checked, it was recorded as a reference to no client, and the
    batch exited 1). A header naming the report first (report,client) is read by its names
    (_pair_columns). Read whole first, so that a file that is not readable or not CSV fails
    before any check is made or recorded. `line` is the line
    of the file a pair starts on (a quoted cell may hold a line break)."""
    # In the encodings a spreadsheet saves (GBK: Excel's "CSV" on a Chinese desk): it was
    # read as UTF-8 only, and such a file, headed 客户,报告, was refused.
    text = read_pairs_text(path)
    try:
        reader = csv.reader(io.StringIO(text, newline=""))
        rows, ended = [], 0
        for row in reader:
            rows.append((ended + 1, row))
            ended = reader.line_num
    except csv.Error as exc:
        raise InvalidInput(f"{path} cannot be read as a CSV file of client,report pairs: {exc}.") from exc
    pairs = []
    client, report = 0, 1
    first = True
    for line, row in rows:
        cells = [c.strip() for c in row]
        if not any(cells):
            continue
        # The header is the first row with a cell (blank lines above it are skipped as
        # everywhere else): taken for a pair, the rows below it were read by position.
        if (
            first
            and len(cells) > 1
            and (cells[0].lower() in ("investor", "client", "account") or not any(c.isdigit() for c in cells[1]))
        ):
            first = False
            client, report = _pair_columns(path, line, cells)
            continue
        first = False
        if len(cells) > 1 and {_header_kind(cells[0]), _header_kind(cells[1])} == {"client", "report"}:
            # Another header below the first (two files joined): its rows may be in the
            # other order, and nothing says which rows are whose.
            raise InvalidInput(
                f"{path}, line {line}: a second header row ({cells[0]!r}, {cells[1]!r}); nothing was checked. "
                "Give one header, on the first line."
            )
        if len(cells) < 2 or not cells[0] or not cells[1] or any(cells[2:]):
            raise InvalidInput(f"{path}, line {line}: expected two cells, client and report.")
        pairs.append((line, cells[client], cells[report]))
    return pairs


class _Stop:
    """SIGINT (Ctrl+C) and SIGTERM during a batch end it after the check under way, once
    its result is written: a check recorded in the store is then always in the results
    file. A second Ctrl+C interrupts at once."""

    def __init__(self) -> None:
        self.signal: int | None = None
        self._before: dict[int, Any] = {}

    def __enter__(self) -> _Stop:
        for number in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(ValueError, OSError):  # not the main thread, or no such signal here
                self._before[number] = signal.signal(number, self._asked)
        return self

    def _asked(self, number: int, _frame: object) -> None:
        if self.signal is not None and number == signal.SIGINT:
            raise KeyboardInterrupt
        self.signal = number

    def __exit__(self, *_exc: object) -> None:
        for number, handler in self._before.items():
            signal.signal(number, handler)


class _WriteFailed(ServiceError):
    """The results file could not be written; the sentence says what the file holds."""


def _is_stdout(path: Path) -> bool:
    """Whether `path` names the file this process's stdout is (/dev/stdout, /proc/self/fd/1)."""
    try:
        mine, named = os.fstat(sys.stdout.fileno()), os.stat(path)
    except (OSError, ValueError, AttributeError):  # nothing there; or no stdout descriptor (a test's stream)
        return False
    return (mine.st_dev, mine.st_ino) == (named.st_dev, named.st_ino)


class _Results:
    """The results file of a batch. Written beside the target and put in its place with
    the first result, so that a batch refused before it checked anything (a store that
    refuses every check, a staff account disabled meanwhile) keeps an earlier results file;
    from then on each result is written and flushed as soon as its check is recorded, so a
    batch cut short leaves a file that matches the audit trail. A target that is a pipe or
    a terminal (a script reading /dev/stdout) is written to as it is."""

    def __init__(self, target: Path, pairs: list[tuple[int, str, str]]) -> None:
        self.target = target
        self.pairs = pairs
        self.written = 0
        self.unknown = False  # the last result written is a check whose commit lost its connection
        self._tmp: Path | None = None
        # The process's own stdout (`--out /dev/stdout`), whatever it is (a pipe, a terminal,
        # a file the shell redirected it to): written to as it is, never replaced by a file
        # made beside the link (nothing reached stdout; as root, /dev/stdout was replaced).
        self.to_stdout = _is_stdout(target)
        self._stream = self.to_stdout or (target.exists() and not stat.S_ISREG(target.stat().st_mode))
        # Unbuffered: a result the disk had no room for is not held back to be written
        # later (at close, after the file was cut back to its whole results).
        self._length = 0  # the bytes of the results written whole
        self._entries: list[int] = []  # the audit entries of the checks whose results are written
        try:
            if self.to_stdout:
                self.handle = os.fdopen(os.dup(sys.stdout.fileno()), "wb", buffering=0)
            elif self._stream:
                self.handle = target.open("wb", buffering=0)
            else:
                fd, name = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)  # 0600
                self._tmp = Path(name)
                self.handle = os.fdopen(fd, "wb", buffering=0)
        except OSError as exc:
            raise ServiceError(f"Cannot write {target}: {exc.strerror or exc}; nothing was checked.") from exc

    def write(self, record: dict[str, Any], recorded: bool | None) -> None:
        """`recorded`: the check is in the trail (True), not (False), or may be (None)."""
        result = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
        data = memoryview(result)
        entry = record.get("audit_id") if recorded else None
        if self._replaced():
            raise _WriteFailed(self._gone(self._unwritten(recorded, entry)))
        try:
            while data:  # a write may take part of it (a full disk takes what room is left)
                data = data[self.handle.write(data) or 0 :]
            if self._tmp is not None and not self._placed():
                raise _WriteFailed(self._gone(self._unwritten(recorded, entry)))
        except OSError as exc:
            if not self._stream and not self.handle.closed:  # the part of this result that got in cut off
                with contextlib.suppress(OSError):
                    os.ftruncate(self.handle.fileno(), self._length)
            line = self.pairs[self.written][0]
            lost = (
                f"line {line} has no result"
                if recorded is False
                else f"the check of line {line} is recorded but not in it"
                if recorded
                else f"the check of line {line} may be recorded (look in the audit trail) but is not in it"
            )
            raise _WriteFailed(
                f"Cannot write {self.target} ({exc.strerror or exc}): {lost}. " + self.stopped(self.written + 1)
            ) from exc
        self.written += 1
        self._length += len(result)
        if isinstance(entry, int):
            self._entries.append(entry)

    def _placed(self) -> bool:
        """The file written so far put in the target's place, and written on there: closed
        first, as Windows renames no file that is open (renamed open, every batch to a file
        on a Windows desk stopped at its first result). False: the file opened again under
        the target's name is not this batch's (another program put its own there in the
        instant between), and is left alone."""
        assert self._tmp is not None
        mine = os.fstat(self.handle.fileno())
        self.handle.close()
        os.replace(self._tmp, self.target)
        self._tmp = None
        self.handle = self.target.open("ab", buffering=0)
        now = os.fstat(self.handle.fileno())
        if (now.st_dev, now.st_ino) == (mine.st_dev, mine.st_ino):
            return True
        self.handle.close()
        return False

    def _replaced(self) -> bool:
        """Whether the file this batch put in the target's place is no longer there: another
        program (another batch given the same --out, a scheduled run still going when the
        next starts) put its own there, or removed it. This batch's results then went into a
        file nobody will find, while it said "results in" the target."""
        if self._stream or self._tmp is not None:
            return False
        try:
            named, mine = os.stat(self.target), os.fstat(self.handle.fileno())
        except OSError:
            return True
        return (named.st_dev, named.st_ino) != (mine.st_dev, mine.st_ino)

    def _unwritten(self, recorded: bool | None, entry: object) -> str:
        """What became of the pair under way, whose result found the file gone."""
        line = self.pairs[self.written][0]
        if recorded is False:
            return f"line {line} has no result"
        if recorded and isinstance(entry, int):
            return f"the check of line {line} is recorded (audit entry {entry}) but in no file"
        return f"the check of line {line} may be recorded (look in the audit trail) but is in no file"

    def _gone(self, unwritten: str | None) -> str:
        """The sentence of a batch whose file was replaced or removed (_replaced)."""
        done, entries = self.written, self._entries
        recorded = (
            ""
            if not entries
            else f", its check recorded (audit entry {entries[0]})"
            if done == 1 and len(entries) == 1
            else f", each check recorded (audit entries {entries[0]} to {entries[-1]})"
            if len(entries) == done
            else f" (the checks among them are audit entries {entries[0]} to {entries[-1]})"
        )
        head = (
            f"{self.target} was replaced or removed while this batch wrote it "
            "(by another batch given the same --out?): "
        )
        if unwritten is None:
            return f"{head}the results of all {done} pairs went with it{recorded}."
        line = self.pairs[done][0]
        after = _pairs_after(len(self.pairs) - done - 1).capitalize()
        if not done:  # the file replaced as its first result took its place (_placed)
            return f"{head}{unwritten}. {after}"
        before = (
            f"the result of the 1 pair before line {line} went with it"
            if done == 1
            else f"the results of the {done} pairs before line {line} went with it"
        )
        return f"{head}{before}{recorded}, and {unwritten}. {after}"

    def finish(self) -> None:
        """Every pair done (or none to do): the results are in the target's place."""
        try:
            if not self._stream:
                os.fsync(self.handle.fileno())
            if self._tmp is not None and not self._placed():
                raise _WriteFailed(self._gone(None))
            if not self._stream:
                sync_folder(self.target.parent)  # its rename into place, after a power cut too
        except OSError as exc:
            raise _WriteFailed(f"Cannot write {self.target}: {exc.strerror or exc}.") from exc
        if self._replaced():
            raise _WriteFailed(self._gone(None))

    def close(self) -> None:
        """After a failure: a file that holds no result is removed (an earlier one stays)."""
        with contextlib.suppress(OSError):  # the failure's own sentence says what the file holds
            self.handle.close()
        if self._tmp is not None:
            self._tmp.unlink(missing_ok=True)

    def cut_short(self) -> str:
        """Where a batch interrupted at once (a second Ctrl+C) stopped: the file cut back to
        its whole results; the pair under way may be recorded, and its result is not there."""
        if not self._stream and not self.handle.closed:  # closed: stopped as it was put in place (_placed)
            with contextlib.suppress(OSError):
                os.ftruncate(self.handle.fileno(), self._length)
        done = self.written
        if done >= len(self.pairs):
            return f"The results of all {done} pairs are in {self.target}, each check among them recorded."
        before = (
            "nothing was written there"
            if not done
            else "the result of the 1 pair before it is there, its check recorded"
            if done == 1
            else f"the results of the {done} pairs before it are there, each check among them recorded"
        )
        after = _pairs_after(len(self.pairs) - done - 1)
        return (
            f"The batch stopped at line {self.pairs[done][0]}, whose check may be recorded (look in the audit "
            f"trail) but is not in {self.target}: {before}; {after}"
        )

    def stopped(self, at: int | None = None) -> str:
        """Where a batch cut short stopped (pair `at`, by default the next one to write)."""
        at = self.written if at is None else at
        if self.unknown and at == self.written:
            before, rest = at - 1, len(self.pairs) - at
            return (
                f"The batch stopped after line {self.pairs[at - 1][0]}, whose check may or may not be recorded (its "
                f"result in {self.target} says unknown); "
                + (
                    f"the results of the {before} pairs before it are there, each check among them recorded; "
                    if before
                    else ""
                )
                + _pairs_after(rest)
            )
        if at >= len(self.pairs):
            return f"The results of the {self.written} pairs before it are in {self.target}."
        done, rest = self.written, len(self.pairs) - at
        # `at` past the pairs written: the pair between is the one the sentence before names.
        it = "it" if at == done else f"line {self.pairs[done][0]}"
        written = (
            f"no result of this batch is in {self.target};"
            if not done
            else f"the result of the 1 pair before {it} is in {self.target}, its check recorded;"
            if done == 1
            else f"the results of the {done} pairs before {it} are in {self.target}, each check among them recorded;"
        )
        left = "the 1 pair from that line on was" if rest == 1 else f"the {rest} pairs from that line on were"
        return f"The batch stopped at line {self.pairs[at][0]}: {written} {left} not checked."


def _pairs_after(rest: int) -> str:
    """What became of the pairs after the one a batch stopped at (a clause of its sentence)."""
    if not rest:
        return "it was the last pair."
    return "the 1 pair after it was not checked." if rest == 1 else f"the {rest} pairs after it were not checked."


def _batch_record(
    line: int, client: str, report: str, result: CheckResult | ServiceError, counts: dict[str, int]
) -> dict[str, Any]:
    """A pair's line in the results file, counted in `counts`."""
    if isinstance(result, ServiceError):
        counts["error"] += 1
        # As typed, unless it is an ID number (masked, as the error's sentence masks it).
        return {"line": line, "investor": shown_ref(client), "report": report, "error": str(result)}
    counts[result.decision.outcome] += 1
    return {"line": line, **result.to_dict()}


def _check_batch(services: Services, args: argparse.Namespace, out: Output) -> int:
    source, target = Path(args.batch), Path(args.out)
    check_target(target, sources=(source,), streams=True)
    if target.is_dir():
        raise InvalidInput(f"{target} is a folder; give a file name.")
    if not target.absolute().parent.is_dir():
        raise InvalidInput(f"The folder {target.absolute().parent} does not exist.")
    pairs = _read_pairs(source)
    actor = _login(services, args)
    counts = dict.fromkeys([*(o.value for o in Outcome), "error"], 0)
    with _Stop() as stop, contextlib.closing(_Results(target, pairs)) as results:
        checks = services.access.check_pairs(actor, ((c, r) for _, c, r in pairs))
        try:
            for (client, report), result in checks:
                line = pairs[results.written][0]
                if isinstance(result, OutcomeUnknown):
                    # The connection went while the server committed this check: the trail
                    # may hold it or not. Its line says so, and the batch stops after it.
                    unknown = {"line": line, "investor": shown_ref(client), "report": report, "outcome": "unknown"}
                    results.write({**unknown, "error": str(result)}, recorded=None)
                    results.unknown = True
                    checks.close()
                    raise result
                record = _batch_record(line, client, report, result, counts)
                results.write(record, recorded=not isinstance(result, ServiceError))
                if stop.signal is not None and results.written < len(pairs):
                    checks.close()
                    print(f"suitcheck: interrupted. {results.stopped()}", file=sys.stderr)
                    return 128 + stop.signal
            results.finish()
        except KeyboardInterrupt:
            # A second Ctrl+C: at once, maybe between a check's commit and its result. Said
            # so, with where the batch stopped ("interrupted." alone left a results file
            # short of a recorded check without a word).
            print(f"suitcheck: interrupted at once. {results.cut_short()}", file=sys.stderr)
            return 128 + (stop.signal or signal.SIGINT)
        except _WriteFailed:
            raise
        except (ServiceError, StoreError) as exc:
            # The store or the staff member's account stopped the batch (every later check
            # would fail the same way): the sentence says so, and what was done before it.
            # Nothing checked yet: the refusal as it is, and an earlier results file is kept.
            if results.written:
                exc.args = (f"{_full_stop(str(exc))} {results.stopped()}",)
            raise
    return _batch_done(out, results, counts)


def _batch_done(out: Output, results: _Results, counts: dict[str, int]) -> int:
    """A batch's summary, and its exit status."""
    target = results.target
    total = sum(counts.values())
    summary = (
        f"{total} checks: {counts[Outcome.ALLOW]} allowed, {counts[Outcome.BLOCK]} blocked, "
        f"{counts[Outcome.ALLOW_AFTER_WARNING]} allowed after a warning, {counts['error']} not checked; "
        f"results in {target}"
    )
    if results.to_stdout:
        # stdout carries the results, one JSON document a line: the summary (a line of text,
        # or a document over several lines) broke a reader of them at the last.
        print(escape_controls(summary), file=sys.stderr)
    else:
        out.emit({"checks": total, **counts, "out": str(target)}, summary)
    return EXIT_OK if counts["error"] == 0 else EXIT_ERROR


def cmd_eligible(services: Services, args: argparse.Namespace, out: Output) -> int:
    actor = _login(services, args)
    if args.out:
        written = services.access.write_eligible(actor, args.report, Path(args.out))
        out.emit(
            {"report": args.report, "count": written.count, "out": str(written.path), "sha256": written.sha256},
            f"{written.count} clients may receive report {args.report}; list written to {written.path}",
        )
        return EXIT_OK
    rows = services.access.eligible_shown(actor, args.report)
    data = [v.to_dict() for v in rows]
    out.emit(data, lambda: "\n".join(_investor_line(v) for v in data) + f"\n{len(data)} clients may receive it.")
    return EXIT_OK


def _key_lines(info: dict[str, Any]) -> str:
    lines = [f"Store: {info['store']}"]
    for inst in info["installations"]:
        if not inst.get("accepted", True):
            lines += [
                f"installation {inst['chain']}: a row of the trail (entry {inst['registered_seq']}) names it, but it "
                "is no registration `audit verify` accepts (written outside suitcheck): its key is not shown, so "
                "that nobody files it; tell compliance"
            ]
            continue
        mark = " (this installation)" if inst["this_installation"] else ""
        lines += [
            f"installation {inst['chain']}{mark}, registered {inst['registered_at']} ({inst['event']})",
            f"  {inst['public_key']}",
            f"  fingerprint {inst['fingerprint']}",
        ]
        if not inst["trusted_here"]:
            lines.append(
                f"  not trusted at this desk: run `suitcheck audit key trust {inst['chain']}` "
                "once compliance has filed its key"
            )
    return "\n".join(lines)


def _trust(services: Services, actor: Actor, args: argparse.Namespace, out: Output) -> int:
    if not args.ref:
        raise InvalidInput("Name the installation to trust: its chain or fingerprint, as `audit key show` prints them.")
    done = services.audit.trust_installation(actor, args.ref, args.reason or "")
    name = done["chain"]
    text = {
        "trusted": f"Installation {name} (fingerprint {done['fingerprint']}) is trusted at this desk from now on: "
        "clients and reports it writes pass their seal here.",
        "already-trusted": f"Installation {name} is already trusted at this desk; nothing was changed.",
        "this-installation": f"Installation {name} is this desk's own; it needs no trust.",
    }[done["status"]]
    out.emit(done, text)
    return EXIT_OK


def _file_verdict(check: ExportVerification, file: str, out: Output, earlier: str | None = None) -> int:
    data = {
        **check.result.to_dict(),
        "ok": check.ok,
        "signature": check.signature,
        "file": file,
        # With --earlier, whether that export was proved a prefix (additive; null without it).
        "earlier": earlier,
        "earlier_is_prefix": None if earlier is None else check.ok,
    }
    if check.ok:  # what the signed manifest says the export holds (additive)
        data |= {
            "scope": check.scope,
            "filtered": bool(check.manifest.get("filtered")),
            "filters": check.manifest.get("filters") or {},
        }
    prefix = f" The earlier export {_safe(earlier)} is a prefix of it: nothing it holds was changed." if earlier else ""
    if check.documents:  # additive: each --document and the entry that recorded writing it
        data["documents"] = list(check.documents)
    if check.ok:
        prefix += "".join(
            f"\n{_safe(d['file'])} is the file entry {d['seq']} recorded ({_safe(d['action'])}, "
            f"{_safe(d['at'])}, by {_safe(d['staff'])})."
            for d in check.documents
        )
    text = (
        f"OK: {check.result.count} entries verified; manifest signature {check.signature}. {check.scope}{prefix}"
        if check.ok
        else "FAILED"
        + (f" at entry {check.result.bad_seq}" if check.result.bad_seq is not None else "")
        + f": {_safe(check.result.problem or 'manifest signature ' + check.signature)}"
    )
    out.emit(data, text)
    return EXIT_OK if check.ok else EXIT_VERIFY_FAILED


def cmd_audit(services: Services, args: argparse.Namespace, out: Output) -> int:
    if args.action == "key" and args.key_action == "show":
        info = services.audit.key_info()
        out.emit(info, lambda: _key_lines(info))
        return EXIT_OK
    if args.action == "clock-correct":
        # The clock reads behind the trail: signing in is not refused for it here (any
        # failure is recorded at the trail's newest moment); the service checks the role.
        actor = _login(services, args, to_correct_clock=True)
        done = services.audit.correct_clock(actor, args.reason or "")
        out.emit(
            done,
            f"Recorded as entry {done['seq']}: the trail takes this computer's clock "
            f"({stamp_in_firm_time(done['clock'])} {FIRM_ZONE_NAME}) from now on; entries up to "
            f"{done['newest_seq']} (the newest at {stamp_in_firm_time(done['newest'])} {FIRM_ZONE_NAME}) "
            "were stamped while it ran ahead.",
        )
        return EXIT_OK
    actor = _login(services, args)
    if args.action == "key":
        return _trust(services, actor, args, out)
    if args.action == "export":
        flt = AuditFilter(
            since=args.since,
            until=args.until,
            staff=args.staff,
            investor_id=args.investor,
            report_id=args.report,
            decision=args.decision,
            action=args.entry_action,
        )
        manifest = services.audit.export(actor, Path(args.out), args.format, flt, full_id_numbers=args.full_id_numbers)
        out.emit(manifest, f"Exported {manifest['count']} entries to {args.out} (manifest: {args.out}.manifest.json)")
        warning = export_warning(manifest)  # written, for investigation; the sentence on stderr, as an error's
        if warning is None:
            return EXIT_OK
        print(f"suitcheck: {escape_controls(warning)}", file=sys.stderr)
        return EXIT_VERIFY_FAILED
    if args.action in ("replay", "settle"):
        return (_replay if args.action == "replay" else _settle)(services, actor, args, out)
    if args.file:
        check = services.audit.verify_file(
            actor,
            Path(args.file),
            Path(args.earlier) if args.earlier else None,
            args.public_key,
            [Path(d) for d in args.document],
        )
        return _file_verdict(check, args.file, out, args.earlier)
    if args.document:
        raise InvalidInput("A --document is looked up in an export's entries: give the export FILE too.")
    result = services.audit.verify(actor, args.public_key)
    # Every page of the file too: start-up no longer reads them all (it would grow with the store).
    store = services.store_check.check(actor)
    data = {**result.to_dict(), "ok": result.ok and store.ok, "store_check": store.to_dict()}
    text = (
        f"OK: {result.count} entries, {result.seals} seals verified"
        + (f"; {result.unsealed} entries of other installations await their seal" if result.unsealed else "")
        + "."
        if result.ok
        else (f"FAILED at entry {result.bad_seq}: " if result.bad_seq is not None else "FAILED: ")
        + _safe(result.problem)
    )
    if not store.ok:
        text = f"FAILED: {_safe(store.problem)}" + ("" if result.ok else f"\n{text}")
    out.emit(data, text)
    return EXIT_OK if data["ok"] else EXIT_VERIFY_FAILED


def _settlement_lines(s: Settlement) -> str:
    what = f"client {s.key}" if s.kind == "investor" else f"report {s.key}"
    lines = [f"The record of {what} (id {s.record_id}) as found, to be sealed as it stands:"]
    for column, value in s.found.items():
        if column == "findings":
            lines.append(f"  findings: {len(value)}")
            lines += [
                f"    finding {f['id']}: {f['code']} ({'settled' if f['settled'] else 'open'}): {f['detail']}"
                for f in value
            ]
        else:
            shown = "-" if value is None else ("yes" if value else "no") if isinstance(value, bool) else value
            lines.append(f"  {column}: {shown}")
    for column, change in s.changed.items():
        lines.append(f"  changed outside suitcheck: {column} was {change['recorded']!r}, is {change['found']!r}")
    if s.untracked:
        lines.append(
            f"  never recorded by the trail, taken as found: {', '.join(s.untracked)} "
            f"(the row is on its seal from before {'they were' if len(s.untracked) > 1 else 'it was'} sealed)"
        )
    lines.append(
        "  every other sealed column is as the trail last recorded it (its state digest matches)"
        if not s.untracked
        else "  every column the older seal covers is as the trail last recorded it (its state digest matches)"
    )
    if s.left_by:
        lines.append(f"  left on its older seal by the upgrade: {', '.join(s.left_by)}")
    if s.seq is not None:
        lines.append(f"Settled: recorded as entry {s.seq}; decisions read the record again.")
    return "\n".join(lines)


def _settle(services: Services, actor: Actor, args: argparse.Namespace, out: Output) -> int:
    """`audit settle`: show what would be sealed, ask (unless --yes), then settle."""
    kind, ref = ("investor", args.investor) if args.investor is not None else ("report", args.report)
    reason = settle_reason(args.reason or "")
    was = parse_was(args.was)
    preview = services.settle.preview(actor, kind, ref, was=was)
    if not args.yes:
        if out.json or not sys.stdin.isatty():
            out.emit(preview.to_dict(), lambda: _settlement_lines(preview))
            why = "--json asks nothing" if out.json else "no terminal to ask in"  # not "no terminal" at one
            raise InvalidInput(f"Nothing was settled: add --yes to settle the record shown ({why}).")
        _stdout(escape_controls(_settlement_lines(preview), keep="\n") + "\n", flush=True)
        # The question on stderr, as a password's prompt: input() put it on stdout, so with
        # the preview redirected (`> preview.txt`) it went into the file, unseen.
        print(
            "Settle this record, recording the reason in the audit trail? Type yes to settle: ",
            end="",
            file=sys.stderr,
            flush=True,
        )
        answer = sys.stdin.readline()  # Ctrl+D: "", no answer is no
        if answer.strip().lower() != "yes":
            raise InvalidInput("Nothing was settled.")
    done = services.settle.settle(actor, kind, ref, reason, was=was, expected_state=preview.state)
    out.emit(done.to_dict(), lambda: _settlement_lines(done))
    return EXIT_OK


def _entry_seq(text: str) -> int:
    """An audit entry's number, as the trail and `audit export` show it."""
    if not _INTEGER.fullmatch(text.strip()) or not 0 < int(text) <= 10**15:
        raise argparse.ArgumentTypeError(f"{text!r} is not an audit entry number (a whole number from 1)")
    return int(text)


def _outcome_line(decision: str | None, reasons: list[str]) -> str:
    return f"{decision or '-'} ({', '.join(reasons) or 'no reasons'})"


def _replay_line(e: dict[str, Any]) -> str:
    head = f"entry {e['seq']} {e['action']}" + (
        f", client {e['investor']} / report {e['report']}" if e["investor"] is not None else ""
    )
    version = f" under policy version {e['policy_version']}" if e["policy_version"] is not None else ""
    recorded = _outcome_line(e["recorded"]["decision"], e["recorded"]["reasons"])
    taken = (
        f"\n    taken as recorded (the entry does not hold what they rest on; a replay cannot re-check a seal "
        f"from then): {', '.join(e['taken_as_recorded'])}"
        if e["taken_as_recorded"]
        else ""
    )
    if e["verdict"] == "reproduced":
        return f"{head}: reproduced{version}: {recorded}{taken}"
    if e["verdict"] == "differs":
        replayed = _outcome_line(e["replayed"]["decision"], e["replayed"]["reasons"])
        placed = (
            f"\n    stamped with policy version {e['policy_version']}, but version {e['policy_in_force']} was in "
            "force where the entry stands in the trail"
            if "policy_version" in e["differs"]
            else ""
        ) + (
            f"\n    decided on {e['decided_on']}, but recorded on the firm's day {e['recorded_on']}"
            if "decided_on" in e["differs"]
            else ""
        )
        return (
            f"{head}: DIFFERS{version} ({', '.join(e['differs'])})\n    recorded: {recorded}\n    replayed: {replayed}"
            + placed
            + taken
        )
    if e["verdict"] == "not-a-decision":
        return f"{head}: not a decision ({e['why']})"
    return f"{head}: cannot be replayed{' (FAILED verification)' if e['tampered'] else ''}: {e['why']}"


class _Terminated(KeyboardInterrupt):
    """SIGTERM (a scheduler's timeout, a shutdown), taken as Ctrl+C is."""


@contextlib.contextmanager
def _terminated_as_interrupted() -> Iterator[None]:
    """SIGTERM raises _Terminated while the block runs, as SIGINT raises KeyboardInterrupt:
    by default it ended the process at once, without the sentence saying what was left
    undone and with the output cut off mid-line."""

    def raised(_number: int, _frame: object) -> None:
        raise _Terminated

    try:
        before = signal.signal(signal.SIGTERM, raised)
    except (ValueError, OSError):  # not the main thread, or no such signal here
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, before)


class _ReplayPrinter:
    """`audit replay`'s output written as the entries are replayed (a year of a firm's trail
    is a million of them: never all held, the first shown at once): the text's lines, or the
    JSON object with its "entries" array written element by element and "ok" and "counts"
    after it (the same keys as ReplayReport.to_dict; their order is not part of JSON)."""

    def __init__(self, as_json: bool) -> None:
        self.json = as_json
        self.written = 0
        self.tally = ReplayTally()  # the entries written, for a document closed early (stopped)
        self.open = False  # the JSON document is begun and not yet closed

    def _write(self, text: str) -> None:
        _stdout(json_escape_controls(text) if self.json else escape_controls(text, keep="\n"), flush=False)

    def verified(self, result: VerifyResult) -> None:
        self.open = self.json
        if self.json:
            self._write(f'{{\n  "verified": true,\n  "verification": {_json(result.to_dict())},\n  "entries": [')
        else:
            self._write(f"Trail verified: {result.count} entries, {result.seals} seals.\n")

    def entry(self, entry: EntryReplay) -> None:
        if self.json:
            self._write(("," if self.written else "") + "\n    " + _json(entry.to_dict()))
        else:
            self._write(_replay_line(entry.to_dict()) + "\n")
        self.written += 1
        self.tally.add(entry)

    def finish(self, report: ReplayReport) -> None:
        counts = report.counts
        if self.json:
            self.open = False
            self._write(
                ("\n  " if self.written else "")
                + f'],\n  "ok": {json.dumps(report.ok)},\n  "counts": {json.dumps(counts)}\n}}\n'
            )
        else:
            if not self.written:
                self._write("No decision was recorded in that period.\n")
            self._write(
                f"{counts['reproduced']} reproduced, {counts['differs']} differ, "
                f"{counts['not-a-decision']} not a decision, {counts['cannot-be-replayed']} cannot be replayed.\n"
            )
        _stdout("", flush=True)  # a stdout that cannot take the end is said here, not at the exit

    def stopped(self) -> None:
        """A replay stopped after its document was begun (Ctrl+C, SIGTERM, the store failing
        halfway): the JSON closed, so that a script reading stdout gets a document, which says
        "ok": false and "stopped": true and counts the entries written. The text needs no
        ending: stdout has the lines replayed, the sentence on stderr says the rest."""
        if not self.open:
            return
        self.open = False
        with contextlib.suppress(OSError, _OutputFailed):  # a reader gone, a full disk: nothing more
            self._write(
                ("\n  " if self.written else "")
                + f'],\n  "ok": false,\n  "stopped": true,\n  "counts": {json.dumps(self.tally.counts)}\n}}\n'
            )
            sys.stdout.flush()


def _replay(services: Services, actor: Actor, args: argparse.Namespace, out: Output) -> int:
    """`audit replay`: 0 every entry reproduced, 4 a decision differs or the trail (or a
    policy version) fails verification, 1 an entry not a decision or not replayable."""
    printer = _ReplayPrinter(out.json)
    try:
        with _terminated_as_interrupted():
            report = services.audit.replay(
                actor, args.seq, since=args.since, until=args.until, verified=printer.verified, each=printer.entry
            )
    except KeyboardInterrupt as exc:
        printer.stopped()
        with contextlib.suppress(OSError):
            sys.stdout.flush()
        print(
            "suitcheck: interrupted: the replay stopped before its end and was not recorded (a replay stores "
            "nothing else).",
            file=sys.stderr,
        )
        return 128 + (signal.SIGTERM if isinstance(exc, _Terminated) else signal.SIGINT)
    except BrokenPipeError:
        raise  # the reader is gone: nothing more is written
    except Exception:
        printer.stopped()  # main() says why in one sentence on stderr
        raise
    result = report.verification
    if not result.ok:
        out.emit(
            report.to_dict(),
            (f"FAILED at entry {result.bad_seq}: " if result.bad_seq is not None else "FAILED: ")
            + f"{_safe(result.problem)}\nNothing was replayed: a replay of entries in a trail that fails verification "
            "proves nothing.",
        )
    else:
        printer.finish(report)
    if report.failed:
        return EXIT_VERIFY_FAILED
    return EXIT_OK if report.ok else EXIT_ERROR


def verify_offline(args: argparse.Namespace, out: Output) -> int:
    """`audit verify FILE --public-key KEY`: no store, no login, no secret."""
    trusted = parse_public_keys(args.public_key)
    check = verify_file_offline(
        Path(args.file), trusted, Path(args.earlier) if args.earlier else None, [Path(d) for d in args.document]
    )
    return _file_verdict(check, args.file, out, args.earlier)


def _new_password(prompt: str) -> str:
    return _password(prompt, confirm=True, new=True)


def cmd_staff(services: Services, args: argparse.Namespace, out: Output) -> int:
    if args.action == "recover-admin":
        return _recover_admin(services, args, out)
    if args.action == "passwd":
        # No login first: this is also the way through a change forced by a reset.
        user = getattr(args, "user", None) or os.environ.get("SUITCHECK_USER")
        if not user:
            raise InvalidInput("This command needs a staff identity: add --user NAME.")
        old = _password(f"Current password for {user}: ")
        services.auth.change_password_at_login(user, old, _new_password("New password: "))
        out.emit({"changed": True}, "Password changed.")
        return EXIT_OK
    actor = _login(services, args)
    if args.action == "add":
        password = _new_password(f"New password for {args.name}: ")
        view = services.auth.create_staff(
            actor,
            args.name,
            password,
            Role(args.role),
            args.display_name or "",
            branch=args.branch,
            firm_wide=True if args.firm_wide else None,
        )
        reach = "firm-wide" if view.firm_wide else f"branch {_safe(view.branch)}"
        out.emit(view.to_dict(), f"Added {_safe(view.username)} ({view.role.value}, {reach}).")
    elif args.action in ("disable", "enable"):
        view = services.auth.set_disabled(actor, args.name, args.action == "disable")
        out.emit(view.to_dict(), f"{_safe(view.username)}: {'disabled' if view.disabled else 'enabled'}.")
    elif args.action == "unlock":
        view = services.auth.unlock(actor, args.name)
        out.emit(view.to_dict(), f"{_safe(view.username)}: unlocked.")
    elif args.action == "reset-password":
        view = services.auth.reset_password(actor, args.name, _new_password(f"Temporary password for {args.name}: "))
        out.emit(
            view.to_dict(),
            f"{_safe(view.username)}: password reset; they must choose a new one at their next login.",
        )
    else:
        views = [v.to_dict() for v in services.auth.list_staff(actor)]
        out.emit(
            views,
            lambda: "\n".join(
                f"{_safe(v['username']):<20} {v['role']:<11} "
                + f"{'firm-wide' if v['firm_wide'] else _safe(v['branch'] or '-'):<10} "
                + " ".join(flag.replace("_", " ") for flag in ("disabled", "locked", "must_change_password") if v[flag])
                for v in views
            ),
        )
    return EXIT_OK


def cmd_branch(services: Services, args: argparse.Namespace, out: Output) -> int:
    actor = _login(services, args)
    if args.action == "add":
        view = services.branches.add(actor, args.code, args.name, args.region or "")
        out.emit(view.to_dict(), f"Added branch {_safe(view.code)} ({_safe(view.name)}).")
        return EXIT_OK
    views = [v.to_dict() for v in services.branches.list_branches(actor)]

    def line(v: dict[str, Any]) -> str:
        counts = "" if v["clients"] is None else f"  {v['clients']} clients, {v['staff']} staff"
        head = "  [head office]" if v["head_office"] else ""
        changed = "" if v["record_intact"] else "  [CHANGED OUTSIDE SUITCHECK: not used]"
        return f"{_safe(v['code']):<16} {_safe(v['name'])}  {_safe(v['region'])}{head}{counts}{changed}"

    out.emit(views, lambda: "\n".join(line(v) for v in views))
    return EXIT_OK


def _recover_admin(services: Services, args: argparse.Namespace, out: Output) -> int:
    view = services.auth.recover_admin(args.name, _new_password(f"New password for {args.name}: "))
    out.emit(
        view.to_dict(),
        f"{_safe(view.username)} is enabled and unlocked with the password just given; it must be changed at "
        "the next login. This recovery is recorded in the audit trail.",
    )
    return EXIT_OK


def _safe(text: object) -> str:
    """One field of a text line: its control characters and bidi overrides escaped."""
    return escape_controls(str(text))


def _subjects(services: Services, actor: Actor, args: argparse.Namespace, out: Output) -> int:
    unlifted: tuple[RiskLevel, ...] = ()
    if args.table is not None or args.default:
        if args.table is not None:
            rows = services.policy.subject_file_rows(Path(args.table))
        else:
            rows = services.policy.default_subject_rows()
        preview = services.policy.preview_subjects(actor, rows)
        policy = services.policy.set_subjects(actor, rows, based_on=preview.based_on)
        unlifted = preview.unlifted
    elif args.pversion is not None:
        policy = services.policy.version(args.pversion)
    else:
        policy = services.policy.current()
    data = {"version": policy.version, "subjects": [{"keyword": w, "level": lv.code} for w, lv in policy.subjects]}
    stored = args.table is not None or args.default

    def text() -> str:
        lines = [f"{escape_controls(w)}  {lv.code} {lv.label_zh}" for w, lv in policy.subjects]
        head = f"Stored policy version {policy.version}" if stored else f"Policy version {policy.version}"
        note = (
            "\nReports already imported keep the subject level found when they were read; new imports use this table. "
            "To re-read them with it: suitcheck report reread (a preview), then --apply."
            if stored
            else ""
        )
        for level in unlifted:
            note += (
                f"\nNo keyword is left at {level.code} {level.label_zh}: no report is lifted to it by its subject "
                "any more (only by a security code)."
            )
        return f"{head}: {len(lines)} subject keywords\n" + "\n".join(lines) + note

    out.emit(data, text)
    return EXIT_OK


def cmd_policy(services: Services, args: argparse.Namespace, out: Output) -> int:
    actor = _login(services, args)
    if args.action == "subjects":
        return _subjects(services, actor, args, out)
    if args.action == "set":
        try:
            changes = typed_settings(args.settings)
        except PolicyError as exc:
            raise InvalidInput(f"{exc}.") from exc
        policy = services.policy.update(actor, **changes)
    elif args.pversion is not None:
        policy = services.policy.version(args.pversion)
    else:
        policy = services.policy.current()
    data = policy.to_dict()
    data.pop("subjects")
    out.emit(data, lambda: "\n".join(f"{k}: {v}" for k, v in data.items() if k != "warning_text"))
    return EXIT_OK


def cmd_gui(services_factory: Callable[[], Services], args: argparse.Namespace, demo: bool) -> int:
    from suitcheck.gui.app import run_gui

    return run_gui(services_factory, demo=demo, exit_after=getattr(args, "exit_after", None))


# -- parser ------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    common = _Parser(add_help=False)
    common.add_argument("--db", default=argparse.SUPPRESS, help="store file or SQLAlchemy URL (env SUITCHECK_DB)")
    common.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="machine-readable output")
    common.add_argument("--user", default=argparse.SUPPRESS, help="staff user name (password: SUITCHECK_PASSWORD)")

    parser = _Parser(
        prog="suitcheck", parents=[common], description="Investor-suitability checks for research reports."
    )
    parser.add_argument("--version", action="store_true", help="show versions of suitcheck and its libraries")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, help_text: str, **kw: Any) -> argparse.ArgumentParser:
        return sub.add_parser(name, parents=[common], help=help_text, description=help_text, **kw)

    demo = command("demo", "open the GUI on a freshly seeded demo store")
    demo.add_argument("--exit-after", type=float, help=argparse.SUPPRESS)
    gui = command("gui", "open the GUI (the default without a command)")
    gui.add_argument("--exit-after", type=float, help=argparse.SUPPRESS)
    init = command("init", "create or upgrade the store and its audit key; create the first administrator")
    init.add_argument(
        "--admin", metavar="NAME", help="create the first administrator (password: prompt or SUITCHECK_PASSWORD)"
    )
    init.add_argument(
        "--start-over",
        action="store_true",
        help="create a new store where a sealed one is missing or empty (recorded in the new trail)",
    )
    init.add_argument(
        "--join", action="store_true", help="register this desktop as a new installation of a shared, sealed store"
    )
    init.add_argument(
        "--restored-backup",
        metavar="REASON",
        help="accept a store restored from a backup, which ends before the head recorded beside the audit key; "
        "a new installation key is made and the lost entries are recorded with the reason",
    )
    command("seed-demo", "fill the store with the synthetic demo data set")

    investor = command("investor", "manage clients and their assessments")
    isub = investor.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = isub.add_parser("add", parents=[common], help="add a client")
    add.add_argument("--account", required=True)
    add.add_argument("--name", required=True)
    add.add_argument("--id-number")
    add.add_argument("--class", dest="investor_class", default="ordinary", choices=[c.value for c in InvestorClass])
    add.add_argument("--profile", help="C1..C5 (or 保守型 .. 激进型)")
    add.add_argument("--assessed", type=_date, help="assessment date YYYY-MM-DD")
    add.add_argument("--lowest-category", action="store_true")
    add.add_argument("--special-attention", action="store_true")
    add.add_argument("--branch", metavar="CODE", help="the client's branch (default: your own)")
    move = isub.add_parser(
        "move", parents=[common], help="move a client to another branch (compliance, with a reason; audited)"
    )
    move.add_argument("investor", help="account number or id")
    move.add_argument("--to", required=True, metavar="BRANCH", help="the new branch's code")
    move.add_argument("--reason", required=True, help="why the client moves")
    assess = isub.add_parser("assess", parents=[common], help="assess from questionnaire answers, or record a profile")
    assess.add_argument("investor", help="account number or id")
    assess.add_argument(
        "--answers", type=_file_name, metavar="FILE.json", help="the client's answers: question id -> answer id"
    )
    assess.add_argument(
        "--questionnaire-version",
        type=_count,
        metavar="N",
        help="with --answers: the version the client answered (refused if the current one is another)",
    )
    assess.add_argument("--profile", help="a profile from an assessment made elsewhere (needs --note)")
    assess.add_argument("--assessed", type=_date, help="assessment date YYYY-MM-DD (default today)")
    assess.add_argument("--lowest-category", action="store_true", help="with --profile: a knock-out answer")
    assess.add_argument("--note", help="where the assessment was made (required with --profile)")
    changed = isub.add_parser(
        "situation-changed",
        parents=[common],
        help="mark that a re-assessment is due (treated as expired until re-assessed)",
    )
    changed.add_argument("investor", help="account number or id")
    changed.add_argument("--reason", required=True, help="what changed")
    edit = isub.add_parser("edit", parents=[common], help="correct a client's record (audited)")
    edit.add_argument("investor", help="account number or id")
    edit.add_argument("--name")
    edit.add_argument("--class", dest="investor_class", choices=[c.value for c in InvestorClass])
    edit.add_argument("--lowest-category", action=argparse.BooleanOptionalAction, default=None)
    edit.add_argument("--special-attention", action=argparse.BooleanOptionalAction, default=None)
    edit.add_argument("--reason", help="why (required to leave the lowest category)")
    show = isub.add_parser("show", parents=[common], help="one client with assessment history")
    show.add_argument("investor", help="account number or id")
    cimp = isub.add_parser(
        "import", parents=[common], help="import or re-sync clients from a core-system export (.csv/.xlsx)"
    )
    cimp.add_argument("file", type=_file_name)
    cimp.add_argument("--sheet", help="the worksheet to read (.xlsx; default: the first)")
    cimp.add_argument("--mapping", type=_file_name, metavar="MAPPING.toml", help="header names the aliases do not know")
    cimp.add_argument("--dry-run", action="store_true", help="write nothing; print new, changed and invalid rows")
    cimp.add_argument("--partial", action="store_true", help="import the valid rows even if others are invalid")
    cimp.add_argument(
        "--report", type=_file_name, metavar="REPORT.xlsx", help="write bad rows and clients missing from the file"
    )
    cimp.add_argument(
        "--expect-sha256",
        type=_sha256_hex,
        metavar="HEX",
        help="import only the file its dry run read (the dry run's sha256): one saved over since is refused",
    )
    cexp = isub.add_parser("export", parents=[common], help="write every client in the import's columns")
    cexp.add_argument("--out", required=True, type=_file_name, metavar="FILE.xlsx|FILE.csv")
    lst = isub.add_parser("list", parents=[common], help="list or find clients")
    lst.add_argument("query", nargs="?", help="account, name prefix or ID number")
    lst.add_argument("--limit", type=_count, default=1000)
    lst.add_argument("--branch", metavar="CODE", help="only this branch's clients (head office)")

    report = command("report", "import, browse, search and rate reports")
    rsub = report.add_subparsers(dest="action", required=True, metavar="ACTION")
    imp = rsub.add_parser("import", parents=[common], help="import .pdf/.txt files and folders")
    imp.add_argument("paths", nargs="+", type=_file_name)
    for name, help_text in (("list", "list reports"), ("search", "search reports (any substring)")):
        p = rsub.add_parser(name, parents=[common], help=help_text)
        if name == "search":
            p.add_argument("term")
        p.add_argument("--level", action="append", help="R1..R5 (repeatable)")
        p.add_argument("--unrated", action="store_true")
        p.add_argument("--findings", action="store_true", help="only reports with open findings")
        p.add_argument("--since", type=_date)
        p.add_argument("--until", type=_date)
        p.add_argument("--rating")
        p.add_argument("--publisher")
        p.add_argument("--limit", type=_count, default=200)
    rshow = rsub.add_parser("show", parents=[common], help="one report")
    rshow.add_argument("report")
    reread = rsub.add_parser(
        "reread",
        parents=[common],
        help="re-read every report's subject with the current subject table, and its own level statement with "
        "this version's reader (compliance): a preview, or --apply",
    )
    reread.add_argument("--apply", action="store_true", help="store the changes (each audited)")
    rate = rsub.add_parser("rate", parents=[common], help="set a report's risk level (compliance)")
    rate.add_argument("report")
    rate.add_argument("--level", required=True)
    rate.add_argument("--note")

    check = command("check", "decide whether a client may use a report, and record it")
    check.add_argument("--investor", help="account number or id")
    check.add_argument("--report")
    check.add_argument(
        "--batch",
        type=_file_name,
        metavar="PAIRS.csv",
        help="check every client,report pair in a CSV file (one login; each audited)",
    )
    check.add_argument("--out", type=_file_name, metavar="RESULTS.jsonl", help="with --batch: one JSON result per line")
    elig = command("eligible", "every client who may receive a report")
    elig.add_argument("--report", required=True)
    elig.add_argument(
        "--out", type=_file_name, help="write a CSV file (an XLSX file when the name ends in .xlsx) instead of printing"
    )

    audit = command("audit", "export and verify the audit trail")
    asub = audit.add_subparsers(dest="action", required=True, metavar="ACTION")
    exp = asub.add_parser("export", parents=[common], help="export entries with a signed manifest")
    exp.add_argument("--format", required=True, choices=[f.value for f in ExportFormat])
    exp.add_argument("--out", required=True, type=_file_name)
    exp.add_argument("--since", type=_date)
    exp.add_argument("--until", type=_date)
    exp.add_argument("--staff")
    exp.add_argument("--investor", type=_record_id, help="client id")
    exp.add_argument("--report", type=_record_id, help="report id")
    exp.add_argument("--decision", choices=[o.value for o in Outcome])
    exp.add_argument(
        "--action", dest="entry_action", choices=[a.value for a in AuditAction], help="only entries of this action"
    )
    exp.add_argument("--full-id-numbers", action="store_true", help="unmasked (compliance only)")
    ver = asub.add_parser("verify", parents=[common], help="verify the store's chain or an export")
    ver.add_argument("file", nargs="?", type=_file_name)
    ver.add_argument(
        "--earlier", type=_file_name, metavar="FILE", help="also prove this earlier export is a prefix of FILE"
    )
    ver.add_argument(
        "--document",
        action="append",
        type=_file_name,
        default=[],
        metavar="DOC",
        help="find the entry of the export FILE that recorded writing DOC (a self-inspection PDF, a confirmation "
        "sheet, a list): a document no entry records (edited since it was written) fails",
    )
    ver.add_argument(
        "--public-key",
        action="append",
        metavar="KEY",
        help="trust only this genesis public key (or a file of them, as `audit key show` prints); "
        "with FILE no store, login or secret is needed",
    )
    replay = asub.add_parser(
        "replay",
        parents=[common],
        help="decide recorded decisions again, from their recorded facts under the policy version they name",
    )
    replay.add_argument("seq", nargs="*", type=_entry_seq, metavar="SEQ", help="audit entry numbers")
    replay.add_argument("--since", type=_date, help="every decision recorded from this day (instead of SEQ)")
    replay.add_argument("--until", type=_date, help="every decision recorded up to this day (instead of SEQ)")
    settle = asub.add_parser(
        "settle",
        parents=[common],
        help="seal again a client or report record changed outside suitcheck, once compliance has investigated "
        "it and found it right (compliance): shows what it seals, then asks",
    )
    which = settle.add_mutually_exclusive_group(required=True)
    which.add_argument("--investor", metavar="ID", help="the client: account number or id")
    which.add_argument("--report", type=_record_id, metavar="ID", help="the report's id")
    settle.add_argument("--reason", required=True, help="why the record is right (recorded in the trail)")
    settle.add_argument(
        "--was",
        action="append",
        default=[],
        metavar="COLUMN=VALUE",
        help="a client's name or id_number as it was before the change made outside suitcheck (name=..., "
        "id_number=...; nothing after = for none); the rest must be as the trail recorded it",
    )
    settle.add_argument("--yes", action="store_true", help="settle without asking (needed without a terminal)")
    clock = asub.add_parser(
        "clock-correct",
        parents=[common],
        help="record that the trail's newest entries were stamped while this computer's clock ran ahead, "
        "so that it takes the corrected clock again (administrators)",
    )
    clock.add_argument("--reason", required=True, help="why (recorded in the trail)")
    key = asub.add_parser("key", parents=[common], help="the installations' public verification keys")
    key.add_argument("key_action", choices=["show", "trust"], metavar="show|trust")
    key.add_argument(
        "ref",
        nargs="?",
        metavar="CHAIN_OR_FINGERPRINT",
        help="trust: the installation this desk accepts row seals from (administrators), as `show` prints it",
    )
    key.add_argument("--reason", help="trust: why (recorded in the trail), e.g. who filed its key")

    staff = command("staff", "manage staff accounts (administrators)")
    ssub = staff.add_subparsers(dest="action", required=True, metavar="ACTION")
    sadd = ssub.add_parser(
        "add", parents=[common], help="add an account (its first password: SUITCHECK_NEW_PASSWORD or a prompt)"
    )
    sadd.add_argument("name")
    sadd.add_argument("--role", required=True, choices=[r.value for r in Role])
    sadd.add_argument("--display-name")
    sadd.add_argument(
        "--branch",
        metavar="CODE",
        help="the account's branch (default: yours); compliance and administrators given one see only it",
    )
    sadd.add_argument(
        "--firm-wide", action="store_true", help="compliance or administrator who sees every branch (head office)"
    )
    for name in ("disable", "enable"):
        ssub.add_parser(name, parents=[common], help=f"{name} an account").add_argument("name")
    ssub.add_parser("unlock", parents=[common], help="end an account's lockout").add_argument("name")
    ssub.add_parser(
        "reset-password",
        parents=[common],
        help="give an account a temporary password (SUITCHECK_NEW_PASSWORD); changed at next login",
    ).add_argument("name")
    ssub.add_parser("list", parents=[common], help="list accounts")
    ssub.add_parser("passwd", parents=[common], help="change your password (SUITCHECK_NEW_PASSWORD)")
    ssub.add_parser(
        "recover-admin",
        parents=[common],
        help="local recovery of an administrator without a login: needs write access to the "
        "SQLite store file; recorded in the trail",
    ).add_argument("name")

    branch = command("branch", "the firm's branches (营业部)")
    bsub = branch.add_subparsers(dest="action", required=True, metavar="ACTION")
    badd = bsub.add_parser("add", parents=[common], help="add a branch (firm-wide administrators)")
    badd.add_argument("code", help="1 to 16 letters A-Z, digits or '-' (e.g. SH01)")
    badd.add_argument("--name", required=True, help="e.g. 上海浦东营业部")
    badd.add_argument("--region", help="e.g. 上海")
    bsub.add_parser("list", parents=[common], help="list branches")

    remind = command("reminders", "clients whose assessment expires soon, has expired, or is due")
    remind.add_argument("--within", type=int, metavar="DAYS", help="expiry window (default: the policy's warning days)")
    remind.add_argument(
        "--out",
        type=_file_name,
        metavar="FILE",
        help="write CSV (XLSX when the name ends in .xlsx) instead of printing",
    )

    insp = command("inspection", "the self-inspection report (PDF) over a period")
    insp.add_argument("--from", dest="period_from", type=_date, required=True, metavar="YYYY-MM-DD")
    insp.add_argument("--to", dest="period_to", type=_date, required=True, metavar="YYYY-MM-DD")
    insp.add_argument("--out", required=True, type=_file_name, metavar="FILE.pdf")

    quest = command("questionnaire", "the versioned risk-tolerance questionnaire")
    qsub = quest.add_subparsers(dest="action", required=True, metavar="ACTION")
    qshow = qsub.add_parser("show", parents=[common], help="the current (or a given) version")
    qshow.add_argument("--version", dest="qversion", type=int, help="a past version")
    qimp = qsub.add_parser("import", parents=[common], help="store a definition file as a new version (compliance)")
    qimp.add_argument("file", type=_file_name)

    policy = command("policy", "show or change the firm policy")
    psub = policy.add_subparsers(dest="action", required=True, metavar="ACTION")
    pshow = psub.add_parser("show", parents=[common], help="the current policy")
    pshow.add_argument(
        "--version",
        dest="pversion",
        type=int,
        help="a past version (what a decision stamped with it was decided under)",
    )
    pset = psub.add_parser("set", parents=[common], help="store a new policy version")
    pset.add_argument("settings", nargs="+", metavar="NAME=VALUE")
    psubj = psub.add_parser(
        "subjects", parents=[common], help="the subject keywords and the level each implies; or store a new table"
    )
    new_table = psubj.add_mutually_exclusive_group()
    new_table.add_argument(
        "--from", dest="table", type=_file_name, metavar="FILE", help="keyword,level lines (compliance)"
    )
    new_table.add_argument("--default", action="store_true", help="this release's built-in table (compliance)")
    new_table.add_argument("--version", dest="pversion", type=int, help="a past version's table")
    return parser


COMMANDS: dict[str, Callable[[Services, argparse.Namespace, Output], int]] = {
    "init": cmd_init,
    "seed-demo": cmd_seed_demo,
    "investor": cmd_investor,
    "report": cmd_report,
    "check": cmd_check,
    "eligible": cmd_eligible,
    "audit": cmd_audit,
    "staff": cmd_staff,
    "branch": cmd_branch,
    "policy": cmd_policy,
    "questionnaire": cmd_questionnaire,
    "reminders": cmd_reminders,
    "inspection": cmd_inspection,
}


def _reader_gone() -> int:
    """The reader went away (`suitcheck report list | head`): what was asked is done and
    recorded; stop writing quietly, and keep the exit flush from failing again."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 128 + 13  # as a shell reports a process ended by SIGPIPE


def _print_version() -> int:
    try:
        _stdout(version_text() + "\n", flush=True)
    except BrokenPipeError:
        return _reader_gone()
    except _OutputFailed as exc:
        print(f"suitcheck: {exc}", file=sys.stderr)
        return EXIT_ERROR
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    _closed_streams_to_devnull()
    _escape_what_stdout_cannot_show()
    parser = build_parser()
    bad = _undecodable(sys.argv[1:] if argv is None else argv)
    if bad is not None:
        print(f"suitcheck: argument {bad} is not valid UTF-8 text; nothing was done.", file=sys.stderr)
        return EXIT_USAGE
    args = parser.parse_args(argv)
    if args.version:
        return _print_version()
    logfile = setup_logging()
    opened: list[Services] = []
    # SIGTERM (a scheduler's timeout, a shutdown) is taken as Ctrl+C is, by every command
    # but the desktop's: by default it ended the process on the spot, with no word of what
    # was left undone and a half-written export's temporary file left beside the target.
    terminated = contextlib.nullcontext() if args.command in (None, "gui", "demo") else _terminated_as_interrupted()
    try:
        with terminated:
            return _dispatch(args, Output(getattr(args, "json", False)), getattr(args, "db", None), opened)
    except PasswordChangeRequired as exc:
        print(
            f"suitcheck: {exc} Run 'suitcheck staff passwd --user NAME' (new password in SUITCHECK_NEW_PASSWORD).",
            file=sys.stderr,
        )
        return exc.exit_code
    except (ServiceError, StoreError) as exc:
        print(f"suitcheck: {escape_controls(str(exc))}", file=sys.stderr)
        return exc.exit_code if isinstance(exc, ServiceError) else EXIT_ERROR
    except BrokenPipeError:
        return _reader_gone()
    except KeyboardInterrupt as exc:
        print("suitcheck: interrupted.", file=sys.stderr)
        return 128 + (signal.SIGTERM if isinstance(exc, _Terminated) else signal.SIGINT)
    except Exception as exc:
        log.exception("unexpected error in %s", args.command)
        where = f"details are in {logfile}" if logfile else "no log file could be written for its details"
        print(f"suitcheck: unexpected error ({type(exc).__name__}); {where}.", file=sys.stderr)
        return EXIT_ERROR
    finally:
        for services in opened:
            services.close()


def _dispatch(args: argparse.Namespace, out: Output, db: str | None, opened: list[Services]) -> int:
    """Run the command; a store it opens goes into `opened`, for main() to close."""
    if args.command in (None, "gui"):
        # The GUI's first run is its `init`: it may create a store and key where neither
        # existed, never where the keyring says a sealed store should be, nor in a folder
        # that is not there (a store path on a drive that is not connected).
        return cmd_gui(lambda: open_services(db, init=True, create_folder=False), args, demo=False)
    if args.command == "demo":
        return _run_demo(db, args)
    if args.command == "staff" and args.action == "recover-admin":
        _require_existing_local_store(db)
    if args.command == "audit" and args.action == "verify" and args.file and args.public_key:
        return verify_offline(args, out)
    if args.command == "audit" and args.action == "verify" and args.file:
        _require_store_for_its_keys(db)
    if args.command == "init":
        services = open_services(
            db, init=True, start_over=args.start_over, join=args.join, restored=args.restored_backup
        )
    else:  # making a demo store is its own `init`
        services = open_services(db, init=args.command == "seed-demo")
    opened.append(services)
    return COMMANDS[args.command](services, args, out)


def _require_store_for_its_keys(db: str | None) -> None:
    """`audit verify FILE` without --public-key verifies with the store's installations.
    On a machine with no store and no audit key (an auditor's), "create it with `suitcheck
    init`" made a store and key of its own, which the export was never signed by: the filed
    key it is. (A desk's missing store is the usual refusal, which names its backup.)"""
    path = local_store_file(db)
    if path is not None and not path.exists() and not default_audit_key_path().exists():
        raise InvalidInput(
            f"There is no store at {path} to verify the export with; give the public key compliance filed: "
            "`suitcheck audit verify FILE --public-key KEY`."
        )


def _require_existing_local_store(db: str | None) -> None:
    """Recovery opens an existing SQLite file; it never creates a store."""
    path = local_store_file(db)
    if path is None:
        raise InvalidInput(
            "Local recovery works only on a SQLite store file; on a database server another "
            "administrator resets the password (staff reset-password)."
        )
    if not path.is_file():
        raise InvalidInput(f"There is no store at {path}; recovery needs the existing store file.")


def _run_demo(db: str | None, args: argparse.Namespace) -> int:
    from suitcheck.services.demo import seed_demo

    folder = None
    if db is None:
        folder = tempfile.mkdtemp(prefix="suitcheck-demo-")
        db = str(Path(folder) / "demo.db")
        # The demo store gets its own audit key beside it, so it never touches the real one.
        os.environ.setdefault("SUITCHECK_AUDIT_KEY", str(Path(folder) / "audit.key"))
    services = open_services(db, init=True)
    shown = services.store.display_name  # a server's address without its password (db as typed had it)
    try:
        if not services.auth.has_staff():
            seed_demo(services)
        elif not services.auth.is_demo_store():
            raise InvalidInput(f"{shown} is not a demo store; open it with 'suitcheck --db' instead.")
    finally:
        services.close()
    print(f"Demo store: {escape_controls(shown)}", file=sys.stderr)
    return cmd_gui(lambda: open_services(db, init=True), args, demo=True)


if __name__ == "__main__":
    raise SystemExit(main())
