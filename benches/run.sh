#!/usr/bin/env bash
# benches/run.sh — run skein's benchmarks side by side with lua5.1 and LuaJIT.
#
# Every benchmark (benches/*.lua, or the ones named) runs under each available
# runtime, N times each, in one pass:
#
#   skein        target/release/skein (or $SKEIN); built with `cargo build
#                --release` if missing; skipped with a note if it cannot run Lua
#   skein-joff   skein -joff (only with --skein-joff)
#   lua5.1       PUC Lua 5.1
#   luajit-joff  luajit -joff (LuaJIT's interpreter)
#   luajit       luajit (interpreter + JIT)
#
# For each benchmark and runtime it reports the median wall time, checks that
# every run of every runtime printed the same output (a mismatch is reported
# loudly and makes the exit status 1), and prints ratios of the subject runtime
# (skein, or the first available runtime when skein is skipped) to each of the
# others, with the geometric mean of every ratio column.  With /usr/bin/time it
# also reports the median peak memory (max RSS) per runtime.
#
# Rules for whoever changes this script: plain bash + awk + coreutils only; keep
# the runs sequential (the machine is shared); keep the table columns stable
# (design/benchmarks.md documents them).
#
# Each benchmark's header has a line `-- Quick: ARG` giving the argument that
# --quick passes; a benchmark named as NAME:ARG on the command line runs with ARG.

set -u
export LC_ALL=C

usage() {
  cat <<'EOF'
usage: benches/run.sh [options] [bench[:arg] ...]

  -n N            repetitions per benchmark and runtime (default 3; 1 with --quick)
  --quick         small sizes from each file's `-- Quick:` line (a smoke test)
  --skein-joff    also run `skein -joff` (adds a skein-joff/luajit-joff column)
  --no-skein      do not run skein at all
  --only LIST     comma-separated runtimes to run (e.g. lua5.1,luajit)
  --build         run `cargo build --release` before measuring
  --no-mem        do not measure peak memory
  --timeout S     seconds before a single run is killed (default 600)
  --tsv FILE      also write raw results (bench, runtime, median s, median KB, status)
  --report FILE   print the tables from a --tsv file instead of running (repeatable;
                  for the same bench and runtime, rows from later files win)
  -h, --help      this text

  Environment: SKEIN=path overrides the skein binary.
  Benchmarks are names (fib), file names (fib.lua) or paths; NAME:ARG sets the size.
  Exit status: 0 if every runtime ran and agreed, 1 on any failure or mismatch.
EOF
}

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")

reps=""
quick=0
skein_joff=0
no_skein=0
only=""
build=0
mem=1
timeout_s=600
tsv=""
report_files=()
benches=()

while (($#)); do
  case $1 in
    -n) reps=${2:?-n needs a number}; shift 2 ;;
    -n*) reps=${1#-n}; shift ;;
    --quick) quick=1; shift ;;
    --skein-joff) skein_joff=1; shift ;;
    --no-skein) no_skein=1; shift ;;
    --only) only=${2:?--only needs a list}; shift 2 ;;
    --build) build=1; shift ;;
    --no-mem) mem=0; shift ;;
    --timeout) timeout_s=${2:?--timeout needs seconds}; shift 2 ;;
    --tsv) tsv=${2:?--tsv needs a file}; shift 2 ;;
    --report) report_files+=("${2:?--report needs a file}"); shift 2 ;;
    -h | --help) usage; exit 0 ;;
    -*) echo "run.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
    *) benches+=("$1"); shift ;;
  esac
done

if [[ -z $reps ]]; then
  if ((quick)); then reps=1; else reps=3; fi
fi
if ! [[ $reps =~ ^[1-9][0-9]*$ ]]; then
  echo "run.sh: -n wants a positive integer, got '$reps'" >&2
  exit 2
fi

note() { echo "note: $*" >&2; }

# --- reporting ----------------------------------------------------------------

report() { # $1 = column: 3 for time, 4 for memory; $2 = unit; $3 = 1 to print ratios
  awk -F'\t' -v col="$1" -v unit="$2" -v ratios="$3" -v subject="$subject" \
      -v names="${runtime_names[*]}" -v joff="$skein_joff" '
    BEGIN { nrt = split(names, rt, " ") }
    {
      if (!($1 in seen)) { seen[$1] = 1; order[++nb] = $1 }
      val[$1, $2] = $col
      st[$1, $2] = $5
    }
    function cell(b, r,   v) {
      v = val[b, r]
      if (st[b, r] == "FAIL") return "FAIL"
      if (v == "-" || v == "") return "-"
      v = (unit == "s") ? sprintf("%.3f", v) : sprintf("%.1f", v / 1024)
      if (st[b, r] == "MISMATCH") v = v "!"
      return v
    }
    function ok(b, r) { return st[b, r] == "ok" && val[b, r] != "-" && val[b, r] > 0 }
    END {
      # ratio columns: subject/other for every other runtime, plus skein-joff/luajit-joff
      nc = 0
      for (i = 1; i <= nrt; i++) if (rt[i] != subject && !(rt[i] == "skein-joff" && subject == "skein")) {
        nc++; num[nc] = subject; den[nc] = rt[i]
      }
      if (joff) for (i = 1; i <= nrt; i++) if (rt[i] == "luajit-joff") { nc++; num[nc] = "skein-joff"; den[nc] = "luajit-joff" }
      if (!ratios) nc = 0
      head = sprintf("%-22s", "benchmark")
      for (i = 1; i <= nrt; i++) head = head sprintf(" %12s", rt[i])
      for (c = 1; c <= nc; c++) {
        w[c] = length(num[c] "/" den[c]); if (w[c] < 8) w[c] = 8
        head = head sprintf(" %*s", w[c], num[c] "/" den[c])
      }
      print head
      line = head; gsub(/./, "-", line); print line
      for (k = 1; k <= nb; k++) {
        b = order[k]
        row = sprintf("%-22s", b)
        for (i = 1; i <= nrt; i++) row = row sprintf(" %12s", cell(b, rt[i]))
        for (c = 1; c <= nc; c++) {
          if (ok(b, num[c]) && ok(b, den[c])) {
            x = val[b, num[c]] / val[b, den[c]]
            row = row sprintf(" %*.2f", w[c], x)
            logsum[c] += log(x); cnt[c]++
          } else row = row sprintf(" %*s", w[c], "-")
        }
        print row
      }
      if (nc) {
        print line
        row = sprintf("%-22s", "geometric mean")
        for (i = 1; i <= nrt; i++) row = row sprintf(" %12s", "")
        for (c = 1; c <= nc; c++)
          row = row (cnt[c] ? sprintf(" %*.2f", w[c], exp(logsum[c] / cnt[c])) : sprintf(" %*s", w[c], "-"))
        print row
        partial = 0
        for (c = 1; c <= nc; c++) if (cnt[c] < nb) partial = 1
        if (partial) {
          row = sprintf("%-22s", "  (benchmarks counted)")
          for (i = 1; i <= nrt; i++) row = row sprintf(" %12s", "")
          for (c = 1; c <= nc; c++) row = row sprintf(" %*s", w[c], (cnt[c] + 0) "/" nb)
          print row
        }
      }
    }' "${results[@]}"
}

# Prints the time table (with ratios) and, when measured, the memory table.
# $1 = how the medians were taken, e.g. "of 3 run(s)".
print_report() {
  echo
  echo "median wall time (s) ${1}; ratios below 1 mean ${subject} is faster"
  report 3 s 1
  if ((have_time)); then
    echo
    echo "median peak memory (MB, max RSS)"
    report 4 KB 0
  fi
}

# --report: print the tables from earlier --tsv files (later rows win), no runs.
if ((${#report_files[@]})); then
  results=("${report_files[@]}")
  mapfile -t runtime_names < <(awk -F'\t' '!seen[$2]++ { print $2 }' "${results[@]}")
  subject=${runtime_names[0]}
  for rt in "${runtime_names[@]}"; do
    [[ $rt == skein ]] && subject=skein
    [[ $rt == skein-joff ]] && skein_joff=1
  done
  have_time=$(awk -F'\t' '$4 != "-" { found = 1 } END { print found + 0 }' "${results[@]}")
  print_report "(from ${results[*]})"
  exit 0
fi

# --- benchmarks ---------------------------------------------------------------

# Resolve each argument to "path<TAB>arg".
bench_list=()
if ((${#benches[@]} == 0)); then
  for f in "$here"/*.lua; do bench_list+=("$f"$'\t'); done
else
  for b in "${benches[@]}"; do
    name=${b%%:*}
    arg=""
    [[ $b == *:* ]] && arg=${b#*:}
    for candidate in "$name" "$here/$name" "$here/$name.lua"; do
      if [[ -f $candidate ]]; then
        bench_list+=("$candidate"$'\t'"$arg")
        continue 2
      fi
    done
    echo "run.sh: no benchmark '$name' (looked in $here)" >&2
    exit 2
  done
fi

# --- runtimes -----------------------------------------------------------------

runtime_names=()
runtime_cmds=()
wanted() { [[ -z $only ]] || [[ ,$only, == *,$1,* ]]; }
add_runtime() { runtime_names+=("$1"); runtime_cmds+=("$2"); }

skein_ok=0
if ((!no_skein)) && { wanted skein || wanted skein-joff; }; then
  skein=${SKEIN:-$root/target/release/skein}
  if [[ -z ${SKEIN:-} ]] && { ((build)) || [[ ! -x $skein ]]; }; then
    note "building skein: cargo build --release"
    if ! (cd "$root" && cargo build --release --quiet); then
      note "cargo build --release failed; skipping skein"
    fi
  fi
  if [[ ! -x $skein ]]; then
    note "no skein binary at $skein; skipping skein"
  else
    # Probe: can this skein run a small Lua program correctly?
    probe=$(mktemp --suffix=.lua)
    printf 'local t = {}\nfor i = 1, 10 do t[i] = i * 2 end\nprint("probe", #t, t[10] + 0.5)\n' >"$probe"
    got=$(timeout 20 "$skein" "$probe" 2>&1)
    rm -f "$probe"
    if [[ $got == $'probe\t10\t20.5' ]]; then
      skein_ok=1
    else
      note "skein cannot run Lua yet (probe printed: ${got:0:120}); skipping skein"
    fi
  fi
  if ((skein_ok)); then
    wanted skein && add_runtime skein "$skein"
    ((skein_joff)) && wanted skein-joff && add_runtime skein-joff "$skein -joff"
  fi
fi
if wanted lua5.1; then
  if command -v lua5.1 >/dev/null; then add_runtime lua5.1 lua5.1; else note "lua5.1 not installed; skipping"; fi
fi
if command -v luajit >/dev/null; then
  wanted luajit-joff && add_runtime luajit-joff "luajit -joff"
  wanted luajit && add_runtime luajit luajit
elif wanted luajit || wanted luajit-joff; then
  note "luajit not installed; skipping luajit and luajit-joff"
fi
if ((${#runtime_names[@]} == 0)); then
  echo "run.sh: no runtime available to run" >&2
  exit 1
fi

have_time=0
if ((mem)); then
  if [[ -x /usr/bin/time ]]; then
    have_time=1
  else
    note "/usr/bin/time not found (apt-get install time); peak memory not measured"
  fi
fi

# --- measuring ----------------------------------------------------------------

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
results=("$work/results.tsv") # rows: bench runtime median_s median_kb status
: >"${results[0]}"

now() { if [[ -n ${EPOCHREALTIME:-} ]]; then echo "$EPOCHREALTIME"; else date +%s.%N; fi; }

# median of the numbers given as arguments ("-" if none)
median() {
  (($#)) || { echo -; return; }
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 }
    END { if (NR == 0) { print "-"; exit }
          if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

failures=0
mismatches=0

echo "skein benchmarks: $reps run(s) each, runtimes: ${runtime_names[*]}" >&2
for entry in "${bench_list[@]}"; do
  file=${entry%%$'\t'*}
  arg=${entry#*$'\t'}
  name=$(basename "$file" .lua)
  if [[ -z $arg ]] && ((quick)); then
    arg=$(sed -n 's/^-- Quick: *\([^ ]*\).*/\1/p' "$file" | head -n 1)
    [[ -z $arg ]] && note "$name has no '-- Quick:' line; running at its default size"
  fi
  label=$name
  [[ -n $arg ]] && label="$name:$arg"
  args=()
  [[ -n $arg ]] && args=("$arg")

  # Phase 1: run every runtime, keeping its first output, medians and status.
  declare -A st=() med_t=() med_m=()
  for i in "${!runtime_names[@]}"; do
    rt=${runtime_names[$i]}
    read -ra cmd <<<"${runtime_cmds[$i]}"
    times=()
    rsss=()
    st[$rt]=ok
    first_out=$work/$name.$rt.out
    for ((r = 1; r <= reps; r++)); do
      out=$work/run.out
      err=$work/run.err
      t0=$(now)
      if ((have_time)); then
        timeout "$timeout_s" /usr/bin/time -f %M -o "$work/rss" "${cmd[@]}" "$file" "${args[@]}" >"$out" 2>"$err"
      else
        timeout "$timeout_s" "${cmd[@]}" "$file" "${args[@]}" >"$out" 2>"$err"
      fi
      code=$?
      t1=$(now)
      if ((code != 0)); then
        st[$rt]=FAIL
        echo "!! FAIL: $label under $rt: exit status $code$( ((code == 124)) && echo " (timeout ${timeout_s}s)")" >&2
        tail -n 5 "$err" | sed 's/^/!!   /' >&2
        break
      fi
      times+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }')")
      if ((have_time)); then rsss+=("$(tail -n 1 "$work/rss")"); fi
      if ((r == 1)); then
        cp "$out" "$first_out"
      elif ! cmp -s "$out" "$first_out"; then
        st[$rt]=MISMATCH
        echo "!! MISMATCH: $label under $rt printed different output on run $r" >&2
      fi
    done
    med_t[$rt]=$(median "${times[@]}")
    med_m[$rt]=$(median "${rsss[@]}")
    if [[ ${st[$rt]} == FAIL ]]; then med_t[$rt]=-; med_m[$rt]=-; fi
  done

  # Phase 2: compare outputs against the oracle (lua5.1 first, then LuaJIT),
  # so a mismatch is charged to the runtime that deviates.
  reference_rt=""
  for rt in lua5.1 luajit-joff luajit "${runtime_names[@]}"; do
    if [[ ${st[$rt]:-} == ok ]]; then reference_rt=$rt; break; fi
  done
  for rt in "${runtime_names[@]}"; do
    if [[ -n $reference_rt && ${st[$rt]} == ok && $rt != "$reference_rt" ]] &&
      ! cmp -s "$work/$name.$rt.out" "$work/$name.$reference_rt.out"; then
      st[$rt]=MISMATCH
      {
        echo "!! MISMATCH: $label under $rt printed different output from $reference_rt"
        diff "$work/$name.$reference_rt.out" "$work/$name.$rt.out" | head -n 10 | sed 's/^/!!   /'
      } >&2
    fi
    [[ ${st[$rt]} == FAIL ]] && failures=$((failures + 1))
    [[ ${st[$rt]} == MISMATCH ]] && mismatches=$((mismatches + 1))
    printf '%s\t%s\t%s\t%s\t%s\n' "$label" "$rt" "${med_t[$rt]}" "${med_m[$rt]}" "${st[$rt]}" >>"${results[0]}"
    printf '  %-22s %-12s %8s s  %s\n' "$label" "$rt" "${med_t[$rt]}" "${st[$rt]}" >&2
  done
  if [[ -n $reference_rt ]]; then
    printf '  %-22s %s\n' "$label" "$(tail -n 1 "$work/$name.$reference_rt.out")" >&2
  fi
  unset st med_t med_m
done

[[ -n $tsv ]] && cp "${results[0]}" "$tsv"

# --- report -------------------------------------------------------------------

subject=${runtime_names[0]}
((skein_ok)) || note "ratios are ${subject}/other because skein was skipped"
print_report "of $reps run(s)"

if ((failures || mismatches)); then
  echo
  echo "!!!! $failures failed run(s), $mismatches output MISMATCH(es) — see the !! lines above" >&2
  exit 1
fi
exit 0
