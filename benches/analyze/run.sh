#!/bin/sh
# Throughput benchmark of `skein analyze` against `grep -c 'TRACE .* exit'`.
#
#   sh benches/analyze/run.sh [SIZE_MB] [FILES]
#
# SIZE_MB (default 200) is the corpus size; FILES (default 4) how many files it is cut
# into (each file is split further at trace boundaries when it is large). For a run at
# 1 GB or more:  sh benches/analyze/run.sh 1024 8   (needs SIZE_MB of free space in $TMPDIR
# and a machine you do not share).
#
# The corpus is the real LuaJIT dumps of tests/fixtures/analyze/ concatenated many times
# with renumbered traces: inside a block of copies every copy gets its own trace-number
# range (offset by 100 per copy), and blocks are separated by `---- TRACE flush` so the
# numbers start again, as they would in a long-running process.
#
# Prints MB/s for: grep (one core), skein analyze on one thread, on all cores, and the
# ratio skein-per-core / grep.
set -eu
size_mb=${1:-200}
nfiles=${2:-4}
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/skein-analyze-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

cargo build --release --quiet --manifest-path "$root/Cargo.toml"
skein="$root/target/release/skein"

# One block: 10 renumbered copies of every dump fixture, then a flush.
block="$work/block.dlog"
cat "$root"/tests/fixtures/analyze/*.dlog >"$work/base.dlog"
awk -v copies=10 '
  { lines[NR] = $0 }
  END {
    for (c = 0; c < copies; c++) {
      off = c * 100
      for (i = 1; i <= NR; i++) {
        l = lines[i]
        if (substr(l, 1, 11) == "---- TRACE " && l !~ /^---- TRACE flush/) {
          n = split(l, w, " ")
          w[3] += off
          if (w[4] == "start" && w[5] ~ /^[0-9]+\//) { split(w[5], pe, "/"); w[5] = (pe[1] + off) "/" pe[2] }
          if (w[4] == "stop" && w[6] ~ /^[0-9]+$/) w[6] += off
          l = w[1]
          for (k = 2; k <= n; k++) l = l " " w[k]
        }
        print l
      }
    }
    print "---- TRACE flush"
    print ""
  }' "$work/base.dlog" >"$block"

block_bytes=$(wc -c <"$block")
per_file=$((size_mb * 1024 * 1024 / nfiles))
mkdir -p "$work/corpus"
i=0
while [ $i -lt "$nfiles" ]; do
  f="$work/corpus/part$i.dlog"
  : >"$f"
  written=0
  while [ $written -lt $per_file ]; do
    cat "$block" >>"$f"
    written=$((written + block_bytes))
  done
  i=$((i + 1))
done
total=$(cat "$work"/corpus/*.dlog | wc -c)
mb=$(echo "$total / 1048576" | bc -l)
cores=$(nproc)

# Times a command: wall seconds and CPU seconds (user + sys) into $wall and $cpu.
# Output goes to a file, not /dev/null: GNU grep stops at the first match when its output
# is /dev/null, which would not be a fair race.
measure() {
  /usr/bin/time -f "%e %U %S" -o "$work/time" "$@" >"$work/out"
  read -r wall user sys <"$work/time"
  cpu=$(echo "$user + $sys" | bc -l)
}
rate() { echo "scale=1; $mb / $1" | bc -l; }

# Warm the page cache once so every contender reads from memory.
cat "$work"/corpus/*.dlog >/dev/null

measure grep -c 'TRACE .* exit' "$work"/corpus/part*.dlog
grep_wall=$(rate "$wall"); grep_cpu=$(rate "$cpu")
measure "$skein" analyze -q -j1 --no-progress --csv=reasons "$work/corpus"
one_wall=$(rate "$wall"); one_cpu=$(rate "$cpu")
measure "$skein" analyze -q --no-progress --csv=reasons "$work/corpus"
all_wall=$(rate "$wall"); all_cpu=$(rate "$cpu")

echo "corpus: $(printf '%.0f' "$mb") MB in $nfiles files, $cores cores (MB/s by wall clock; by CPU time)"
echo "grep -c 'TRACE .* exit':     $grep_wall MB/s; $grep_cpu MB/s per CPU-second"
echo "skein analyze, 1 thread:     $one_wall MB/s; $one_cpu MB/s per CPU-second"
echo "skein analyze, $cores threads:    $all_wall MB/s; $all_cpu MB/s per CPU-second"
echo "grep / skein per core (CPU): $(echo "scale=2; $grep_cpu / $one_cpu" | bc -l)x"
