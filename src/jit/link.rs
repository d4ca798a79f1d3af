//! How a trace ends: LuaJIT 2.1's link types.
//!
//! Every finished trace links somewhere: back to itself (`loop`, `tail-recursion`,
//! `up-recursion`, `down-recursion`), to another root trace, back to the interpreter, to a
//! return, or to a stitch continuation. jit.v prints the name after the trace's start
//! location (`[TRACE   1 t1.lua:19 loop]`); a link to another trace prints `-> N`.

macro_rules! linkdef {
    ($( $name:ident = $text:literal ; )*) => {
        /// A trace's link type, in LuaJIT's numbering (`LJ_TRLINK_*`).
        #[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[repr(u8)]
        pub enum LinkType { $( #[doc = concat!("Link type `", $text, "`.")] $name, )* }

        /// Every link type in numbering order.
        pub const ALL_LINK_TYPES: &[LinkType] = &[ $( LinkType::$name, )* ];

        const LINK_NAMES: &[&str] = &[ $( $text, )* ];
    };
}

linkdef! {
    None = "none";
    Root = "root";
    Loop = "loop";
    TailRecursion = "tail-recursion";
    UpRecursion = "up-recursion";
    DownRecursion = "down-recursion";
    Interpreter = "interpreter";
    Return = "return";
    Stitch = "stitch";
}

impl LinkType {
    /// The name jit.util.traceinfo and jit.v use (`"tail-recursion"`).
    pub fn name(self) -> &'static str {
        LINK_NAMES[self as usize]
    }

    /// The link type called `name`.
    pub fn from_name(name: &str) -> Option<LinkType> {
        LINK_NAMES
            .iter()
            .position(|n| *n == name)
            .map(|i| ALL_LINK_TYPES[i])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for &l in ALL_LINK_TYPES {
            assert_eq!(LinkType::from_name(l.name()), Some(l));
        }
        assert_eq!(LinkType::Stitch as u8, 8);
    }
}
