//! Fuzzes the front end: any byte string must compile or fail with a Lua-style error
//! (`chunk:line: message`), never panic; a successful compile must list without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match skein::front::compile(data, b"@fuzz.lua") {
        Ok(proto) => {
            let _ = skein::front::listing(&proto);
        }
        Err(e) => assert!(e.message.starts_with("fuzz.lua:"), "{}", e.message),
    }
});
