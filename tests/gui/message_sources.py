"""Find every sentence the services and the audit layer hand to a user (the texts of
raised service errors, failure sentences, verification problems) as a template with
named parameters, the way gui/messages.py catalogues them."""

from __future__ import annotations

import ast
import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "suitcheck"
# Not migrations or ORM asserts: no user sees those. Of ingest only the client file's reader,
# whose sentences the client import passes on; a report's are shown by their code
# (gui/errors.INGEST_REASONS).
SCANNED = ("services", "audit", "ingest/clientfile.py", "store/engine.py")
ERROR_NAMES = re.compile(r"(Error|Failed|Denied|NotFound|InvalidInput|Conflict|Unavailable|Required)$")
MESSAGE_VARIABLES = {"failure", "problem", "message"}
# Calls that take (entry, problem sentence): a verifier's failure and an export cell mismatch.
PROBLEM_CALLS = {"_fail", "_CellMismatch"}
# Tables of sentences a service raises by key (auth._PROBLEMS: password rule -> sentence).
MESSAGE_TABLES = re.compile(r"^_?[A-Z_]*(PROBLEMS|MESSAGES|SENTENCES)$")
# Functions whose every returned text is a verification problem (audit.chain's verifier:
# an entry that does not link, a damaged registration or seal, a broken key history).
PROBLEM_FUNCTIONS = {"_link_problem", "_new_chain", "_seal", "walk_ladder", "describe_db_error", "_server_sentence"}


def _name(expr: ast.expr) -> str:
    text = re.sub(r"\W+", "_", ast.unparse(expr)).strip("_")
    return text or "value"


def template(node: ast.expr) -> str | None:
    """The literal's text, or an f-string with {name} for each value ({'name'} for !r)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        parts = []
        for value in node.values:
            if isinstance(value, ast.Constant):
                parts.append(str(value.value).replace("{", "{{").replace("}", "}}"))
            elif isinstance(value, ast.FormattedValue):
                name = "{" + _name(value.value) + "}"
                parts.append(f"'{name}'" if value.conversion == ord("r") else name)
        return "".join(parts)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = template(node.left), template(node.right)
        return left + right if left is not None and right is not None else None
    return None


def _callee(call: ast.Call) -> str:
    f = call.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""


def _candidates(node: ast.AST) -> list[ast.expr]:
    """The expressions at this node that may hold a sentence a user sees."""
    candidates: list[ast.expr] = []
    if isinstance(node, ast.Call):
        if _callee(node) == "IngestError" and len(node.args) > 1:
            candidates.append(node.args[1])  # (code, sentence): the client file's reader
        elif ERROR_NAMES.search(_callee(node)) and node.args:
            candidates.append(node.args[0])
        if _callee(node) in PROBLEM_CALLS and len(node.args) > 1:
            candidates.append(node.args[1])  # (seq, problem): a verification problem
        candidates += [k.value for k in node.keywords if k.arg in MESSAGE_VARIABLES]
    if isinstance(node, ast.FunctionDef) and node.name in PROBLEM_FUNCTIONS:
        candidates += [r.value for r in ast.walk(node) if isinstance(r, ast.Return) and r.value is not None]
    if isinstance(node, ast.Assign):
        names = [t.id for t in node.targets if isinstance(t, ast.Name)]
        if any(name in MESSAGE_VARIABLES for name in names):
            candidates.append(node.value)
        if isinstance(node.value, ast.Dict) and any(MESSAGE_TABLES.match(name) for name in names):
            candidates += [v for v in node.value.values if v is not None]
    return candidates


def user_sentences(root: Path = SRC) -> dict[str, str]:
    """template -> where it is (file:line)."""
    found: dict[str, str] = {}
    for folder in SCANNED:
        base = root / folder
        for path in [base] if base.is_file() else sorted(base.rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                for candidate in _candidates(node):
                    text = template(candidate)
                    if text and re.search(r"[A-Za-z]{2}", re.sub(r"\{[^}]*\}", "", text)):
                        found.setdefault(text, f"{path.relative_to(root.parent)}:{getattr(node, 'lineno', 0)}")
    return found


if __name__ == "__main__":
    for text, where in sorted(user_sentences().items(), key=lambda kv: kv[1]):
        print(f"{where}\t{text}")
