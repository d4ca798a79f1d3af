//! The heap and its stop-the-world mark-and-sweep garbage collector.
//!
//! Every object is a `Box` leaked into the object list [`Heap::objects`] (kind + address);
//! strings are additionally entered in a hashbrown intern table keyed by their precomputed
//! hash, so equal strings are one object and string equality is pointer equality.
//!
//! ## When collections happen
//!
//! Only at *safe points*: the interpreter checks the allocation debt (`Lua::gc_check`)
//! before TNEW, TDUP, FNEW and CAT and before calling a native function, and
//! `collectgarbage` collects explicitly. Allocation itself never collects, so Rust code may
//! hold fresh, unrooted references until it returns to the interpreter or calls into Lua.
//!
//! ## Roots
//!
//! The main thread and the running thread (their stacks up to the live top, which covers
//! every frame), the globals table, the registry, the basic-type metatables, the interned
//! metamethod names, and values pinned by Rust code in `Lua::pinned`. Slots above a
//! thread's live top are cleared to nil during marking so stale references are never
//! scanned later.
//!
//! ## Algorithm
//!
//! Mark with an explicit gray stack (no recursion). Tables whose metatable has `__mode`
//! are traversed without their weak parts (strings in them are still marked: strings are
//! values in Lua 5.1 and are never cleared from weak tables) and remembered. After marking,
//! weak entries pointing at unmarked objects are cleared; unmarked userdata with a `__gc`
//! metamethod are resurrected, marked, and queued; finalizers run after the sweep. Dead
//! threads have their open upvalues closed before anything is freed, live threads drop
//! dead open upvalues from their lists, dead strings leave the intern table, then the
//! sweep frees every unmarked object. The next collection starts when the estimated heap
//! size exceeds `live * pause / 100`.

use super::object::*;
use super::table::Table;
use super::value::Value;
use super::{Lua, MM};
use hashbrown::HashTable;
use std::cell::Cell;

thread_local! {
    /// Bytes allocated by table growth since the last check (tables cannot reach the heap).
    pub static GROWTH: Cell<usize> = const { Cell::new(0) };
}

/// Records `n` bytes of growth of an existing object.
#[inline]
pub fn note_growth(n: usize) {
    GROWTH.with(|g| g.set(g.get() + n));
}

/// The object store and collector parameters.
pub struct Heap {
    /// Every live object: kind and address.
    pub objects: Vec<(GcKind, usize)>,
    /// Interned strings.
    pub strings: HashTable<StrRef>,
    /// Estimated bytes in use.
    pub bytes: usize,
    /// Collect when `bytes` exceeds this.
    pub threshold: usize,
    /// Pause in percent (`setpause`).
    pub pause: usize,
    /// Step multiplier in percent (`setstepmul`; kept for the API, steps are full cycles).
    pub stepmul: usize,
    /// `collectgarbage("stop")` is in effect.
    pub stopped: bool,
    /// Userdata whose finalizers are due.
    pub to_finalize: Vec<UdRef>,
    /// Testing aid: collect at every `stress`-th safe point (0: off).
    pub stress: u32,
    /// Safe points seen since the last stress collection.
    pub stress_count: u32,
    /// Where the next prototype's block starts in the JIT's address space (see
    /// `ProtoObj::hot_addr`).
    pub next_proto_addr: u64,
    /// Hot-counter slots taken by the prototypes placed so far (bit per slot).
    pub hot_slots_used: u64,
}

impl Default for Heap {
    fn default() -> Self {
        Heap {
            objects: Vec::new(),
            strings: HashTable::new(),
            bytes: 0,
            threshold: 1 << 20,
            pause: 200,
            stepmul: 200,
            stopped: false,
            to_finalize: Vec::new(),
            stress: 0,
            stress_count: 0,
            next_proto_addr: PROTO_ADDR_BASE,
            hot_slots_used: 0,
        }
    }
}

/// First address of the JIT's prototype address space (any 4 KB-aligned value works).
const PROTO_ADDR_BASE: u64 = 0x4000_0000;

/// Hashes string bytes (once per string).
pub fn hash_bytes(s: &[u8]) -> u64 {
    let mut h: u64 = 0x9e37_79b9_7f4a_7c15 ^ s.len() as u64;
    let mut chunks = s.chunks_exact(8);
    for c in &mut chunks {
        let w = u64::from_le_bytes(c.try_into().unwrap_or([0; 8]));
        h = (h ^ w).wrapping_mul(0x5851_f42d_4c95_7f2d).rotate_left(29);
    }
    for &b in chunks.remainder() {
        h = (h ^ b as u64).wrapping_mul(0x1000_0000_01b3);
    }
    h ^= h >> 31;
    h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h ^ (h >> 29)
}

fn obj_size(kind: GcKind, addr: usize) -> usize {
    match kind {
        GcKind::Str => std::mem::size_of::<LStr>() + StrRef::from_addr(addr).data.len(),
        GcKind::Tab => TabRef::from_addr(addr).mem_size(),
        GcKind::Func => {
            std::mem::size_of::<Closure>()
                + match &FnRef::from_addr(addr).kind {
                    FuncKind::Lua { upvals, .. } => upvals.len() * 8,
                    FuncKind::Native { upvals, .. } => upvals.len() * 8,
                }
        }
        GcKind::Upval => std::mem::size_of::<UpVal>(),
        GcKind::Udata => std::mem::size_of::<Udata>(),
        GcKind::Thread => {
            let t = ThreadRef::from_addr(addr);
            std::mem::size_of::<Thread>() + t.stack.capacity() * 8 + t.frames.capacity() * 24
        }
        GcKind::Proto => {
            let p = ProtoRef::from_addr(addr);
            std::mem::size_of::<ProtoObj>() + p.bc.len() * 8 + p.kgc.len() * 8
        }
    }
}

/// Frees one object.
///
/// # Safety
/// `addr` must be an object of `kind` from the object list that nothing references.
unsafe fn free_object(kind: GcKind, addr: usize) {
    // SAFETY: every object was created by `Box::into_raw` of its concrete type.
    unsafe {
        match kind {
            GcKind::Str => drop(Box::from_raw(addr as *mut LStr)),
            GcKind::Tab => drop(Box::from_raw(addr as *mut Table)),
            GcKind::Func => drop(Box::from_raw(addr as *mut Closure)),
            GcKind::Upval => drop(Box::from_raw(addr as *mut UpVal)),
            GcKind::Udata => drop(Box::from_raw(addr as *mut Udata)),
            GcKind::Thread => drop(Box::from_raw(addr as *mut Thread)),
            GcKind::Proto => drop(Box::from_raw(addr as *mut ProtoObj)),
        }
    }
}

fn header(addr: usize) -> &'static mut GcHeader {
    // SAFETY: every object is `#[repr(C)]` with the header first, and is live.
    unsafe { &mut *(addr as *mut GcHeader) }
}

impl Drop for Heap {
    fn drop(&mut self) {
        for &(kind, addr) in &self.objects {
            // SAFETY: the heap owns every object and is going away with the state.
            unsafe { free_object(kind, addr) };
        }
    }
}

impl Lua {
    fn register_obj(&mut self, kind: GcKind, addr: usize, size: usize) {
        self.heap.objects.push((kind, addr));
        self.heap.bytes += size;
    }

    /// Interns a string.
    pub fn intern(&mut self, s: &[u8]) -> StrRef {
        let h = hash_bytes(s);
        if let Some(&r) = self.heap.strings.find(h, |r| r.hash == h && &*r.data == s) {
            return r;
        }
        let obj = Box::new(LStr {
            hdr: GcHeader::new(GcKind::Str),
            hash: h,
            data: s.into(),
        });
        let r = StrRef::from_ptr(Box::into_raw(obj));
        self.heap.strings.insert_unique(h, r, |r| r.hash);
        self.register_obj(GcKind::Str, r.addr(), std::mem::size_of::<LStr>() + s.len());
        r
    }

    /// Interns a string and returns it as a value.
    pub fn str_value(&mut self, s: &[u8]) -> Value {
        Value::str(self.intern(s))
    }

    /// Allocates a table.
    pub fn new_table(&mut self, narray: usize, nhash: usize) -> TabRef {
        self.adopt_table(Table::new(narray, nhash))
    }

    /// Moves a table into the heap.
    pub fn adopt_table(&mut self, t: Table) -> TabRef {
        let size = t.mem_size();
        let r = TabRef::from_ptr(Box::into_raw(Box::new(t)));
        self.register_obj(GcKind::Tab, r.addr(), size);
        r
    }

    /// Allocates a closure.
    pub fn new_closure(&mut self, env: TabRef, kind: FuncKind) -> FnRef {
        let n = match &kind {
            FuncKind::Lua { upvals, .. } => upvals.len(),
            FuncKind::Native { upvals, .. } => upvals.len(),
        };
        let c = Closure {
            hdr: GcHeader::new(GcKind::Func),
            env,
            kind,
        };
        let r = FnRef::from_ptr(Box::into_raw(Box::new(c)));
        self.register_obj(
            GcKind::Func,
            r.addr(),
            std::mem::size_of::<Closure>() + n * 8,
        );
        r
    }

    /// Allocates an open upvalue for stack slot `slot` of the running thread.
    pub fn new_upval(&mut self, slot: usize) -> UpRef {
        let th = self.cur;
        let u = UpVal {
            hdr: GcHeader::new(GcKind::Upval),
            v: std::ptr::null_mut(),
            closed: Value::NIL,
            slot,
            open: true,
        };
        let r = UpRef::from_ptr(Box::into_raw(Box::new(u)));
        r.get_mut().v = th.get_mut().stack.as_mut_ptr().wrapping_add(slot);
        self.register_obj(GcKind::Upval, r.addr(), std::mem::size_of::<UpVal>());
        r
    }

    /// Allocates a closed upvalue holding `v`.
    pub fn new_closed_upval(&mut self, v: Value) -> UpRef {
        let u = UpVal {
            hdr: GcHeader::new(GcKind::Upval),
            v: std::ptr::null_mut(),
            closed: v,
            slot: 0,
            open: false,
        };
        let r = UpRef::from_ptr(Box::into_raw(Box::new(u)));
        r.get_mut().v = &mut r.get_mut().closed;
        self.register_obj(GcKind::Upval, r.addr(), std::mem::size_of::<UpVal>());
        r
    }

    /// Allocates a userdata.
    pub fn new_udata(&mut self, payload: Option<Box<dyn std::any::Any>>) -> UdRef {
        let u = Udata {
            hdr: GcHeader::new(GcKind::Udata),
            meta: None,
            env: None,
            payload,
        };
        let r = UdRef::from_ptr(Box::into_raw(Box::new(u)));
        self.register_obj(GcKind::Udata, r.addr(), std::mem::size_of::<Udata>());
        r
    }

    /// Allocates a coroutine with an empty stack.
    pub fn new_thread(&mut self) -> ThreadRef {
        let t = Thread {
            hdr: GcHeader::new(GcKind::Thread),
            stack: vec![Value::NIL; 64],
            frames: Vec::new(),
            top: 0,
            open_upvals: Vec::new(),
            status: CoStatus::Suspended,
            multres: 0,
            fresh: true,
            ljstack: Default::default(),
        };
        let r = ThreadRef::from_ptr(Box::into_raw(Box::new(t)));
        self.register_obj(
            GcKind::Thread,
            r.addr(),
            std::mem::size_of::<Thread>() + 512,
        );
        r
    }

    /// Moves a prototype into the heap.
    pub fn adopt_proto(&mut self, p: ProtoObj) -> ProtoRef {
        let size = std::mem::size_of::<ProtoObj>() + p.bc.len() * 8;
        let r = ProtoRef::from_ptr(Box::into_raw(Box::new(p)));
        self.register_obj(GcKind::Proto, r.addr(), size);
        r
    }

    /// Runs a collection if the allocation debt is due (a safe point).
    #[inline]
    pub fn gc_check(&mut self) {
        if self.heap.bytes + GROWTH.with(Cell::get) > self.heap.threshold || self.heap.stress != 0 {
            self.gc_due();
        }
    }

    #[cold]
    fn gc_due(&mut self) {
        let grown = GROWTH.with(|g| g.replace(0));
        self.heap.bytes += grown;
        if !self.heap.stopped {
            if self.heap.stress != 0 {
                if self.in_gc {
                    return;
                }
                self.heap.stress_count += 1;
                if self.heap.stress_count < self.heap.stress
                    && self.heap.bytes <= self.heap.threshold
                {
                    return;
                }
                self.heap.stress_count = 0;
            }
            self.in_gc = true;
            self.full_gc();
            self.in_gc = false;
        } else {
            self.heap.threshold = self.heap.bytes + (1 << 20);
        }
    }

    /// Estimated heap size in bytes.
    pub fn gc_bytes(&self) -> usize {
        self.heap.bytes + GROWTH.with(|g| g.get())
    }

    /// Runs a full collection cycle, then any due finalizers.
    pub fn full_gc(&mut self) {
        let mut m = Marker {
            gray: Vec::new(),
            weak: Vec::new(),
        };
        // Roots.
        m.mark(Value::thread(self.main));
        m.mark(Value::thread(self.cur));
        m.mark(Value::tab(self.globals));
        m.mark(Value::tab(self.registry));
        for t in self.type_meta.iter().flatten() {
            m.mark(Value::tab(*t));
        }
        for s in self.mm.iter() {
            m.mark(Value::str(*s));
        }
        for v in self.pinned.iter() {
            m.mark(*v);
        }
        for u in self.heap.to_finalize.iter() {
            m.mark(Value::udata(*u));
        }
        m.propagate(self);
        // Weak tables: clear references to unmarked objects.
        for t in std::mem::take(&mut m.weak) {
            let (wk, wv) = weak_mode(self, t);
            t.get_mut()
                .clear_entries(|k, v| (wk && !is_alive(k)) || (wv && !is_alive(v)));
        }
        // Finalizers: resurrect unmarked userdata with __gc.
        let gc_name = self.mm[MM::Gc as usize];
        let mut newly = Vec::new();
        for &(kind, addr) in &self.heap.objects {
            if kind == GcKind::Udata && !header(addr).marked && !header(addr).finalized {
                let u = UdRef::from_addr(addr);
                if let Some(mt) = u.meta {
                    if !mt.get_str(gc_name).is_nil() {
                        newly.push(u);
                    }
                }
            }
        }
        for &u in &newly {
            header(u.addr()).finalized = true;
            m.mark(Value::udata(u));
        }
        m.propagate(self);
        self.heap.to_finalize.extend(newly);
        self.sweep();
        self.heap.threshold = (self.heap.bytes / 100)
            .saturating_mul(self.heap.pause)
            .max(1 << 20);
        GROWTH.with(|g| g.set(0));
        self.run_finalizers();
    }

    fn sweep(&mut self) {
        // Close the open upvalues of dead threads while everything is still allocated,
        // and drop dead upvalues from the lists of live threads.
        for &(kind, addr) in &self.heap.objects {
            if kind != GcKind::Thread {
                continue;
            }
            let th = ThreadRef::from_addr(addr);
            if header(addr).marked {
                th.get_mut().open_upvals.retain(|u| u.hdr.marked);
            } else {
                for u in th.get_mut().open_upvals.drain(..) {
                    if u.hdr.marked {
                        let uv = u.get_mut();
                        uv.closed = uv.get();
                        uv.v = &mut uv.closed;
                        uv.open = false;
                    }
                }
            }
        }
        self.heap.strings.retain(|s| header(s.addr()).marked);
        let mut bytes = 0;
        self.heap.objects.retain(|&(kind, addr)| {
            let h = header(addr);
            if h.marked {
                h.marked = false;
                bytes += obj_size(kind, addr);
                true
            } else {
                // SAFETY: unmarked objects are unreachable from every root.
                unsafe { free_object(kind, addr) };
                false
            }
        });
        self.heap.bytes = bytes;
    }

    fn run_finalizers(&mut self) {
        while let Some(u) = self.heap.to_finalize.pop() {
            let gc_name = self.mm[MM::Gc as usize];
            if let Some(mt) = u.meta {
                let f = mt.get_str(gc_name);
                if !f.is_nil() {
                    // Errors in finalizers are ignored, as in Lua 5.1's lua_close path.
                    let _ = self.call_value(f, &[Value::udata(u)], 0);
                }
            }
        }
    }
}

fn is_alive(v: Value) -> bool {
    match v.gc_object() {
        Some((_, addr)) => header(addr).marked,
        None => true,
    }
}

fn weak_mode(l: &Lua, t: TabRef) -> (bool, bool) {
    let Some(mt) = t.meta else {
        return (false, false);
    };
    let mode = mt.get_str(l.mm[MM::Mode as usize]);
    match mode.as_str() {
        Some(s) => (s.as_bytes().contains(&b'k'), s.as_bytes().contains(&b'v')),
        None => (false, false),
    }
}

struct Marker {
    gray: Vec<(GcKind, usize)>,
    weak: Vec<TabRef>,
}

impl Marker {
    #[inline]
    fn mark(&mut self, v: Value) {
        if let Some((kind, addr)) = v.gc_object() {
            self.mark_obj(kind, addr);
        }
    }

    #[inline]
    fn mark_obj(&mut self, kind: GcKind, addr: usize) {
        let h = header(addr);
        if !h.marked {
            h.marked = true;
            if kind != GcKind::Str {
                self.gray.push((kind, addr));
            }
        }
    }

    fn propagate(&mut self, l: &Lua) {
        while let Some((kind, addr)) = self.gray.pop() {
            match kind {
                GcKind::Str => {}
                GcKind::Tab => {
                    let t = TabRef::from_addr(addr);
                    let (wk, wv) = weak_mode(l, t);
                    if let Some(mt) = t.meta {
                        self.mark(Value::tab(mt));
                    }
                    if wk || wv {
                        self.weak.push(t);
                    }
                    for v in t.array.iter() {
                        if !wv || v.is_str() {
                            self.mark(*v);
                        }
                    }
                    for n in t.nodes.iter() {
                        if n.val.is_nil() {
                            // Dead keys keep their node but need not stay alive; they are
                            // compared by identity only, so a stale address is harmless
                            // until the node is rebuilt. Keep strings alive for safety.
                            if n.key.is_str() {
                                self.mark(n.key);
                            }
                            continue;
                        }
                        if !wk || n.key.is_str() {
                            self.mark(n.key);
                        }
                        if !wv || n.val.is_str() {
                            self.mark(n.val);
                        }
                    }
                }
                GcKind::Func => {
                    let f = FnRef::from_addr(addr);
                    self.mark(Value::tab(f.env));
                    match &f.kind {
                        FuncKind::Lua { proto, upvals } => {
                            self.mark(Value::proto(*proto));
                            for u in upvals.iter() {
                                self.mark_obj(GcKind::Upval, u.addr());
                            }
                        }
                        FuncKind::Native { upvals, .. } => {
                            for v in upvals.iter() {
                                self.mark(*v);
                            }
                        }
                    }
                }
                GcKind::Upval => {
                    let u = UpRef::from_addr(addr);
                    self.mark(u.get());
                }
                GcKind::Udata => {
                    let u = UdRef::from_addr(addr);
                    if let Some(mt) = u.meta {
                        self.mark(Value::tab(mt));
                    }
                    if let Some(e) = u.env {
                        self.mark(Value::tab(e));
                    }
                }
                GcKind::Thread => {
                    let th = ThreadRef::from_addr(addr).get_mut();
                    let top = live_top(th);
                    th.ljstack.shrink(top);
                    for v in &th.stack[..top] {
                        self.mark(*v);
                    }
                    for v in &mut th.stack[top..] {
                        *v = Value::NIL;
                    }
                    // Open upvalues stay alive only if a closure references them; the
                    // sweep drops dead ones from `open_upvals`.
                }
                GcKind::Proto => {
                    let p = ProtoRef::from_addr(addr);
                    for v in p.kgc.iter() {
                        self.mark(*v);
                    }
                }
            }
        }
    }
}

/// The first slot above everything live on a thread's stack: the extent of the innermost
/// frame (frames nest upwards, so every outer frame's live slots lie below it). Stale
/// slots above a caller's call slot are not live and get cleared.
pub fn live_top(th: &Thread) -> usize {
    let top = match th.frames.last() {
        None => th.top,
        Some(f) if f.kind == FrameKind::Native => f.top as usize,
        Some(f) => {
            let func = th.stack[f.base as usize - 2];
            match func.as_func().map(|c| c.kind()) {
                Some(FuncKind::Lua { proto, .. }) => f.base as usize + proto.framesize as usize,
                _ => f.base as usize,
            }
        }
    };
    top.min(th.stack.len())
}
