//! The `io` library: file handles as userdata over a [`LuaFile`], the standard streams,
//! default input/output, `io.lines`, `io.popen`, `io.tmpfile`.
//!
//! A [`LuaFile`] keeps its own read buffer and write buffer over a `std::fs::File` (or a
//! standard stream, or an in-memory pipe), so reads, writes and seeks can be mixed as
//! with C's `FILE*`: a write or seek first gives back unread buffered bytes (seeking
//! back), a read or seek first flushes pending writes. `io.stdout` writes through the
//! state's output (`Lua::out`) so it interleaves correctly with `print`.
//!
//! `io.popen(cmd, "r")` runs `sh -c cmd` to completion and reads its captured output;
//! `io.popen(cmd, "w")` collects what is written and feeds it to `sh -c cmd` on close.
//! (Simpler than a live pipe; both behave the same for programs that read or write
//! everything.) `"*n"` is the [`super::readnum`] engine (glibc's `fscanf("%lf")` rules).
//!
//! Errors follow Lua: operations return `nil, "name: strerror", errno`; misuse raises
//! ("attempt to use a closed file", "bad argument #1 to 'read' (invalid format)").
#![warn(missing_docs)]

use super::os::{push_io_error, strerror};
use super::{get_field, set_field};
use crate::vm::object::Builtin;
use crate::vm::value::Value;
use crate::vm::{Lua, LuaError, NativeFn, TabRef};
use std::io::{Read, Seek, SeekFrom, Write};

/// Where a handle's bytes come from / go to.
enum Stream {
    Stdin,
    Stdout,
    Stderr,
    Disk(std::fs::File),
    /// `popen(cmd, "r")`: the command's captured output.
    PipeRead(std::io::Cursor<Vec<u8>>),
    /// `popen(cmd, "w")`: the command, run on close with everything written as input.
    PipeWrite(String),
}

/// An open (or closed) Lua file handle: the payload of a file userdata.
pub struct LuaFile {
    stream: Option<Stream>,
    rbuf: Vec<u8>,
    rpos: usize,
    wbuf: Vec<u8>,
    unbuffered: bool,
    /// Opened for writing (C's stream mode; writes to a read-only file fail with EBADF).
    writable: bool,
}

impl LuaFile {
    fn new(s: Stream) -> LuaFile {
        LuaFile {
            writable: !matches!(s, Stream::Stdin | Stream::PipeRead(_)),
            stream: Some(s),
            rbuf: Vec::new(),
            rpos: 0,
            wbuf: Vec::new(),
            unbuffered: false,
        }
    }

    /// Whether the handle is closed.
    pub fn is_closed(&self) -> bool {
        self.stream.is_none()
    }

    fn is_std(&self) -> bool {
        matches!(
            self.stream,
            Some(Stream::Stdin | Stream::Stdout | Stream::Stderr)
        )
    }

    /// Reads more bytes into the read buffer; false at end of file.
    fn fill(&mut self) -> std::io::Result<bool> {
        self.flush_writes(None)?;
        if self.rpos > 0 {
            self.rbuf.drain(..self.rpos);
            self.rpos = 0;
        }
        let mut chunk = [0u8; 8192];
        let n = match self.stream.as_mut() {
            Some(Stream::Stdin) => std::io::stdin().read(&mut chunk)?,
            Some(Stream::Disk(f)) => f.read(&mut chunk)?,
            Some(Stream::PipeRead(c)) => c.read(&mut chunk)?,
            _ => return Err(std::io::Error::from_raw_os_error(9)),
        };
        self.rbuf.extend_from_slice(&chunk[..n]);
        Ok(n > 0)
    }

    fn peek(&mut self) -> std::io::Result<Option<u8>> {
        if self.rpos >= self.rbuf.len() && !self.fill()? {
            return Ok(None);
        }
        Ok(self.rbuf.get(self.rpos).copied())
    }

    fn read_line(&mut self, keep_newline: bool) -> std::io::Result<Option<Vec<u8>>> {
        let mut out = Vec::new();
        loop {
            if self.rpos >= self.rbuf.len() && !self.fill()? {
                return Ok(if out.is_empty() { None } else { Some(out) });
            }
            let avail = &self.rbuf[self.rpos..];
            if let Some(i) = avail.iter().position(|&c| c == b'\n') {
                out.extend_from_slice(&avail[..i]);
                if keep_newline {
                    out.push(b'\n');
                }
                self.rpos += i + 1;
                return Ok(Some(out));
            }
            out.extend_from_slice(avail);
            self.rpos = self.rbuf.len();
        }
    }

    fn read_all(&mut self) -> std::io::Result<Vec<u8>> {
        let mut out = Vec::new();
        loop {
            out.extend_from_slice(&self.rbuf[self.rpos..]);
            self.rpos = self.rbuf.len();
            if !self.fill()? {
                return Ok(out);
            }
        }
    }

    fn read_count(&mut self, n: usize) -> std::io::Result<Option<Vec<u8>>> {
        if n == 0 {
            return Ok(self.peek()?.map(|_| Vec::new()));
        }
        let mut out = Vec::new();
        while out.len() < n {
            if self.rpos >= self.rbuf.len() && !self.fill()? {
                break;
            }
            let take = (n - out.len()).min(self.rbuf.len() - self.rpos);
            out.extend_from_slice(&self.rbuf[self.rpos..self.rpos + take]);
            self.rpos += take;
        }
        Ok(if out.is_empty() { None } else { Some(out) })
    }

    fn read_number(&mut self) -> std::io::Result<Option<f64>> {
        let mut stream = FileStream {
            file: self,
            error: None,
        };
        let n = super::readnum::read_number(&mut stream);
        match stream.error {
            Some(e) => Err(e),
            None => Ok(n),
        }
    }

    /// Gives back unread buffered input (so the OS position matches the logical one).
    fn drop_read_buffer(&mut self) -> std::io::Result<()> {
        let unread = (self.rbuf.len() - self.rpos) as i64;
        self.rbuf.clear();
        self.rpos = 0;
        if unread > 0 {
            match self.stream.as_mut() {
                Some(Stream::Disk(f)) => {
                    f.seek(SeekFrom::Current(-unread))?;
                }
                Some(Stream::PipeRead(c)) => {
                    c.seek(SeekFrom::Current(-unread))?;
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// Writes pending output; standard output goes to `out` when given.
    fn flush_writes(&mut self, out: Option<&mut dyn Write>) -> std::io::Result<()> {
        if self.wbuf.is_empty() {
            return Ok(());
        }
        let data = std::mem::take(&mut self.wbuf);
        match self.stream.as_mut() {
            Some(Stream::Stdout) => match out {
                Some(o) => o.write_all(&data)?,
                None => std::io::stdout().write_all(&data)?,
            },
            Some(Stream::Stderr) => std::io::stderr().write_all(&data)?,
            Some(Stream::Disk(f)) => f.write_all(&data)?,
            Some(Stream::PipeWrite(_)) => {
                self.wbuf = data;
            }
            _ => return Err(std::io::Error::from_raw_os_error(9)),
        }
        Ok(())
    }

    fn write(&mut self, data: &[u8], out: &mut dyn Write) -> std::io::Result<()> {
        if !self.writable || matches!(self.stream, Some(Stream::Stdin | Stream::PipeRead(_))) {
            return Err(std::io::Error::from_raw_os_error(9));
        }
        self.drop_read_buffer()?;
        if matches!(self.stream, Some(Stream::Stdout)) {
            // Through the state's writer, which buffers on its own.
            out.write_all(data)?;
            if self.unbuffered {
                out.flush()?;
            }
            return Ok(());
        }
        self.wbuf.extend_from_slice(data);
        if self.unbuffered || self.wbuf.len() >= 8192 || matches!(self.stream, Some(Stream::Stderr))
        {
            self.flush_writes(Some(out))?;
        }
        Ok(())
    }

    fn seek(&mut self, whence: SeekFrom) -> std::io::Result<u64> {
        self.flush_writes(None)?;
        self.drop_read_buffer()?;
        match self.stream.as_mut() {
            Some(Stream::Disk(f)) => f.seek(whence),
            Some(Stream::PipeRead(c)) => c.seek(whence),
            _ => Err(std::io::Error::from_raw_os_error(29)),
        }
    }

    /// Closes the handle (runs a `popen(.., "w")` command).
    fn close(&mut self) -> std::io::Result<()> {
        let r = self.flush_writes(None);
        if let Some(Stream::PipeWrite(cmd)) = self.stream.take() {
            let mut child = std::process::Command::new("/bin/sh")
                .arg("-c")
                .arg(&cmd)
                .stdin(std::process::Stdio::piped())
                .spawn()?;
            if let Some(mut stdin) = child.stdin.take() {
                let _ = stdin.write_all(&self.wbuf);
            }
            child.wait()?;
            self.wbuf.clear();
        }
        r
    }
}

/// A [`super::readnum::ByteStream`] over a file's read buffer (I/O errors end the
/// stream and are reported afterwards).
struct FileStream<'a> {
    file: &'a mut LuaFile,
    error: Option<std::io::Error>,
}

impl super::readnum::ByteStream for FileStream<'_> {
    fn peek(&mut self) -> Option<u8> {
        if self.error.is_some() {
            return None;
        }
        match self.file.peek() {
            Ok(c) => c,
            Err(e) => {
                self.error = Some(e);
                None
            }
        }
    }
    fn bump(&mut self) {
        if self.file.rpos < self.file.rbuf.len() {
            self.file.rpos += 1;
        }
    }
}

impl Drop for LuaFile {
    fn drop(&mut self) {
        if !self.is_std() {
            let _ = self.close();
        }
    }
}

/// Installs the `io` table, the file metatable and the standard handles.
pub fn open(l: &mut Lua) {
    let io = super::new_lib(
        l,
        "io",
        &[
            ("close", io_close),
            ("flush", io_flush),
            ("input", io_input),
            ("output", io_output),
            ("lines", io_lines),
            ("open", io_open),
            ("popen", io_popen),
            ("read", io_read),
            ("write", io_write),
            ("tmpfile", io_tmpfile),
            ("type", io_type),
        ],
    );
    let methods = l.new_table(0, 8);
    super::set_fns(
        l,
        methods,
        &[
            ("close", f_close),
            ("flush", f_flush),
            ("lines", f_lines),
            ("read", f_read),
            ("write", f_write),
            ("seek", f_seek),
            ("setvbuf", f_setvbuf),
        ],
    );
    let mt = l.new_table(0, 4);
    set_field(l, mt, "__index", Value::tab(methods));
    super::set_fns(l, mt, &[("__tostring", f_tostring), ("__gc", f_gc)]);
    let reg = l.registry;
    set_field(l, reg, "FILE*", Value::tab(mt));
    for (name, s) in [
        ("stdin", Stream::Stdin),
        ("stdout", Stream::Stdout),
        ("stderr", Stream::Stderr),
    ] {
        let v = new_file(l, s);
        set_field(l, io, name, v);
        match name {
            "stdin" => set_field(l, reg, "_IO_input", v),
            "stdout" => set_field(l, reg, "_IO_output", v),
            _ => {}
        }
    }
}

fn file_meta(l: &mut Lua) -> Option<TabRef> {
    let reg = l.registry;
    get_field(l, reg, "FILE*").as_tab()
}

fn new_file(l: &mut Lua, s: Stream) -> Value {
    let u = l.new_udata(Some(Box::new(LuaFile::new(s))));
    u.get_mut().meta = file_meta(l);
    // Remember every handle (weakly) so `os.exit` can flush them as C's exit() does.
    let reg = l.registry;
    let all = match get_field(l, reg, "_IO_files").as_tab() {
        Some(t) => t,
        None => {
            let t = l.new_table(0, 4);
            let mt = l.new_table(0, 1);
            let mode = l.str_value(b"k");
            set_field(l, mt, "__mode", mode);
            t.get_mut().meta = Some(mt);
            set_field(l, reg, "_IO_files", Value::tab(t));
            t
        }
    };
    all.get_mut().set(Value::udata(u), Value::TRUE);
    Value::udata(u)
}

/// Flushes every open file's pending output (for `os.exit`, like C's `exit`).
pub fn flush_all(l: &mut Lua) {
    let reg = l.registry;
    let Some(all) = get_field(l, reg, "_IO_files").as_tab() else {
        return;
    };
    let mut pos = 0;
    let mut files = Vec::new();
    while let Some((next, k, _)) = all.entry_from(pos) {
        files.push(k);
        pos = next;
    }
    for v in files {
        if let Some(f) = as_file(l, v) {
            if !f.is_closed() && !matches!(f.stream, Some(Stream::PipeWrite(_))) {
                let _ = f.flush_writes(None);
            }
        }
    }
    l.flush_out();
}

/// The file handle in `v`, if it is one.
fn as_file(l: &mut Lua, v: Value) -> Option<&'static mut LuaFile> {
    let u = v.as_udata()?;
    let ud = u.get_mut();
    if ud.meta != file_meta(l) {
        return None;
    }
    ud.payload.as_mut()?.downcast_mut::<LuaFile>()
}

/// Argument `i` as a file handle (open or closed).
fn check_file_any(l: &mut Lua, i: usize) -> Result<&'static mut LuaFile, LuaError> {
    let v = l.arg(i);
    match as_file(l, v) {
        Some(f) => Ok(f),
        None => Err(l.type_error(i, "FILE*")),
    }
}

/// Argument `i` as an open file handle.
fn check_file(l: &mut Lua, i: usize) -> Result<&'static mut LuaFile, LuaError> {
    let f = check_file_any(l, i)?;
    if f.is_closed() {
        return Err(l.error_msg_level(1, "attempt to use a closed file"));
    }
    Ok(f)
}

fn default_file(l: &mut Lua, which: &str) -> Result<(Value, &'static mut LuaFile), LuaError> {
    let reg = l.registry;
    let v = get_field(l, reg, which);
    match as_file(l, v) {
        Some(f) if !f.is_closed() => Ok((v, f)),
        _ => {
            let what = if which == "_IO_input" {
                "input"
            } else {
                "output"
            };
            Err(l.error_msg_level(1, &format!("standard {what} file is closed")))
        }
    }
}

fn push_ok(l: &mut Lua, r: std::io::Result<()>) -> usize {
    match r {
        Ok(()) => {
            l.push(Value::bool(true));
            1
        }
        Err(e) => push_io_error(l, None, &e),
    }
}

fn close_file(l: &mut Lua, f: &mut LuaFile) -> usize {
    if f.is_std() {
        l.push(Value::NIL);
        l.push_str(b"cannot close standard file");
        return 2;
    }
    let r = f.close();
    f.stream = None;
    push_ok(l, r)
}

fn io_close(l: &mut Lua) -> Result<usize, LuaError> {
    if l.arg(1).is_nil() {
        let (_, f) = default_file(l, "_IO_output")?;
        return Ok(close_file(l, f));
    }
    let f = check_file(l, 1)?;
    Ok(close_file(l, f))
}

fn f_close(l: &mut Lua) -> Result<usize, LuaError> {
    let f = check_file(l, 1)?;
    Ok(close_file(l, f))
}

fn f_gc(l: &mut Lua) -> Result<usize, LuaError> {
    let v = l.arg(1);
    if let Some(f) = as_file(l, v) {
        if !f.is_closed() && !f.is_std() {
            let _ = f.close();
            f.stream = None;
        }
    }
    Ok(0)
}

fn flush_file(l: &mut Lua, f: &mut LuaFile) -> usize {
    let r = if matches!(f.stream, Some(Stream::Stdout)) {
        l.flush_out();
        Ok(())
    } else {
        f.flush_writes(None).and_then(|_| match f.stream.as_mut() {
            Some(Stream::Disk(d)) => d.flush(),
            _ => Ok(()),
        })
    };
    push_ok(l, r)
}

fn io_flush(l: &mut Lua) -> Result<usize, LuaError> {
    let (_, f) = default_file(l, "_IO_output")?;
    Ok(flush_file(l, f))
}

fn f_flush(l: &mut Lua) -> Result<usize, LuaError> {
    let f = check_file(l, 1)?;
    Ok(flush_file(l, f))
}

fn f_tostring(l: &mut Lua) -> Result<usize, LuaError> {
    let v = l.arg(1);
    let text = match as_file(l, v) {
        Some(f) if f.is_closed() => "file (closed)".to_string(),
        Some(_) => format!("file ({:#x})", v.0 & ((1 << 47) - 1)),
        None => return Err(l.type_error(1, "FILE*")),
    };
    l.push_str(text.as_bytes());
    Ok(1)
}

fn io_type(l: &mut Lua) -> Result<usize, LuaError> {
    l.check_any(1)?;
    let v = l.arg(1);
    match as_file(l, v) {
        Some(f) if f.is_closed() => l.push_str(b"closed file"),
        Some(_) => l.push_str(b"file"),
        None => l.push(Value::NIL),
    }
    Ok(1)
}

/// Parses an `io.open` mode: first char r/w/a, then `+` and `b` in any order.
fn open_options(mode: &[u8]) -> Option<std::fs::OpenOptions> {
    let mut o = std::fs::OpenOptions::new();
    let plus = mode.get(1..).is_some_and(|r| r.contains(&b'+'));
    match mode.first()? {
        b'r' => o.read(true).write(plus),
        b'w' => o.write(true).create(true).truncate(true).read(plus),
        b'a' => o.append(true).create(true).read(plus),
        _ => return None,
    };
    Some(o)
}

fn open_file(l: &mut Lua, name: &[u8], mode: &[u8]) -> Result<Value, std::io::Error> {
    let Some(o) = open_options(mode) else {
        return Err(std::io::Error::from_raw_os_error(22));
    };
    let f = o.open(String::from_utf8_lossy(name).as_ref())?;
    let v = new_file(l, Stream::Disk(f));
    if let Some(file) = as_file(l, v) {
        file.writable = mode.first() != Some(&b'r') || mode.contains(&b'+');
    }
    Ok(v)
}

fn io_open(l: &mut Lua) -> Result<usize, LuaError> {
    let name = l.check_str(1)?;
    let mode = if l.arg(2).is_nil() {
        b"r".to_vec()
    } else {
        l.check_str(2)?.as_bytes().to_vec()
    };
    match open_file(l, name.as_bytes(), &mode) {
        Ok(v) => {
            l.push(v);
            Ok(1)
        }
        Err(e) => Ok(push_io_error(l, Some(name.as_bytes()), &e)),
    }
}

fn io_popen(l: &mut Lua) -> Result<usize, LuaError> {
    let cmd = l.check_str(1)?.to_str_lossy();
    let mode = if l.arg(2).is_nil() {
        b"r".to_vec()
    } else {
        l.check_str(2)?.as_bytes().to_vec()
    };
    let stream = match mode.first() {
        Some(b'w') => Stream::PipeWrite(cmd),
        Some(b'r') => {
            l.flush_out();
            let out = std::process::Command::new("/bin/sh")
                .arg("-c")
                .arg(&cmd)
                .stderr(std::process::Stdio::inherit())
                .output();
            match out {
                Ok(o) => Stream::PipeRead(std::io::Cursor::new(o.stdout)),
                Err(e) => {
                    let name = cmd.into_bytes();
                    return Ok(push_io_error(l, Some(&name), &e));
                }
            }
        }
        _ => return Err(l.arg_error(2, "invalid mode")),
    };
    let v = new_file(l, stream);
    l.push(v);
    Ok(1)
}

fn io_tmpfile(l: &mut Lua) -> Result<usize, LuaError> {
    match super::os::make_temp_file() {
        Ok((name, f)) => {
            let _ = std::fs::remove_file(&name);
            let v = new_file(l, Stream::Disk(f));
            l.push(v);
            Ok(1)
        }
        Err(e) => Ok(push_io_error(l, None, &e)),
    }
}

/// `io.input` / `io.output`: get or set the default file.
fn set_default(l: &mut Lua, which: &str, mode: &[u8]) -> Result<usize, LuaError> {
    let reg = l.registry;
    let v = l.arg(1);
    if !v.is_nil() {
        let newv = if let Some(s) =
            v.as_str()
                .or_else(|| if v.is_num() { l.coerce_to_str(v) } else { None })
        {
            match open_file(l, s.as_bytes(), mode) {
                Ok(f) => f,
                Err(e) => {
                    let msg = format!("{}: {}", s.to_str_lossy(), strerror(&e));
                    return Err(l.arg_error(1, &msg));
                }
            }
        } else {
            check_file(l, 1)?;
            v
        };
        set_field(l, reg, which, newv);
    }
    let cur = get_field(l, reg, which);
    l.push(cur);
    Ok(1)
}

fn io_input(l: &mut Lua) -> Result<usize, LuaError> {
    set_default(l, "_IO_input", b"r")
}

fn io_output(l: &mut Lua) -> Result<usize, LuaError> {
    set_default(l, "_IO_output", b"w")
}

/// Reads with the formats from argument `first` on; pushes the results.
fn read_formats(l: &mut Lua, f: &mut LuaFile, first: usize) -> Result<usize, LuaError> {
    let formats: Vec<Value> = (first..=l.nargs()).map(|i| l.arg(i)).collect();
    read_with(l, f, &formats, first).map(|(n, _)| n)
}

/// Reads with `formats` (argument numbers start at `first` in messages); pushes the
/// results and returns their number and whether the first one is nil (end of file).
fn read_with(
    l: &mut Lua,
    f: &mut LuaFile,
    formats: &[Value],
    first: usize,
) -> Result<(usize, bool), LuaError> {
    if matches!(f.stream, Some(Stream::Stdin)) {
        // Show pending output (a prompt) before waiting for input.
        l.flush_out();
    }
    if formats.is_empty() {
        return Ok(match f.read_line(false) {
            Ok(Some(s)) => {
                l.push_str(&s);
                (1, false)
            }
            Ok(None) => {
                l.push(Value::NIL);
                (1, true)
            }
            Err(e) => (push_io_error(l, None, &e), true),
        });
    }
    let mut pushed = 0;
    for (k, &v) in formats.iter().enumerate() {
        let i = first + k;
        let r: std::io::Result<Option<Value>> = if let Some(k) = v.as_num() {
            f.read_count(k.max(0.0) as usize)
                .map(|o| o.map(|s| l.str_value(&s)))
        } else if let Some(s) = v.as_str() {
            let b = s.as_bytes();
            let b = b.strip_prefix(b"*").unwrap_or(b);
            match b.first() {
                Some(b'n') => f.read_number().map(|o| o.map(Value::num)),
                Some(b'l') => f.read_line(false).map(|o| o.map(|s| l.str_value(&s))),
                Some(b'L') => f.read_line(true).map(|o| o.map(|s| l.str_value(&s))),
                Some(b'a') => f.read_all().map(|s| Some(l.str_value(&s))),
                _ => return Err(l.arg_error(i, "invalid format")),
            }
        } else {
            return Err(l.arg_error(i, "invalid format"));
        };
        match r {
            Ok(Some(v)) => {
                l.push(v);
                pushed += 1;
            }
            Ok(None) => {
                l.push(Value::NIL);
                return Ok((pushed + 1, pushed == 0));
            }
            Err(e) => return Ok((push_io_error(l, None, &e), true)),
        }
    }
    Ok((pushed, false))
}

fn io_read(l: &mut Lua) -> Result<usize, LuaError> {
    let (_, f) = default_file(l, "_IO_input")?;
    read_formats(l, f, 1)
}

fn f_read(l: &mut Lua) -> Result<usize, LuaError> {
    let f = check_file(l, 1)?;
    read_formats(l, f, 2)
}

/// Writes arguments from `first` on; pushes the file (or the error triple).
fn write_args(l: &mut Lua, file: Value, f: &mut LuaFile, first: usize) -> Result<usize, LuaError> {
    for i in first..=l.nargs() {
        let v = l.arg(i);
        let bytes = if let Some(s) = v.as_str() {
            s.as_bytes().to_vec()
        } else if v.is_num() {
            l.tostring_raw(v)
        } else {
            return Err(l.type_error(i, "string"));
        };
        let r = {
            let out: &mut dyn Write = &mut *l.out;
            f.write(&bytes, out)
        };
        if let Err(e) = r {
            return Ok(push_io_error(l, None, &e));
        }
    }
    let _ = file;
    l.push(Value::bool(true));
    Ok(1)
}

fn io_write(l: &mut Lua) -> Result<usize, LuaError> {
    let (v, f) = default_file(l, "_IO_output")?;
    write_args(l, v, f, 1)
}

fn f_write(l: &mut Lua) -> Result<usize, LuaError> {
    let f = check_file(l, 1)?;
    let v = l.arg(1);
    write_args(l, v, f, 2)
}

fn f_seek(l: &mut Lua) -> Result<usize, LuaError> {
    let f = check_file(l, 1)?;
    let whence = if l.arg(2).is_nil() {
        b"cur".to_vec()
    } else {
        l.check_str(2)?.as_bytes().to_vec()
    };
    let off = l.opt_int(3, 0)?;
    let pos = match whence.as_slice() {
        b"set" => SeekFrom::Start(off.max(0) as u64),
        b"cur" => SeekFrom::Current(off),
        b"end" => SeekFrom::End(off),
        _ => {
            let msg = format!("invalid option '{}'", String::from_utf8_lossy(&whence));
            return Err(l.arg_error(2, &msg));
        }
    };
    if off < 0 && whence == b"set" {
        return Ok(push_io_error(
            l,
            None,
            &std::io::Error::from_raw_os_error(22),
        ));
    }
    match f.seek(pos) {
        Ok(p) => {
            l.push_num(p as f64);
            Ok(1)
        }
        Err(e) => Ok(push_io_error(l, None, &e)),
    }
}

fn f_setvbuf(l: &mut Lua) -> Result<usize, LuaError> {
    let f = check_file(l, 1)?;
    let mode = l.check_str(2)?;
    match mode.as_bytes() {
        b"no" => f.unbuffered = true,
        b"full" | b"line" => f.unbuffered = false,
        other => {
            let msg = format!("invalid option '{}'", String::from_utf8_lossy(other));
            return Err(l.arg_error(2, &msg));
        }
    }
    l.push(Value::bool(true));
    Ok(1)
}

/// A lines iterator over `file` reading `formats` (a line when empty), closing the
/// file at the end when `close` is set.
fn lines_iter(l: &mut Lua, file: Value, close: bool, formats: Vec<Value>) -> Value {
    let mut up = vec![file, Value::bool(close)];
    up.extend(formats);
    l.native_with("lines_aux", lines_aux as NativeFn, Builtin::None, up)
}

/// The formats given after the file name / file (`io.lines(name, ...)`).
fn extra_formats(l: &Lua, first: usize) -> Vec<Value> {
    (first..=l.nargs()).map(|i| l.arg(i)).collect()
}

fn lines_aux(l: &mut Lua) -> Result<usize, LuaError> {
    let up = l.native_upvals();
    let file = up.first().copied().unwrap_or(Value::NIL);
    let close = up.get(1).is_some_and(|v| v.truthy());
    let formats: Vec<Value> = up.get(2..).map(|f| f.to_vec()).unwrap_or_default();
    let Some(f) = as_file(l, file) else {
        return Ok(0);
    };
    if f.is_closed() {
        return Err(l.error_msg_level(1, "file is already closed"));
    }
    let (n, at_end) = read_with(l, f, &formats, 1)?;
    if close && at_end {
        let _ = f.close();
        f.stream = None;
    }
    Ok(n)
}

fn io_lines(l: &mut Lua) -> Result<usize, LuaError> {
    if l.arg(1).is_nil() {
        let (v, _) = default_file(l, "_IO_input")?;
        let it = lines_iter(l, v, false, Vec::new());
        l.push(it);
        return Ok(1);
    }
    let name = l.check_str(1)?;
    match open_file(l, name.as_bytes(), b"r") {
        Ok(v) => {
            let formats = extra_formats(l, 2);
            let it = lines_iter(l, v, true, formats);
            l.push(it);
            Ok(1)
        }
        Err(e) => {
            let msg = format!("{}: {}", name.to_str_lossy(), strerror(&e));
            Err(l.arg_error(1, &msg))
        }
    }
}

fn f_lines(l: &mut Lua) -> Result<usize, LuaError> {
    check_file(l, 1)?;
    let v = l.arg(1);
    let formats = extra_formats(l, 2);
    let it = lines_iter(l, v, false, formats);
    l.push(it);
    Ok(1)
}
