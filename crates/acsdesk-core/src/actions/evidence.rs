//! What a device's GenieACS document said before an action was first sent, kept with the
//! action: its boot time and firmware (so completion is judged on GenieACS's clock, and
//! against the device as it was, however often the action is re-checked), and GenieACS's
//! own records of running this kind of task (`Reboot`, `FactoryReset`,
//! `Downloads.{i}.Download` at the document's root). When a send's answer is lost, a
//! change in those records proves the task ran, so it is never sent twice.

use super::ActionRequest;
use crate::normalize::NormalizedDevice;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

/// The device before the first send.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Before {
    /// `_lastBoot` (GenieACS's clock), Unix ms.
    pub last_boot_ms: Option<i64>,
    /// The software version.
    pub firmware: Option<String>,
    /// GenieACS's records of running this kind of task ([`marks`]).
    #[serde(default)]
    pub marks: Value,
    /// When the internet WAN's PPP session then had begun (GenieACS's clock), Unix ms:
    /// a PPPoE change is proven by a session that began later.
    #[serde(default)]
    pub wan_up_since_ms: Option<i64>,
    /// The router's GenieACS tags then (which parts of AcsDesk's configuration it had).
    #[serde(default)]
    pub tags: Vec<String>,
}

impl Before {
    /// What `doc` (normalised as `device`) says before `request` is sent.
    pub fn of(request: &ActionRequest, doc: &Value, device: &NormalizedDevice) -> Self {
        Self {
            last_boot_ms: device.last_boot_ms,
            firmware: device.firmware.clone(),
            marks: marks(request, doc),
            wan_up_since_ms: super::verify::wan_up_since_ms(doc, device),
            tags: device.tags.clone(),
        }
    }

    /// Whether GenieACS's records show the task ran since. Only tasks that must not run
    /// twice leave such records; for the others (values set again, a refresh) this is
    /// always `false` and sending again is harmless.
    pub fn ran_since(&self, request: &ActionRequest, doc: &Value) -> bool {
        // No records kept (an action claimed before this existed): nothing to compare.
        request.is_destructive() && !self.marks.is_null() && marks(request, doc) != self.marks
    }
}

/// GenieACS's records of the tasks `request` becomes: the `_value` of `Reboot` or
/// `FactoryReset`, or every `Downloads.{i}.Download`; `Null` for other actions.
pub fn marks(request: &ActionRequest, doc: &Value) -> Value {
    let declared = |name: &str| doc.get(name).and_then(|n| n.get("_value")).cloned();
    match request {
        ActionRequest::Reboot => json!({ "Reboot": declared("Reboot") }),
        // A factory reset reboots too; either record moving means it ran.
        ActionRequest::FactoryReset => json!({ "FactoryReset": declared("FactoryReset") }),
        ActionRequest::UpdateFirmware { .. } => {
            let mut downloads = Map::new();
            if let Some(Value::Object(instances)) = doc.get("Downloads") {
                for (i, d) in instances.iter().filter(|(k, _)| !k.starts_with('_')) {
                    let at = d.get("Download").and_then(|n| n.get("_value")).cloned();
                    downloads.insert(i.clone(), at.unwrap_or(Value::Null));
                }
            }
            json!({ "Downloads": downloads })
        }
        _ => Value::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recorded(id: &str) -> Value {
        let text =
            std::fs::read_to_string(acsdesk_captures::fixtures_dir().join("devices-all.json"))
                .unwrap();
        let docs: Vec<Value> = serde_json::from_str(&text).unwrap();
        docs.into_iter().find(|d| d["_id"] == id).unwrap()
    }

    #[test]
    fn genieacs_records_of_tasks_that_ran_are_read_from_the_captures() {
        // 000050 was rebooted, 000051 factory-reset, 000003 flashed; 000001 none of them.
        let rebooted = recorded("202BC1-BM632w-000050");
        let reset = recorded("202BC1-BM632w-000051");
        let flashed = recorded("202BC1-BM632w-000003");
        let untouched = recorded("202BC1-BM632w-000001");
        let firmware = ActionRequest::UpdateFirmware {
            file: "f".into(),
            version: None,
        };
        assert_eq!(
            marks(&ActionRequest::Reboot, &rebooted),
            json!({"Reboot": "2026-11-23T20:58:37.674Z"})
        );
        assert_eq!(
            marks(&ActionRequest::Reboot, &untouched),
            json!({"Reboot": null})
        );
        assert!(marks(&ActionRequest::FactoryReset, &reset)["FactoryReset"].is_string());
        assert_eq!(
            marks(&firmware, &flashed),
            json!({"Downloads": {"1": "2026-11-23T20:59:00.117Z"}})
        );
        assert_eq!(marks(&ActionRequest::Refresh, &rebooted), Value::Null);
        // Before the reboot (no record) and after (a record): it ran.
        let device = crate::normalize::normalize(&untouched).unwrap();
        let before = Before::of(&ActionRequest::Reboot, &untouched, &device);
        assert!(!before.ran_since(&ActionRequest::Reboot, &untouched));
        assert!(before.ran_since(&ActionRequest::Reboot, &rebooted));
        assert!(!before.ran_since(&ActionRequest::Refresh, &rebooted));
    }
}
