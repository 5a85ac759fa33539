#!/usr/bin/env bash
# Demo of `rubato datasets` on generated data with known answers (issue 6, "Done when"):
#   1. scan + dupes on a planted tree: exactly the planted duplicate groups, hard links and link loops;
#   2. git: a repository with planted unreachable objects is detected, cleaned by --gc --yes, refs verified;
#   3. canonicalize: dry run, real run, undo, with content hashes compared before and after.
# Usage: scripts/demo-datasets.sh [files]   (default 3000; everything lives in a temp folder, removed at the end)
set -euo pipefail
cd "$(dirname "$0")/.."
FILES="${1:-3000}"
RUBATO=(node --import tsx server/cli/main.ts)
WORK="$(mktemp -d "${TMPDIR:-/tmp}/rubato-demo-datasets-XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
say() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }

echo "== 1. a generated tree with planted duplicates, hard links and link loops ($FILES files)"
node --import tsx scripts/datasetsTree.ts "$WORK/tree" "$FILES" 16 > "$WORK/truth.json"
node -e '
  const t = require(process.argv[1]);
  console.log(`planted: ${t.dupGroups.length} duplicate groups, ${t.hardLinks.length} hard-link sets, ${t.loops.length} link loops, ${t.files} files`);
' "$WORK/truth.json"
say rubato datasets scan "$WORK/tree" "| tail -n 12"
"${RUBATO[@]}" datasets scan "$WORK/tree" | tail -n 12
"${RUBATO[@]}" datasets scan "$WORK/tree" --json > "$WORK/scan.json"
say rubato datasets dupes "$WORK/tree" --no-cache "| head -n 12"
"${RUBATO[@]}" datasets dupes "$WORK/tree" --no-cache > "$WORK/dupes.txt"
head -n 12 "$WORK/dupes.txt"; echo "  …"; tail -n 6 "$WORK/dupes.txt"
"${RUBATO[@]}" datasets dupes "$WORK/tree" --no-cache --json > "$WORK/dupes.json"
say "compare with the planted truth (groups as sets of inodes, so any path of a hard-linked file counts)"
node -e '
  const fs = require("fs");
  const [truth, scan, dupes] = process.argv.slice(1).map((f) => JSON.parse(fs.readFileSync(f, "utf8")));
  const ino = (ps) => [...new Set(ps.map((p) => { const s = fs.lstatSync(p, { bigint: true }); return `${s.dev}:${s.ino}`; }))].sort().join(",");
  const same = (a, b) => JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());
  const g1 = truth.dupGroups.map((g) => ino(g.flat())), g2 = dupes.groups.map((g) => ino(g.files));
  console.log(`duplicate groups: planted ${g1.length}, found ${g2.length}, identical: ${same(g1, g2) ? "yes" : "NO"}`);
  const h1 = truth.hardLinks.map((g) => g.join("|")), h2 = scan.hard_links.map((g) => g.paths.join("|"));
  console.log(`hard-link sets:   planted ${h1.length}, found ${h2.length}, identical: ${same(h1, h2) ? "yes" : "NO"}`);
  const l1 = truth.loops, l2 = scan.links.filter((l) => l.loop).map((l) => l.path);
  console.log(`link loops:       planted ${l1.length}, found ${l2.length}, identical: ${same(l1, l2) ? "yes" : "NO"}`);
  console.log(`folder groups:    ${JSON.stringify(dupes.folder_groups.map((g) => g.folders))}`);
  if (!same(g1, g2) || !same(h1, h2) || !same(l1, l2)) process.exit(1);
' "$WORK/truth.json" "$WORK/scan.json" "$WORK/dupes.json"
if command -v jdupes > /dev/null; then
  say "jdupes -r -q $WORK/tree (same comparison)"
  jdupes -r -q "$WORK/tree" > "$WORK/jdupes.txt" || true
  node -e '
    const fs = require("fs");
    const ino = (ps) => [...new Set(ps.map((p) => { const s = fs.lstatSync(p, { bigint: true }); return `${s.dev}:${s.ino}`; }))].sort().join(",");
    const j = [...new Set(fs.readFileSync(process.argv[1], "utf8").trim().split(/\n\s*\n/).map((b) => ino(b.split("\n").filter(Boolean))))].sort();
    const ours = JSON.parse(fs.readFileSync(process.argv[2], "utf8")).groups.map((g) => ino(g.files)).sort();
    console.log(`jdupes groups ${j.length}, ours ${ours.length}, identical: ${JSON.stringify(j) === JSON.stringify(ours) ? "yes" : "NO"}`);
  ' "$WORK/jdupes.txt" "$WORK/dupes.json"
fi

echo; echo "== 2. git: a repository with an accidental 'git add -A' of a dataset (blobs never committed)"
REPO="$WORK/projects/model1"
mkdir -p "$REPO" "$WORK/dataset"
git -C "$REPO" init -q -b main
git -C "$REPO" config user.email demo@example.com; git -C "$REPO" config user.name demo
for i in 1 2 3 4 5 6 7; do echo "v$i" > "$REPO/train.py"; git -C "$REPO" add train.py; git -C "$REPO" commit -qm "commit $i"; done
for i in $(seq 1 2000); do head -c 2048 /dev/urandom > "$WORK/dataset/x$i.npy"; done
ls -d "$WORK/dataset/"* | git -C "$REPO" hash-object -w --stdin-paths > /dev/null
say git -C "$REPO" for-each-ref "&& git rev-parse HEAD   (before)"
{ git -C "$REPO" for-each-ref; git -C "$REPO" rev-parse HEAD; } | tee "$WORK/refs-before.txt"
say rubato datasets git "$WORK/projects"
"${RUBATO[@]}" datasets git "$WORK/projects"
say rubato datasets git "$WORK/projects" --gc "   (no --yes: refused, exit 2)"
"${RUBATO[@]}" datasets git "$WORK/projects" --gc || echo "exit $?"
say rubato datasets git "$WORK/projects" --gc --yes
"${RUBATO[@]}" datasets git "$WORK/projects" --gc --yes
say "refs after, compared with before"
{ git -C "$REPO" for-each-ref; git -C "$REPO" rev-parse HEAD; } > "$WORK/refs-after.txt"
diff "$WORK/refs-before.txt" "$WORK/refs-after.txt" && echo "refs and HEAD identical"
git -C "$REPO" log --oneline | wc -l | xargs echo "commits on main:"

echo; echo "== 3. canonicalize: one corpus, copies in two projects"
C="$WORK/canon"
node --import tsx -e '
  const { makePlantedTree } = require("./scripts/datasetsTree");
  const fs = require("fs"), path = require("path");
  const t = makePlantedTree(path.join(process.argv[1], "corpus"), { files: 400, meanKiB: 32 });
  for (const p of ["projA/data", "projB/data"]) { fs.mkdirSync(path.join(process.argv[1], path.dirname(p)), { recursive: true }); fs.cpSync(path.join(t.root, "projA", "cache"), path.join(process.argv[1], p), { recursive: true }); }
' "$C"
rm -rf "$C/corpus/projB/cache"   # one copy inside the corpus, two in the projects
hashes() { (cd "$C" && find . -path ./corpus -prune -o -type f -print0 | sort -z | xargs -0 sha256sum) ; }
hashes > "$WORK/before.sha"
say rubato datasets canonicalize "$C/projA" "$C/projB" "$C/corpus" --prefer "$C/corpus" --state-dir "$WORK/state"
"${RUBATO[@]}" datasets canonicalize "$C/projA" "$C/projB" "$C/corpus" --prefer "$C/corpus" --state-dir "$WORK/state"
say rubato datasets canonicalize … --apply
"${RUBATO[@]}" datasets canonicalize "$C/projA" "$C/projB" "$C/corpus" --prefer "$C/corpus" --state-dir "$WORK/state" --apply | tee "$WORK/apply.txt"
say ls -l "$C/projA" "$C/projB"
ls -l "$C/projA" "$C/projB"
say "sha256 of every file reached through the links vs before"
(cd "$C" && find -L . -path ./corpus -prune -o -type f -print0 | sort -z | xargs -0 sha256sum) | diff "$WORK/before.sha" - && echo "identical through the links"
MANIFEST="$(sed -n 's/^manifest: //p' "$WORK/apply.txt")"
say rubato datasets canonicalize --undo "$MANIFEST"
"${RUBATO[@]}" datasets canonicalize --undo "$MANIFEST"
say "sha256 of every restored file vs before (real folders again)"
hashes | diff "$WORK/before.sha" - && echo "identical after undo"
ls -ld "$C/projA/data" "$C/projB/data"
