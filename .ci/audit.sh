#!/usr/bin/env bash
# Audit the locked dependencies (requirements.lock) for known vulnerabilities with pip-audit.
#
#   .ci/audit.sh            audit; exit 1 on a finding that is not in .ci/audit-ignore.txt
#   .ci/audit.sh --lock     first rewrite requirements.lock from the venv (pip freeze)
#
# pip-audit asks a vulnerability service (PyPI's JSON API, or OSV). Where that service cannot
# be reached it skips every package and still prints "No known vulnerabilities found"; this
# script says NOT AUDITED instead and exits 0, so CI without the service does not fail, but
# nobody reads a clean bill that was never checked. With BRIEFQA_OSV_DB pointing at an OSV
# export of the PyPI advisories (the all.zip of osv.dev's PyPI ecosystem, fetched on a
# machine that has the internet, or a folder of its JSON files), the same pins are checked
# offline against it.
#
# .ci/audit-ignore.txt: one advisory a line, "ID  reason"; a line without a reason is refused.
set -uo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python
[ -x "$PY" ] || PY=python3
LOCK=requirements.lock
IGNORE=${BRIEFQA_AUDIT_IGNORE:-.ci/audit-ignore.txt}

if [ "${1:-}" = "--lock" ]; then
  {
    echo "# The venv's packages, pinned, for auditing (.ci/audit.sh). Regenerate after any"
    echo "# install: .ci/audit.sh --lock"
    .venv/bin/pip freeze --exclude-editable --disable-pip-version-check \
      | grep -v -i '^briefqa[= @]' | LC_ALL=C sort -f
  } > "$LOCK"
  echo "audit: wrote $LOCK ($(grep -vc '^#' "$LOCK") packages)"
fi

[ -f "$LOCK" ] || { echo "audit: $LOCK is missing; run .ci/audit.sh --lock"; exit 1; }

# The lock is what is audited; say so when the venv has moved on from it.
"$PY" - "$LOCK" <<'EOF' || true
import sys
from importlib.metadata import PackageNotFoundError, version
drift = []
for line in open(sys.argv[1]):
    name, _, pinned = line.split("#")[0].strip().partition("==")
    if not pinned:
        continue
    try:
        installed = version(name)
    except PackageNotFoundError:
        installed = "not installed"
    if installed != pinned:
        drift.append(f"{name} {pinned} (installed: {installed})")
if drift:
    print(f"audit: note: the venv differs from requirements.lock in {len(drift)} packages "
          f"(auditing the lock; .ci/audit.sh --lock re-pins): {'; '.join(drift[:10])}")
EOF

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Advisories are published for upstream versions: "torch==2.13.0+cpu" is audited as 2.13.0.
sed -E 's/^([^#=]+==[^+ ]+)\+[^ ]*/\1/' "$LOCK" | grep -v '^#' | grep -v '^$' > "$work/pins.txt"

ignores=()
if [ -f "$IGNORE" ]; then
  while read -r id reason; do
    case "$id" in ''|'#'*) continue ;; esac
    if [ -z "$reason" ]; then
      echo "audit: $IGNORE: $id has no reason; every ignored advisory needs one"
      exit 1
    fi
    ignores+=(--ignore-vuln "$id")
  done < "$IGNORE"
fi

report() {  # $1: pip-audit's JSON (may be empty), $2: its exit status, $3: its stderr
  "$PY" - "$1" "$2" "$3" "$work/pins.txt" <<'EOF'
import json, sys
path, status, stderr_path, pins_path = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
pins = [ln for ln in open(pins_path) if ln.strip()]
try:
    data = json.load(open(path))
except (OSError, ValueError):
    data = None
errors = open(stderr_path, errors="replace").read()
if data is None:
    unreachable = any(w in errors for w in ("ConnectionError", "NameResolution",
                                            "Max retries", "timed out", "Temporary failure"))
    if unreachable or status == 124:
        print("audit: NOT AUDITED: the vulnerability service cannot be reached from here "
              f"({len(pins)} pinned packages unchecked). Run .ci/audit.sh where it can be, "
              "or set BRIEFQA_OSV_DB to an OSV export of the PyPI advisories.")
        sys.exit(0)
    print(f"audit: pip-audit failed (exit {status}):\n{errors[-3000:]}")
    sys.exit(1)
deps = data.get("dependencies", [])
skipped = [d for d in deps if d.get("skip_reason")]
audited = [d for d in deps if not d.get("skip_reason")]
findings = [(d["name"], d["version"], v) for d in audited for v in d.get("vulns", [])]
if deps and len(skipped) >= 0.9 * len(deps):
    print(f"audit: NOT AUDITED: the vulnerability service answered for {len(audited)} of "
          f"{len(deps)} packages (it cannot be reached from here, so pip-audit skipped the "
          f"rest and its \"no known vulnerabilities\" means nothing). Run .ci/audit.sh "
          f"where it can be reached, or set BRIEFQA_OSV_DB to an OSV export of the PyPI "
          f"advisories.")
    sys.exit(0)
for d in skipped:
    print(f"audit: not checked: {d['name']}: {d['skip_reason']}")
for name, version, v in findings:
    fixed = ", ".join(v.get("fix_versions") or []) or "no fixed version yet"
    print(f"audit: FINDING {name} {version}: {v['id']} (fixed in: {fixed}) "
          f"{(v.get('description') or '')[:200]}")
print(f"audit: {len(audited)} packages checked, {len(findings)} findings not ignored, "
      f"{len(skipped)} not checked")
sys.exit(1 if findings else 0)
EOF
}

if [ -n "${BRIEFQA_OSV_DB:-}" ]; then
  # Offline: match the pins against an OSV export (a zip or a folder of advisory JSON files).
  "$PY" - "$work/pins.txt" "$BRIEFQA_OSV_DB" "$IGNORE" <<'EOF'
import json, sys, zipfile
from pathlib import Path
from packaging.version import InvalidVersion, Version

pins_path, db, ignore_path = sys.argv[1:4]
norm = lambda n: n.lower().replace("_", "-").replace(".", "-")
pins = {}
for line in open(pins_path):
    name, _, version = line.strip().partition("==")
    if version:
        pins[norm(name)] = version
ignored = set()
if Path(ignore_path).exists():
    ignored = {ln.split()[0] for ln in open(ignore_path) if ln.strip() and not ln.startswith("#")}

def advisories():
    if zipfile.is_zipfile(db):
        with zipfile.ZipFile(db) as z:
            for n in z.namelist():
                if n.endswith(".json"):
                    yield json.loads(z.read(n))
    else:
        for p in Path(db).rglob("*.json"):
            yield json.loads(p.read_text())

def affected(version, entry):
    if version in entry.get("versions", []):
        return True
    v = Version(version)
    for r in entry.get("ranges", []):
        if r.get("type") != "ECOSYSTEM":
            continue
        inside = False
        for event in r.get("events", []):
            try:
                if "introduced" in event:
                    inside = event["introduced"] == "0" or v >= Version(event["introduced"])
                elif "fixed" in event and inside and v >= Version(event["fixed"]):
                    inside = False
                elif "last_affected" in event and inside and v > Version(event["last_affected"]):
                    inside = False
            except InvalidVersion:
                continue
        if inside:
            return True
    return False

count, findings = 0, []
for adv in advisories():
    count += 1
    ids = {adv.get("id"), *adv.get("aliases", [])}
    if ids & ignored:
        continue
    for entry in adv.get("affected", []):
        pkg = entry.get("package", {})
        name = norm(pkg.get("name", ""))
        if pkg.get("ecosystem") == "PyPI" and name in pins and affected(pins[name], entry):
            findings.append(f"{name} {pins[name]}: {adv.get('id')} {adv.get('summary', '')}")
if count == 0:
    print(f"audit: NOT AUDITED: {db} holds no advisories")
    sys.exit(0)
for f in sorted(set(findings)):
    print(f"audit: FINDING {f}")
print(f"audit: offline against {count} OSV advisories: {len(pins)} packages checked, "
      f"{len(set(findings))} findings not ignored")
sys.exit(1 if findings else 0)
EOF
  exit $?
fi

AUDIT=${PIP_AUDIT:-}
if [ -z "$AUDIT" ]; then
  if [ -x .venv/bin/pip-audit ]; then AUDIT=.venv/bin/pip-audit
  elif command -v pip-audit >/dev/null 2>&1; then AUDIT=pip-audit
  else echo "audit: NOT AUDITED: pip-audit is not installed (pip install pip-audit)"; exit 0
  fi
fi

timeout 300 "$AUDIT" -r "$work/pins.txt" --no-deps --disable-pip --progress-spinner off --timeout 10 \
  -f json -o "$work/audit.json" "${ignores[@]}" > "$work/stdout" 2> "$work/stderr"
status=$?
report "$work/audit.json" "$status" "$work/stderr"
