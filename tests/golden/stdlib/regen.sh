#!/bin/sh
# Regenerates the stdlib engine golden files from the LuaJIT 2.1 oracle (interpreter only).
set -e
cd "$(dirname "$0")"
for g in gen_*.lua; do
  name=${g#gen_}; name=${name%.lua}
  luajit -joff "$g" > "$name.txt"
done
