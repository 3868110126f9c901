//! GenieACS's presets and provisions, run in each session of a router as GenieACS 1.2 runs
//! them: the presets whose events all match the session's (a preset listing none runs in
//! every session) and whose precondition holds, by weight then name; their provisions in
//! order — GenieACS's built-in `refresh`, `value`, `tag`, `instances`, `reboot` and
//! `reset`, and stored scripts in the JavaScript engine (`script`). A fault stops its
//! channel and is recorded in GenieACS's shape (`<device>:<channel>`, `script.TypeError`,
//! `cwmp.9008`, …); the channel is held back until its retry time (5 minutes, doubling
//! with each retry) and the fault goes when the channel next succeeds. A provision name
//! that is neither stored nor built in is skipped, as GenieACS skips it. Every run is
//! listed under the router's `/_sandbox/devices/<id>/executed`.

mod expression;
mod script;

pub(crate) use script::syntax_error;

use crate::device::{Changes, CwmpFault, SimDevice};
use crate::query;
use acsdesk_time::iso;
use expression::Expr;
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

/// How long GenieACS waits before retrying a faulted channel (doubling per retry).
const RETRY_DELAY_MS: i64 = 300_000;

/// How many provision runs a router's `executed` log keeps.
const RAN_KEPT: usize = 200;

/// A fault as GenieACS records it on a channel.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Fault {
    pub(crate) code: String,
    pub(crate) message: String,
    pub(crate) detail: Value,
}

impl Fault {
    pub(crate) fn cwmp(f: &CwmpFault) -> Self {
        Self {
            code: f.code.clone(),
            message: f.message.clone(),
            detail: json!({
                "faultCode": f.code.trim_start_matches("cwmp."),
                "faultString": f.message,
                "setParameterValuesFault": null
            }),
        }
    }
}

#[derive(Debug)]
enum Precondition {
    Expr(Expr),
    /// The JSON query of presets written before GenieACS 1.2's expressions.
    Query(Value),
    /// Neither: the preset never applies.
    Invalid,
}

#[derive(Debug)]
struct Preset {
    id: String,
    channel: String,
    weight: f64,
    events: Vec<(String, bool)>,
    precondition: Precondition,
    /// The router parameters the precondition reads (GenieACS fetches them first).
    reads: Vec<String>,
    provisions: Vec<(String, Vec<Value>)>,
}

/// The presets and provisions GenieACS holds, read once for every session until they
/// change.
#[derive(Debug, Default)]
pub(crate) struct Catalog {
    presets: Vec<Preset>,
    scripts: HashMap<String, String>,
}

fn event_key(e: &str) -> String {
    e.split_whitespace().collect::<Vec<_>>().join("_")
}

impl Catalog {
    /// From the stored `presets` and `provisions` collections.
    pub(crate) fn build(
        presets: &BTreeMap<String, Value>,
        provisions: &BTreeMap<String, Value>,
    ) -> Self {
        let mut list: Vec<Preset> = presets
            .iter()
            .map(|(id, doc)| {
                let text = doc["precondition"].as_str().unwrap_or_default();
                let precondition = match expression::parse(text) {
                    Ok(e) => Precondition::Expr(e),
                    Err(_) => match serde_json::from_str::<Value>(text) {
                        Ok(q @ Value::Object(_)) => Precondition::Query(q),
                        _ => Precondition::Invalid,
                    },
                };
                let events = doc["events"]
                    .as_object()
                    .map(|m| {
                        m.iter()
                            .map(|(k, v)| (event_key(k), v.as_bool().unwrap_or(true)))
                            .collect()
                    })
                    .unwrap_or_default();
                let mut reads = Vec::new();
                if let Precondition::Expr(e) = &precondition {
                    e.params(&mut reads);
                }
                reads.retain(|p| !p.starts_with("DeviceID.") && !p.starts_with("Tags."));
                let provisions = doc["configurations"]
                    .as_array()
                    .map(|cs| cs.iter().filter_map(configuration).collect())
                    .unwrap_or_default();
                Preset {
                    id: id.clone(),
                    channel: doc["channel"]
                        .as_str()
                        .filter(|c| !c.is_empty())
                        .unwrap_or("default")
                        .to_owned(),
                    weight: doc["weight"].as_f64().unwrap_or(0.0),
                    events,
                    precondition,
                    reads,
                    provisions,
                }
            })
            .collect();
        list.sort_by(|a, b| a.weight.total_cmp(&b.weight).then_with(|| a.id.cmp(&b.id)));
        let scripts = provisions
            .iter()
            .filter_map(|(id, doc)| Some((id.clone(), doc["script"].as_str()?.to_owned())))
            .collect();
        Self {
            presets: list,
            scripts,
        }
    }
}

/// A preset configuration as the provision GenieACS makes of it.
fn configuration(c: &Value) -> Option<(String, Vec<Value>)> {
    match c["type"].as_str()? {
        "provision" => Some((
            c["name"].as_str()?.to_owned(),
            c["args"].as_array().cloned().unwrap_or_default(),
        )),
        "add_tag" => Some(("tag".into(), vec![c["tag"].clone(), json!(true)])),
        "delete_tag" => Some(("tag".into(), vec![c["tag"].clone(), json!(false)])),
        "value" => Some(("value".into(), vec![c["name"].clone(), c["value"].clone()])),
        "age" => Some(("refresh".into(), vec![c["name"].clone(), c["age"].clone()])),
        _ => None,
    }
}

/// A provision due in a session: (preset, provision, args).
type Due<'a> = (&'a str, &'a str, &'a [Value]);

/// Runs the sessions of one fleet advance (or one summoned session), sharing one script
/// engine, started only when a script is due.
pub(crate) struct Sessions<'a> {
    load: Box<dyn Fn() -> Arc<Catalog> + 'a>,
    catalog: Option<Arc<Catalog>>,
    engine: Option<script::Engine>,
}

/// What GenieACS reads for a precondition's parameter.
fn lookup(dev: &SimDevice, path: &str) -> Option<Value> {
    match path {
        "DeviceID.ID" => Some(json!(dev.id)),
        "DeviceID.SerialNumber" => Some(json!(dev.serial)),
        "DeviceID.OUI" => Some(json!(dev.identity().oui)),
        "DeviceID.ProductClass" => Some(json!(dev.identity().product_class)),
        "DeviceID.Manufacturer" => Some(json!(dev.identity().manufacturer)),
        p => match p.strip_prefix("Tags.") {
            Some(tag) => dev.tags.iter().any(|t| t == tag).then_some(json!(true)),
            None => dev.value(p),
        },
    }
}

impl<'a> Sessions<'a> {
    /// Sessions reading the presets and provisions through `load`, called once, when a
    /// first session runs (an advance without informs reads nothing).
    pub(crate) fn new(load: impl Fn() -> Arc<Catalog> + 'a) -> Self {
        Self {
            load: Box::new(load),
            catalog: None,
            engine: None,
        }
    }

    /// The presets for a session of `dev` at `at` with these events: those that apply
    /// run, their faults recorded in `faults`.
    pub(crate) fn session(
        &mut self,
        dev: &mut SimDevice,
        at: i64,
        events: &[&str],
        faults: &mut BTreeMap<String, Value>,
    ) {
        let catalog = match &self.catalog {
            Some(c) => c.clone(),
            None => {
                let c = (self.load)();
                self.catalog = Some(c.clone());
                c
            }
        };
        if catalog.presets.is_empty() {
            return;
        }
        let here: HashSet<String> = events.iter().map(|e| event_key(e)).collect();
        let prefix = format!("{}:", dev.id);
        let held: HashSet<String> = faults
            .range(prefix.clone()..)
            .take_while(|(k, _)| k.starts_with(&prefix))
            .filter(|(_, f)| {
                let ts = f["timestamp"]
                    .as_str()
                    .and_then(acsdesk_time::parse_iso)
                    .unwrap_or(0);
                let retries = f["retries"].as_u64().unwrap_or(0).min(16) as u32;
                at < ts + RETRY_DELAY_MS * 2_i64.pow(retries)
            })
            .filter_map(|(_, f)| f["channel"].as_str().map(str::to_owned))
            .collect();
        // Channel → (preset, provision, args), in preset order.
        let mut due: Vec<(String, Vec<Due<'_>>)> = Vec::new();
        for p in &catalog.presets {
            if held.contains(&p.channel)
                || !p.events.iter().all(|(k, want)| here.contains(k) == *want)
            {
                continue;
            }
            let applies = match &p.precondition {
                Precondition::Expr(e) => {
                    // GenieACS fetches what a precondition reads.
                    for param in &p.reads {
                        if dev.value(param).is_none() {
                            dev.learn(param, at);
                        }
                    }
                    expression::truthy(&e.eval(&|path| lookup(dev, path)))
                }
                Precondition::Query(q) => query::matches(&*dev, q).unwrap_or(false),
                Precondition::Invalid => false,
            };
            if !applies {
                continue;
            }
            let slot = match due.iter().position(|(c, _)| *c == p.channel) {
                Some(i) => i,
                None => {
                    due.push((p.channel.clone(), Vec::new()));
                    due.len() - 1
                }
            };
            for (name, args) in &p.provisions {
                due[slot]
                    .1
                    .push((p.id.as_str(), name.as_str(), args.as_slice()));
            }
        }
        for (channel, provisions) in due {
            let mut failed = None;
            for (preset, name, args) in &provisions {
                let (outcome, known) = self.provision(dev, &catalog, name, args, at, events);
                let record = json!({
                    "at": iso(at),
                    "name": "provision",
                    "provision": name,
                    "preset": preset,
                    "channel": channel,
                    "events": events,
                    "known": known,
                    "set": outcome.changes.set,
                    "objects": outcome.changes.objects,
                    "refreshed": outcome.changes.refreshed,
                    "log": outcome.log,
                    "fault": outcome.fault.as_ref().map(|f| json!({"code": f.code, "message": f.message})),
                });
                dev.ran.push(record);
                if let Some(f) = outcome.fault {
                    failed = Some(f);
                    break;
                }
            }
            if dev.ran.len() > RAN_KEPT {
                let extra = dev.ran.len() - RAN_KEPT;
                dev.ran.drain(..extra);
            }
            let key = format!("{}:{channel}", dev.id);
            match failed {
                None => {
                    faults.remove(&key);
                }
                Some(f) => {
                    let retries = faults
                        .get(&key)
                        .and_then(|old| old["retries"].as_u64())
                        .map_or(0, |r| r + 1);
                    let list: Vec<Value> = provisions
                        .iter()
                        .map(|(_, name, args)| {
                            let mut p = vec![json!(name)];
                            p.extend(args.iter().cloned());
                            Value::Array(p)
                        })
                        .collect();
                    faults.insert(
                        key.clone(),
                        json!({
                            "_id": key,
                            "device": dev.id,
                            "channel": channel,
                            "timestamp": iso(at),
                            "code": f.code,
                            "message": f.message,
                            "detail": f.detail,
                            "retries": retries,
                            "provisions": Value::Array(list).to_string(),
                        }),
                    );
                }
            }
        }
    }

    /// Runs one provision; whether it was known (stored or built in).
    fn provision(
        &mut self,
        dev: &mut SimDevice,
        catalog: &Catalog,
        name: &str,
        args: &[Value],
        at: i64,
        events: &[&str],
    ) -> (script::Outcome, bool) {
        if let Some(source) = catalog.scripts.get(name) {
            if self.engine.is_none() {
                match script::Engine::new() {
                    Ok(e) => self.engine = Some(e),
                    Err(e) => {
                        let outcome = script::Outcome {
                            fault: Some(Fault {
                                code: "script".into(),
                                message: format!("the script engine did not start: {e}"),
                                detail: Value::Null,
                            }),
                            ..Default::default()
                        };
                        return (outcome, true);
                    }
                }
            }
            if let Some(engine) = self.engine.as_mut() {
                return (engine.run(dev, name, source, args, at, events), true);
            }
        }
        let mut outcome = script::Outcome::default();
        let arg = |i: usize| args.get(i).cloned().unwrap_or(Value::Null);
        let path = arg(0).as_str().unwrap_or_default().to_owned();
        let mut changes = Changes::default();
        let result = match name {
            "refresh" => dev.declare(
                &path,
                &json!({"value": at, "path": at}),
                &json!({}),
                at,
                &mut changes,
            ),
            "value" => dev.declare(
                &path,
                &json!({}),
                &json!({"value": arg(1)}),
                at,
                &mut changes,
            ),
            "tag" => dev.declare(
                &format!("Tags.{path}"),
                &json!({}),
                &json!({"value": arg(1).as_bool().unwrap_or(false)}),
                at,
                &mut changes,
            ),
            "instances" => dev.declare(
                &path,
                &json!({}),
                &json!({"path": arg(1)}),
                at,
                &mut changes,
            ),
            "reboot" => {
                dev.reboot(at);
                Ok(Vec::new())
            }
            "reset" => {
                dev.factory_reset(at);
                Ok(Vec::new())
            }
            _ => return (outcome, false),
        };
        if let Err(f) = result {
            outcome.fault = Some(Fault::cwmp(&f));
        }
        outcome.changes = changes;
        (outcome, true)
    }
}

#[cfg(test)]
mod tests;
