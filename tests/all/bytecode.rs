//! The bytecode table against LuaJIT's facts.

use skein::bc::{Op, NUM_OPS};

#[test]
fn opcode_count_and_landmarks() {
    assert_eq!(NUM_OPS, 97);
    assert_eq!(Op::FNEW as u8, 51);
    assert_eq!(Op::from_name("FUNCCW").map(|o| o as u8), Some(96));
}
