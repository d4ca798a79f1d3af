//! Lexer and parser emitting LuaJIT 2.1 bytecode.
