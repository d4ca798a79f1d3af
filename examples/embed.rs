//! Embedding skein in a Rust program: a Rust function and a Rust struct (a userdata with
//! methods and a `__tostring` metamethod) exposed to Lua, a Lua function called back
//! from Rust, and a Lua error turned into a `skein::Error`.
//!
//! Run with `cargo run --example embed`. `tests/all/embed.rs` runs [`run`] too.

use skein::embed::{UserData, UserDataMethods};
use skein::{Function, Lua, Result, Table};

/// A Rust value that Lua scripts manipulate through methods.
pub struct Counter {
    name: String,
    count: i64,
}

impl UserData for Counter {
    fn add_methods<M: UserDataMethods<Self>>(methods: &mut M) {
        methods.add_method_mut("add", |_, c, n: i64| {
            c.count += n;
            Ok(c.count)
        });
        methods.add_method("get", |_, c, ()| Ok(c.count));
        methods.add_meta_method("__tostring", |_, c, ()| {
            Ok(format!("Counter({}, {})", c.name, c.count))
        });
    }
}

/// Runs the example against `lua`; returns the lines it would print.
pub fn run(lua: &Lua) -> Result<Vec<String>> {
    let mut lines = Vec::new();
    let globals = lua.globals();

    // A Rust function callable from Lua (two numbers in, one number out).
    globals.set(
        "hypot",
        lua.create_function(|_, (a, b): (f64, f64)| Ok((a * a + b * b).sqrt()))?,
    )?;
    // A constructor for the Rust struct.
    globals.set(
        "new_counter",
        lua.create_function(|lua, name: String| lua.create_userdata(Counter { name, count: 0 }))?,
    )?;

    lua.load(
        r#"
        c = new_counter("clicks")
        c:add(2)
        c:add(3)
        summary = tostring(c) .. " hypot=" .. hypot(3, 4)
        function apply_twice(f, x) return f(f(x)) end
        "#,
    )
    .set_name("=example")
    .exec()?;
    lines.push(globals.get::<_, String>("summary")?);

    // Read the userdata back on the Rust side.
    let counter: skein::embed::AnyUserData = globals.get("c")?;
    lines.push(format!(
        "count seen from Rust: {}",
        counter.borrow::<Counter>()?.count
    ));

    // Call back into Lua, handing it a Rust closure.
    let apply: Function = globals.get("apply_twice")?;
    let add_ten = lua.create_function(|_, x: i64| Ok(x + 10))?;
    let r: i64 = apply.call((add_ten, 1))?;
    lines.push(format!("apply_twice(add_ten, 1) = {r}"));

    // Tables both ways.
    let t: Table = lua.load("return {10, 20, 30}").eval()?;
    let v: Vec<i64> = t.sequence_values()?;
    lines.push(format!("sequence from Lua: {v:?}"));

    // A Lua error becomes a skein::Error with the Lua message.
    let err = lua
        .load("error('boom')")
        .set_name("=example")
        .exec()
        .unwrap_err();
    lines.push(format!("error: {err}"));
    Ok(lines)
}

fn main() {
    let lua = Lua::new();
    match run(&lua) {
        Ok(lines) => {
            for l in lines {
                println!("{l}");
            }
        }
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    }
}
