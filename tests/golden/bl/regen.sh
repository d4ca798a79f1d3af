#!/bin/sh
# Regenerates the `luajit -bl` golden listings used by tests/all/front.rs.
# Each source is listed from its own directory so the chunk name is the bare file name
# (`@t1.lua`), exactly as the test compiles it. Errors are stored as LuaJIT prints them
# ("luajit: t.lua:1: ..."), which the test compares with CompileError::message.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
gen() { # dir file out
    (cd "$1" && luajit -bl "$2" >"$3" 2>&1) || true
}
mkdir -p "$here/seed" "$here/benches" "$here/scripts"
for d in /work/shared/conformance/seed/*/; do
    [ -f "$d/t1.lua" ] && gen "$d" t1.lua "$here/seed/$(basename "$d").bl"
done
for f in "$root"/benches/*.lua; do
    [ -f "$f" ] && gen "$root/benches" "$(basename "$f")" "$here/benches/$(basename "$f" .lua).bl"
done
if [ -d "$root/tests/scripts" ]; then
    find "$root/tests/scripts" -name '*.lua' | while read -r f; do
        rel=${f#"$root/tests/scripts/"}
        gen "$(dirname "$f")" "$(basename "$f")" "$here/scripts/$(echo "$rel" | sed 's|/|__|g; s|\.lua$||').bl"
    done
fi
for f in "$here"/snippets/*.lua; do
    gen "$here/snippets" "$(basename "$f")" "$here/snippets/$(basename "$f" .lua).bl"
done
