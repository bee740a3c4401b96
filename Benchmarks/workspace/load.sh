#!/usr/bin/env bash
# p95 of `lockstep serve` under 8 concurrent connections on loopback (wrk from Debian), one URL at a time.
# Usage: Benchmarks/workspace/load.sh LOCKSTEP_BINARY RESULTS_DIR [SECONDS]
# The results folder must hold case.sqlite (e.g. from `simulate --scenario troll-factory --seed 11 --scale 3.1`).
set -euo pipefail
bin=$1 dir=$2 secs=${3:-20}
here=$(cd "$(dirname "$0")" && pwd)
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }
"$bin" serve "$dir" --port 0 > "$dir/.serve-url" &
pid=$!
trap 'kill $pid 2>/dev/null; rm -f "$dir/.serve-url"' EXIT
for _ in $(seq 100); do [ -s "$dir/.serve-url" ] && break; sleep 0.1; done
url=$(head -1 "$dir/.serve-url"); url=${url%/}
# Accounts for the URLs: the top flagged account, a handle prefix, a word from a stored post, the busiest cluster.
db="$dir/case.sqlite"
top=$(sqlite3 "$db" "SELECT account_id FROM accounts WHERE flagged='true' ORDER BY score DESC LIMIT 1")
prefix=$(sqlite3 "$db" "SELECT substr(handle,1,4) FROM accounts WHERE handle IS NOT NULL ORDER BY rowid LIMIT 1 OFFSET 5000")
word=$(sqlite3 "$db" "SELECT term FROM narratives WHERE \"group\"='all' AND term NOT LIKE '#%' ORDER BY count DESC LIMIT 1")
amp=$(sqlite3 "$db" "SELECT account_id FROM accounts WHERE role='amplifier' ORDER BY rowid LIMIT 1")
echo "case: $(sqlite3 "$db" "SELECT count(*) FROM accounts") accounts, $(sqlite3 "$db" "SELECT count(*) FROM posts") posts stored"
for path in \
  "/accounts" \
  "/accounts?q=$prefix" \
  "/accounts?q=$(python3 -c 'import sys,urllib.parse;print(urllib.parse.quote(sys.argv[1]))' "$word")" \
  "/accounts?flagged=true&sort=-score&page=3" \
  "/accounts?role=amplifier&label=none&sort=followers" \
  "/accounts?sort=-posts&page=500" \
  "/accounts?reason=coordinated_cluster&sort=created&page=2" \
  "/accounts/$top" \
  "/accounts/$amp" ; do
  printf '%-60s ' "$path"
  wrk -t2 -c8 -d"${secs}s" -s "$here/p95.lua" "$url$path" | tail -1
done
