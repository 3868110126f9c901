//! Provision scripts run in an embedded JavaScript engine (QuickJS, through `rquickjs`),
//! with the globals GenieACS's sandbox gives them: `declare` (answering what GenieACS then
//! holds: `.value` as `[value, type]`, `.path`, `.size`, `.writable`, iteration over the
//! matched nodes), `clear`, `commit`, `log`, `ext`, `args`, a `Date` whose `now()` is the
//! session's time (and `Date.now(interval)` its last interval boundary), and a
//! `Math.random` seeded by the device id. Scripts are wrapped as GenieACS wraps them
//! (`"use strict"` in a function) and stopped after 50 ms as GenieACS stops them.
//!
//! One difference by design: GenieACS runs a script again and again until its declared
//! values have been fetched from the router, which the sandbox can read at once, so a
//! script runs once per session and `declare` answers with the router's values.
//!
//! QuickJS rather than `boa_engine`: a small C engine compiled once, fast to start (one
//! engine serves every session of a fleet advance) and fast enough to run a 20,000-router
//! fleet's informs, where a pure-Rust engine would cost far more build time here.

use super::Fault;
use crate::device::{Changes, SimDevice};
use rquickjs::{context::EvalOptions, Context, Ctx, Function, Object, Runtime};
use serde_json::{json, Value};
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;
use std::time::{Duration, Instant};

/// How long a script may run, as GenieACS allows.
const TIMEOUT: Duration = Duration::from_millis(50);

/// The globals GenieACS gives a provision, written over the host functions in `__acs`.
const PRELUDE: &str = r#"
(function (h) {
  "use strict";
  const RealDate = Date;
  function wrap(list) {
    const first = list.length ? list[0] : null;
    const w = {};
    for (const k of ["value", "writable", "object"]) {
      Object.defineProperty(w, k, {
        get: function () {
          return first && first[k] !== null ? first[k] : undefined;
        },
      });
    }
    Object.defineProperty(w, "path", {
      get: function () { return first ? first.path : undefined; },
    });
    Object.defineProperty(w, "size", {
      get: function () { return list.length ? list.length : undefined; },
    });
    w[Symbol.iterator] = function* () {
      for (const p of list) yield wrap([p]);
    };
    return w;
  }
  globalThis.declare = function (path, timestamps, values) {
    const answer = JSON.parse(
      h.declare(String(path), JSON.stringify(timestamps || {}), JSON.stringify(values || {}))
    );
    if (answer.fault) throw new Error(answer.fault);
    return wrap(answer.nodes);
  };
  globalThis.clear = function (path, timestamp) {
    h.clear(String(path), Number(timestamp) || 0);
  };
  globalThis.commit = function () {};
  globalThis.log = function (message) { h.log(String(message)); };
  globalThis.ext = function () {
    h.ext(Array.prototype.map.call(arguments, String).join(" "));
    throw new Error("ext");
  };
  function SandboxDate(...a) {
    if (!new.target) return new RealDate(h.now()).toString();
    return a.length ? new RealDate(...a) : new RealDate(h.now());
  }
  SandboxDate.prototype = RealDate.prototype;
  SandboxDate.parse = RealDate.parse;
  SandboxDate.UTC = RealDate.UTC;
  SandboxDate.now = function (interval, variance) {
    const t = h.now();
    if (interval === undefined || interval === null) return t;
    if (typeof interval !== "number" || !(interval > 0))
      throw new Error("Invalid Date.now() argument");
    if (variance === undefined) variance = interval;
    const offset = variance ? h.variance(variance) : 0;
    return t - ((((t - offset) % interval) + interval) % interval);
  };
  globalThis.Date = SandboxDate;
  let seed = 1;
  Math.random = function () {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  globalThis.__begin = function (argsJson, s) {
    globalThis.args = JSON.parse(argsJson);
    seed = s | 0;
  };
})(__acs);
"#;

/// What one provision run did.
#[derive(Debug, Default)]
pub(crate) struct Outcome {
    pub(crate) changes: Changes,
    pub(crate) log: Vec<String>,
    pub(crate) fault: Option<Fault>,
}

#[derive(Default)]
struct Host {
    dev: Option<SimDevice>,
    at: i64,
    /// The session's events, as GenieACS names them under `Events.` (`0_BOOTSTRAP`).
    events: Vec<String>,
    outcome: Outcome,
}

/// `Events.*` as GenieACS holds it in a session: each of the session's events, its
/// value the session's time (an event of an earlier session has an older one).
fn session_events(host: &Host, path: &str) -> Vec<Value> {
    let Some(which) = path.strip_prefix("Events.") else {
        return Vec::new();
    };
    host.events
        .iter()
        .filter(|e| which == "*" || which == e.as_str())
        .map(|e| {
            json!({"path": format!("Events.{e}"), "value": [host.at, "xsd:dateTime"], "writable": false, "object": false})
        })
        .collect()
}

/// The script engine: one QuickJS runtime and context, reused for every session of a
/// fleet advance (as GenieACS reuses its one VM context).
pub(crate) struct Engine {
    _runtime: Runtime,
    context: Context,
    host: Rc<RefCell<Host>>,
    deadline: Rc<Cell<Option<Instant>>>,
    /// Provisions compiled so far: name → (source, the global holding its function).
    compiled: HashMap<String, (String, String)>,
}

fn device_hash(id: &str) -> u64 {
    id.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}

fn install(ctx: &Ctx<'_>, host: &Rc<RefCell<Host>>) -> rquickjs::Result<()> {
    let acs = Object::new(ctx.clone())?;
    let h = host.clone();
    acs.set(
        "declare",
        Function::new(
            ctx.clone(),
            move |path: String, ts: String, vals: String| {
                let ts: Value = serde_json::from_str(&ts).unwrap_or(Value::Null);
                let vals: Value = serde_json::from_str(&vals).unwrap_or(Value::Null);
                let mut guard = h.borrow_mut();
                let host = &mut *guard;
                if path.starts_with("Events.") {
                    return json!({ "nodes": session_events(host, &path) }).to_string();
                }
                let Some(dev) = host.dev.as_mut() else {
                    return json!({"fault": "no device in session"}).to_string();
                };
                match dev.declare(&path, &ts, &vals, host.at, &mut host.outcome.changes) {
                    Ok(nodes) => {
                        let nodes: Vec<Value> = nodes.iter().map(|n| n.to_json()).collect();
                        json!({ "nodes": nodes }).to_string()
                    }
                    Err(f) => {
                        let text = f.message.clone();
                        host.outcome.fault.get_or_insert(Fault::cwmp(&f));
                        json!({ "fault": text }).to_string()
                    }
                }
            },
        )?,
    )?;
    let h = host.clone();
    acs.set(
        "clear",
        Function::new(ctx.clone(), move |path: String, ts: f64| {
            if let Some(dev) = h.borrow_mut().dev.as_mut() {
                dev.clear(&path, ts as i64);
            }
        })?,
    )?;
    let h = host.clone();
    acs.set(
        "log",
        Function::new(ctx.clone(), move |msg: String| {
            h.borrow_mut().outcome.log.push(msg);
        })?,
    )?;
    let h = host.clone();
    acs.set(
        "ext",
        Function::new(ctx.clone(), move |call: String| {
            let name = call.split(' ').next().unwrap_or_default().to_owned();
            h.borrow_mut().outcome.fault.get_or_insert(Fault {
                code: "ext.Error".into(),
                message: format!("Cannot find module '{name}' (the sandbox has no extensions)"),
                detail: json!({"name": "Error"}),
            });
        })?,
    )?;
    let h = host.clone();
    acs.set(
        "now",
        Function::new(ctx.clone(), move || h.borrow().at as f64)?,
    )?;
    let h = host.clone();
    acs.set(
        "variance",
        Function::new(ctx.clone(), move |v: f64| {
            let id = h
                .borrow()
                .dev
                .as_ref()
                .map(|d| d.id.clone())
                .unwrap_or_default();
            let v = v.max(1.0) as u64;
            (device_hash(&id) % v) as f64
        })?,
    )?;
    ctx.globals().set("__acs", acs)?;
    ctx.eval::<(), _>(PRELUDE)?;
    ctx.globals().remove("__acs")?;
    Ok(())
}

fn options(name: &str) -> EvalOptions {
    let mut o = EvalOptions::default();
    o.strict = false;
    o.filename = Some(name.to_owned());
    o
}

/// GenieACS's wrapping of a provision (strict, in a function), as a function to call.
fn wrapped(script: &str) -> String {
    format!("(function(){{\"use strict\";\n{script}\n}})")
}

/// The thrown value as GenieACS records it: `script.<ErrorName>`, the message, and the
/// name, message and stack as detail; anything else thrown is code `script`.
fn fault_of(ctx: &Ctx<'_>) -> Fault {
    let thrown = ctx.catch();
    if let Some(obj) = thrown.as_object() {
        let get = |k: &str| obj.get::<_, Option<String>>(k).ok().flatten();
        if let Some(name) = get("name") {
            let message = get("message").unwrap_or_default();
            let stack = format!("{name}: {message}\n{}", get("stack").unwrap_or_default());
            return Fault {
                code: format!("script.{name}"),
                message: message.clone(),
                detail: json!({"name": name, "message": message, "stack": stack.trim_end()}),
            };
        }
    }
    let text = thrown
        .as_string()
        .and_then(|s| s.to_string().ok())
        .or_else(|| thrown.as_number().map(|n| n.to_string()))
        .unwrap_or_else(|| "undefined".into());
    Fault {
        code: "script".into(),
        message: text,
        detail: Value::Null,
    }
}

impl Engine {
    /// A fresh engine with GenieACS's globals installed.
    pub(crate) fn new() -> Result<Self, String> {
        let runtime = Runtime::new().map_err(|e| e.to_string())?;
        runtime.set_memory_limit(32 * 1024 * 1024);
        runtime.set_max_stack_size(512 * 1024);
        let deadline: Rc<Cell<Option<Instant>>> = Rc::new(Cell::new(None));
        let d = deadline.clone();
        runtime.set_interrupt_handler(Some(Box::new(move || {
            d.get().is_some_and(|t| Instant::now() > t)
        })));
        let context = Context::full(&runtime).map_err(|e| e.to_string())?;
        let host = Rc::new(RefCell::new(Host::default()));
        context
            .with(|ctx| install(&ctx, &host))
            .map_err(|e| e.to_string())?;
        Ok(Self {
            _runtime: runtime,
            context,
            host,
            deadline,
            compiled: HashMap::new(),
        })
    }

    /// Runs provision `name` with `args` on `dev` in its session at `at`.
    pub(crate) fn run(
        &mut self,
        dev: &mut SimDevice,
        name: &str,
        script: &str,
        args: &[Value],
        at: i64,
        events: &[&str],
    ) -> Outcome {
        // The session's copy of the router leaves its logs behind (they are only read).
        let ran = std::mem::take(&mut dev.ran);
        let executed = std::mem::take(&mut dev.executed);
        {
            let mut h = self.host.borrow_mut();
            h.dev = Some(dev.clone());
            h.at = at;
            h.events = events.iter().map(|e| e.replace(' ', "_")).collect();
            h.outcome = Outcome::default();
        }
        let seed = (device_hash(&dev.id) & 0x7fff_ffff) as i32;
        let args_json = Value::Array(args.to_vec()).to_string();
        self.deadline.set(Some(Instant::now() + TIMEOUT));
        let compiled = self
            .compiled
            .get(name)
            .filter(|(source, _)| source == script)
            .map(|(_, global)| global.clone());
        let self_count = self.compiled.len();
        let (thrown, keep) = self.context.with(|ctx| {
            let begin = ctx
                .globals()
                .get::<_, Function<'_>>("__begin")
                .and_then(|f| f.call::<_, ()>((args_json, seed)));
            if begin.is_err() {
                return (Some(fault_of(&ctx)), None);
            }
            let call = match &compiled {
                Some(global) => ctx.globals().get::<_, Function<'_>>(global.as_str()),
                None => ctx.eval_with_options::<Function<'_>, _>(wrapped(script), options(name)),
            };
            let call = match call {
                Ok(f) => f,
                Err(rquickjs::Error::Exception) => return (Some(fault_of(&ctx)), None),
                Err(e) => {
                    return (
                        Some(Fault {
                            code: "script".into(),
                            message: e.to_string(),
                            detail: Value::Null,
                        }),
                        None,
                    )
                }
            };
            let keep = if compiled.is_none() {
                let global = format!("__provision{}", self_count);
                ctx.globals()
                    .set(global.as_str(), call.clone())
                    .ok()
                    .map(|()| global)
            } else {
                None
            };
            let result = match call.call::<_, ()>(()) {
                Ok(()) => None,
                Err(rquickjs::Error::Exception) => Some(fault_of(&ctx)),
                Err(e) => Some(Fault {
                    code: "script".into(),
                    message: e.to_string(),
                    detail: Value::Null,
                }),
            };
            (result, keep)
        });
        if let Some(global) = keep {
            self.compiled
                .insert(name.to_owned(), (script.to_owned(), global));
        }
        let timed_out = self.deadline.get().is_some_and(|t| Instant::now() > t);
        self.deadline.set(None);
        let mut h = self.host.borrow_mut();
        if let Some(d) = h.dev.take() {
            *dev = d;
        }
        dev.ran = ran;
        dev.executed = executed;
        let mut outcome = std::mem::take(&mut h.outcome);
        if outcome.fault.is_none() {
            outcome.fault = if timed_out && thrown.is_some() {
                Some(Fault {
                    code: "script.Error".into(),
                    message: format!("Script execution timed out after {}ms", TIMEOUT.as_millis()),
                    detail: json!({"name": "Error"}),
                })
            } else {
                thrown
            };
        }
        outcome
    }
}

/// Whether a provision or virtual-parameter script compiles, as GenieACS checks it when
/// it is stored: the engine's `SyntaxError: …`, or `None`.
pub(crate) fn syntax_error(script: &str) -> Option<String> {
    let runtime = Runtime::new().ok()?;
    let context = Context::full(&runtime).ok()?;
    context.with(|ctx| {
        match ctx.eval_with_options::<Function<'_>, _>(wrapped(script), options("check")) {
            Ok(_) => None,
            Err(rquickjs::Error::Exception) => {
                let f = fault_of(&ctx);
                Some(format!(
                    "{}: {}",
                    f.code.trim_start_matches("script."),
                    f.message
                ))
            }
            Err(e) => Some(e.to_string()),
        }
    })
}
