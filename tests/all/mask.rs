//! Masking what differs between runs and VMs in trace dumps, shared by the modules that
//! compare dumps with LuaJIT's.

/// Replaces every address (`0x` and lowercase hex digits) with `0xADDR`.
pub fn addrs(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'0' && b.get(i + 1) == Some(&b'x') {
            let mut j = i + 2;
            while j < b.len() && (b[j].is_ascii_digit() || (b'a'..=b'f').contains(&b[j])) {
                j += 1;
            }
            if j > i + 2 {
                out.push_str("0xADDR");
                i = j;
                continue;
            }
        }
        out.push(b[i] as char);
        i += 1;
    }
    out
}

/// Replaces `HREFK`'s `@slot` (each VM's own hash-node index) with `@0`.
pub fn slots(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'@' && b.get(i + 1).is_some_and(u8::is_ascii_digit) {
            let mut j = i + 1;
            while j < b.len() && b[j].is_ascii_digit() {
                j += 1;
            }
            out.push_str("@0");
            i = j;
            continue;
        }
        out.push(b[i] as char);
        i += 1;
    }
    out
}

#[test]
fn masks_addresses_and_slots() {
    assert_eq!(addrs("[0x7f12ab] 0x 0xZ"), "[0xADDR] 0x 0xZ");
    assert_eq!(slots("HREFK 0009 \"x\" @12 a@b"), "HREFK 0009 \"x\" @0 a@b");
}
