#!/bin/sh
# Regenerates the stdlib engine golden files from the LuaJIT 2.1 oracle (interpreter only).
# Dates are generated in UTC (TZ unset, /etc/localtime = UTC); date_tz.txt under several zones.
set -e
cd "$(dirname "$0")"
for g in gen_*.lua; do
  name=${g#gen_}; name=${name%.lua}
  [ "$name" = date_tz ] && continue
  TZ= luajit -joff "$g" > "$name.txt"
done
: > date_tz.txt
for tz in UTC America/New_York Europe/Berlin Australia/Lord_Howe Asia/Kolkata America/Sao_Paulo \
          EST5EDT,M3.2.0,M11.1.0 "<+03>-3" JST-9 "AEST-10AEDT,M10.1.0,M4.1.0/3" "NZST-12NZDT,M9.5.0,M4.1.0/3" UTC0 ""; do
  TZ=$tz luajit -joff gen_date_tz.lua "$tz" >> date_tz.txt
done
