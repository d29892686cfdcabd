#!/usr/bin/env bash
# Run a frozen bundle headless and check what it prints. Usage: smoke-test.sh dist/suitcheck-X/
set -euo pipefail
bundle=${1:?bundle folder}
cli="$bundle/suitcheck-cli"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export SUITCHECK_AUDIT_KEY="$work/audit.key" SUITCHECK_LOG_DIR="$work/log" QT_QPA_PLATFORM=offscreen
fail() { echo "SMOKE FAIL: $*" >&2; exit 1; }

"$cli" --version | tee "$work/version"
for lib in suitcheck SQLAlchemy SQLite PySide6 Qt; do grep -q "$lib" "$work/version" || fail "no $lib in --version"; done

"$cli" seed-demo --db "$work/demo.db" || fail "seed-demo"
export SUITCHECK_PASSWORD=demo
report=$("$cli" report search 创业板 --json --user demo-advisor --db "$work/demo.db" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
set +e
"$cli" check --investor 880003 --report "$report" --json --user demo-advisor --db "$work/demo.db" > "$work/check.json"
code=$?
set -e
[ "$code" = 3 ] || fail "a C3 client checking an R4 report should exit 3, got $code"
grep -q '"decision": "block"' "$work/check.json" || fail "check did not block"
"$cli" audit export --format xlsx --out "$work/audit.xlsx" --user demo-compliance --db "$work/demo.db"
"$cli" audit verify "$work/audit.xlsx" --user demo-compliance --db "$work/demo.db" || fail "export does not verify"
"$bundle/suitcheck" demo --db "$work/gui.db" --exit-after 4 > "$work/gui.log" 2>&1 || fail "GUI exited with an error"
grep -q "Demo store" "$work/gui.log" || fail "GUI did not start"
echo "smoke test passed"
