//! Translation: an action on a device becomes the GenieACS task for *this* device — the
//! data model's paths, the right WAN instance for PPPoE, the passphrase parameter the
//! device actually has, the right band's instance — plus how to prove it worked.
//! Everything is checked before anything is queued.

use super::kinds::{ActionRequest, BandChoice, ParamValue};
use super::verify::Verification;
use crate::normalize::{Band, NormalizedDevice, WanKind, WifiNetwork};
use acsdesk_genieacs::api::tasks::{ParameterValue, Xsd};
use acsdesk_types::DiagnosticKind;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// The GenieACS task an action becomes: the typed client's own task, so what is planned
/// is exactly what is sent.
pub type TaskSpec = acsdesk_genieacs::api::tasks::Task;

/// What a GenieACS file says about itself (its `metadata`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct FileInfo {
    /// The file's `_id`.
    pub name: String,
    /// e.g. `1 Firmware Upgrade Image`.
    pub file_type: Option<String>,
    /// The OUI it is for, if it says.
    pub oui: Option<String>,
    /// The product class it is for, if it says.
    pub product_class: Option<String>,
    /// The version it installs, if it says.
    pub version: Option<String>,
}

impl FileInfo {
    /// Why this file cannot go on `device`, if it cannot: it names another OUI or product
    /// class, or it is not a firmware image.
    pub fn misfit(&self, device: &NormalizedDevice) -> Option<String> {
        let name = &self.name;
        if let Some(t) = self.file_type.as_deref().filter(|t| !t.is_empty()) {
            if !t.starts_with("1 ") && !t.to_ascii_lowercase().contains("firmware") {
                return Some(format!("\"{name}\" is a {t}, not a firmware image"));
            }
        }
        if let Some(oui) = self.oui.as_deref().filter(|o| !o.is_empty()) {
            if !oui.eq_ignore_ascii_case(&device.oui) {
                return Some(format!(
                    "\"{name}\" is for OUI {oui}, this device's OUI is {}",
                    device.oui
                ));
            }
        }
        if let Some(pc) = self.product_class.as_deref().filter(|p| !p.is_empty()) {
            if pc != device.product_class {
                return Some(format!(
                    "\"{name}\" is for product class {pc}, this device is a {}",
                    device.product_class
                ));
            }
        }
        None
    }
}

/// The task to send (none for a bare connection request) and the proof to wait for.
#[derive(Debug, Clone, PartialEq)]
pub struct ActionPlan {
    /// The GenieACS task; `None` means a connection request only.
    pub task: Option<TaskSpec>,
    /// How completion is proven.
    pub verify: Verification,
}

/// Why an action cannot be planned for this device: nothing is queued.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct PlanError {
    /// The input at fault (`band`, `parameter`, `file`, …).
    pub field: &'static str,
    /// What is wrong and, where possible, what to do.
    pub reason: String,
}

fn refuse(field: &'static str, reason: impl Into<String>) -> PlanError {
    PlanError {
        field,
        reason: reason.into(),
    }
}

/// Plans `action` for `device`, whose cached GenieACS document is `doc` (used to check
/// that parameters exist and are writable). `file` is the GenieACS file a firmware
/// update names, as listed by GenieACS (`None` when it does not exist there).
pub fn plan(
    action: &ActionRequest,
    device: &NormalizedDevice,
    doc: &Value,
    file: Option<&FileInfo>,
) -> Result<ActionPlan, PlanError> {
    match action {
        ActionRequest::Reboot => Ok(ActionPlan {
            task: Some(TaskSpec::Reboot),
            verify: Verification::Rebooted,
        }),
        ActionRequest::FactoryReset => Ok(ActionPlan {
            task: Some(TaskSpec::FactoryReset),
            verify: Verification::Rebooted,
        }),
        ActionRequest::Summon => Ok(ActionPlan {
            task: None,
            verify: Verification::FaultFree,
        }),
        ActionRequest::ApplyConfig {
            version,
            pppoe_username,
            ppp_tag,
        } => Ok(ActionPlan {
            task: None,
            verify: Verification::Configured {
                tag: format!("{}{version}", crate::provisioning::CFG_PREFIX),
                pppoe_username: pppoe_username.clone(),
                ppp_tag: ppp_tag.clone(),
            },
        }),
        ActionRequest::Refresh => {
            let root = device
                .data_model
                .map(|m| m.root().to_owned())
                .ok_or_else(|| refuse("device", "its data model is unknown; sync it first"))?;
            Ok(ActionPlan {
                task: Some(TaskSpec::RefreshObject { object_name: root }),
                verify: Verification::FaultFree,
            })
        }
        ActionRequest::UpdateFirmware {
            file: name,
            version,
        } => {
            let file = file.ok_or_else(|| {
                refuse(
                    "file",
                    format!("GenieACS has no file named \"{name}\"; upload it first"),
                )
            })?;
            if let Some(why) = file.misfit(device) {
                return Err(refuse("file", why));
            }
            let target = version.clone().or_else(|| file.version.clone());
            Ok(ActionPlan {
                task: Some(TaskSpec::download(name.clone())),
                verify: match target {
                    Some(version) => Verification::Firmware { version },
                    None => Verification::FirmwareChanged {
                        from: device.firmware.clone(),
                    },
                },
            })
        }
        ActionRequest::ChangeWifi {
            band,
            ssid,
            passphrase,
        } => {
            if ssid.is_none() && passphrase.is_none() {
                return Err(refuse("wifi", "give a new SSID, a new password, or both"));
            }
            let networks = pick_networks(&device.wifi, *band)?;
            let mut values = Vec::new();
            let mut expect = Vec::new();
            for net in networks {
                if let Some(ssid) = ssid {
                    let path = format!("{}.SSID", net.path);
                    values.push(ParameterValue::string(path.clone(), ssid.as_str()));
                    expect.push((path, json!(ssid.as_str())));
                }
                if let Some(pass) = passphrase {
                    let path = passphrase_path(net, doc, pass.is_raw_key())?;
                    values.push(ParameterValue::string(path, pass.reveal()));
                }
            }
            Ok(ActionPlan {
                task: Some(TaskSpec::SetParameterValues {
                    parameter_values: values,
                }),
                verify: read_back_or_fault_free(expect),
            })
        }
        ActionRequest::ChangePppoe { username, password } => {
            let wan = device
                .wan
                .as_ref()
                .filter(|w| w.kind == WanKind::Ppp)
                .ok_or_else(|| {
                    refuse(
                        "wan",
                        "this device has no PPPoE connection on its internet WAN",
                    )
                })?;
            let user_path = format!("{}.Username", wan.path);
            let pass_path = format!("{}.Password", wan.path);
            Ok(ActionPlan {
                task: Some(TaskSpec::SetParameterValues {
                    parameter_values: vec![
                        ParameterValue::string(user_path, username.as_str()),
                        ParameterValue::string(pass_path, password.reveal()),
                    ],
                }),
                verify: Verification::PppReconnected {
                    username: username.as_str().to_owned(),
                },
            })
        }
        ActionRequest::Ping { host, repetitions } => diagnostic_plan(
            device,
            doc,
            DiagnosticKind::Ping,
            host,
            &[
                ("Host", json!(host), Xsd::String),
                ("NumberOfRepetitions", json!(repetitions), Xsd::UnsignedInt),
                ("Timeout", json!(1000), Xsd::UnsignedInt),
            ],
        ),
        ActionRequest::Traceroute { host, max_hops } => diagnostic_plan(
            device,
            doc,
            DiagnosticKind::Traceroute,
            host,
            &[
                ("Host", json!(host), Xsd::String),
                ("MaxHopCount", json!(max_hops), Xsd::UnsignedInt),
            ],
        ),
        ActionRequest::SpeedTest {
            kind,
            url,
            upload_bytes,
        } => {
            let inputs: &[(&str, Value, Xsd)] = match kind {
                DiagnosticKind::Upload => &[
                    ("UploadURL", json!(url), Xsd::String),
                    ("TestFileLength", json!(upload_bytes), Xsd::UnsignedInt),
                ],
                _ => &[("DownloadURL", json!(url), Xsd::String)],
            };
            diagnostic_plan(device, doc, *kind, url, inputs)
        }
        ActionRequest::SetParameters { values } => {
            if values.is_empty() {
                return Err(refuse("parameter", "give at least one PATH=VALUE"));
            }
            let mut out = Vec::new();
            let mut expect = Vec::new();
            for v in values {
                let typed = typed_value(doc, v)?;
                if !is_secret_path(&v.path) {
                    expect.push((v.path.clone(), typed.value().clone()));
                }
                out.push(typed);
            }
            Ok(ActionPlan {
                task: Some(TaskSpec::SetParameterValues {
                    parameter_values: out,
                }),
                verify: read_back_or_fault_free(expect),
            })
        }
    }
}

fn read_back_or_fault_free(expect: Vec<(String, Value)>) -> Verification {
    if expect.is_empty() {
        // Devices read secrets back empty: a fault-free set is the evidence.
        Verification::FaultFree
    } else {
        Verification::Values(expect)
    }
}

/// Passwords and keys (the registry's secrets): devices hide them, so they are never
/// verified by read-back.
fn is_secret_path(path: &str) -> bool {
    acsdesk_normalize::registry::is_secret(path)
}

/// The main network of each chosen band: the first (lowest instance) on that band.
/// Networks whose band the device does not report count as 2.4 GHz for their first
/// instance and 5 GHz otherwise, the common layout.
fn pick_networks(wifi: &[WifiNetwork], choice: BandChoice) -> Result<Vec<&WifiNetwork>, PlanError> {
    if wifi.is_empty() {
        return Err(refuse(
            "band",
            "this device reports no WiFi network; refresh it and try again",
        ));
    }
    let band_of = |i: usize, w: &WifiNetwork| match w.band {
        Band::Unknown if i == 0 => Band::Ghz2_4,
        Band::Unknown => Band::Ghz5,
        b => b,
    };
    let first_on = |band: Band| {
        wifi.iter()
            .enumerate()
            .find(|(i, w)| band_of(*i, w) == band)
            .map(|(_, w)| w)
    };
    match choice {
        BandChoice::Ghz2_4 => first_on(Band::Ghz2_4)
            .map(|w| vec![w])
            .ok_or_else(|| refuse("band", "this device has no 2.4 GHz network")),
        BandChoice::Ghz5 => first_on(Band::Ghz5)
            .map(|w| vec![w])
            .ok_or_else(|| refuse("band", "this device has no 5 GHz network")),
        BandChoice::All => Ok([Band::Ghz2_4, Band::Ghz5, Band::Ghz6]
            .into_iter()
            .filter_map(first_on)
            .collect()),
    }
}

/// The parameter that takes the passphrase (or, for a 64-hex-digit key, the PSK).
fn passphrase_path(net: &WifiNetwork, doc: &Value, raw_key: bool) -> Result<String, PlanError> {
    let exists = |p: &str| {
        p.split('.')
            .try_fold(doc, |node, seg| node.get(seg))
            .is_some()
    };
    let found = net.passphrase_path.clone();
    let psk_sibling = |p: &str| -> Option<String> {
        // TR-098 …PreSharedKey.1.PreSharedKey / TR-181 …Security.PreSharedKey.
        let base = p.rsplit_once('.')?.0;
        let candidate = if base.ends_with(".Security") || base.ends_with("PreSharedKey.1") {
            format!("{base}.PreSharedKey")
        } else {
            format!("{base}.PreSharedKey.1.PreSharedKey")
        };
        exists(&candidate).then_some(candidate)
    };
    let path = found.ok_or_else(|| {
        refuse(
            "passphrase",
            format!(
                "the device reports no WiFi password parameter for {}; refresh it and try again",
                net.path
            ),
        )
    })?;
    let hex_only =
        path.ends_with("PreSharedKey.1.PreSharedKey") || path.ends_with("Security.PreSharedKey");
    if raw_key {
        return Ok(psk_sibling(&path).unwrap_or(path));
    }
    if hex_only {
        let alternative = format!("{}.KeyPassphrase", path.trim_end_matches(".PreSharedKey"));
        if exists(&alternative) {
            return Ok(alternative);
        }
        return Err(refuse(
            "passphrase",
            "this device only accepts a 64-hex-digit key, not a passphrase",
        ));
    }
    Ok(path)
}

/// Checks that a parameter exists and is writable, and converts its value to its type
/// (the one given, else the one GenieACS recorded for it).
fn typed_value(doc: &Value, v: &ParamValue) -> Result<ParameterValue, PlanError> {
    let node = v
        .path
        .split('.')
        .try_fold(doc, |node, seg| node.get(seg))
        .ok_or_else(|| {
            refuse(
                "parameter",
                format!("{} does not exist on this device", v.path),
            )
        })?;
    if node.get("_value").is_none() {
        return Err(refuse(
            "parameter",
            format!("{} is an object, not a parameter", v.path),
        ));
    }
    if node.get("_writable").and_then(Value::as_bool) == Some(false) {
        return Err(refuse("parameter", format!("{} is read-only", v.path)));
    }
    let name = v
        .xsd_type
        .clone()
        .or_else(|| node.get("_type").and_then(Value::as_str).map(str::to_owned))
        .unwrap_or_else(|| "xsd:string".to_owned());
    let xsd = Xsd::parse(&name)
        .ok_or_else(|| refuse("parameter", format!("{}: unknown type {name}", v.path)))?;
    let value = xsd.coerce(&v.value).map_err(|why| {
        if is_secret_path(&v.path) {
            // The reason quotes the value: not for a secret.
            refuse(
                "parameter",
                format!("{}: the value is not a valid {name}", v.path),
            )
        } else {
            refuse("parameter", format!("{}: {why}", v.path))
        }
    })?;
    ParameterValue::new(v.path.clone(), value, xsd).map_err(|e| refuse("parameter", e.to_string()))
}

/// A diagnostic's plan: its inputs and `DiagnosticsState = Requested` in one set with a
/// connection request, proven by the router's results. The object must be in the
/// router's tree, and so must each input but the first (a router may lack the optional
/// ones, such as TR-181's traceroute `Timeout` on TP-Link, and a set naming a parameter
/// it lacks would fail whole).
fn diagnostic_plan(
    device: &NormalizedDevice,
    doc: &Value,
    kind: DiagnosticKind,
    target: &str,
    inputs: &[(&str, Value, Xsd)],
) -> Result<ActionPlan, PlanError> {
    let model = device
        .data_model
        .ok_or_else(|| refuse("device", "its data model is unknown; sync it first"))?;
    let object = crate::normalize::registry::objects::diagnostic(model, kind);
    let exists = |leaf: &str| {
        format!("{object}.{leaf}")
            .split('.')
            .try_fold(doc, |v, k| v.get(k))
            .is_some()
    };
    if !exists("DiagnosticsState") {
        return Err(refuse(
            "device",
            format!(
                "this router has no {} diagnostic ({object})",
                kind.label().to_lowercase()
            ),
        ));
    }
    let mut values = Vec::new();
    for (i, (leaf, value, xsd)) in inputs.iter().enumerate() {
        if i > 0 && !exists(leaf) {
            continue;
        }
        values.push(
            ParameterValue::new(format!("{object}.{leaf}"), value.clone(), *xsd)
                .map_err(|e| refuse("diagnostic", e.to_string()))?,
        );
    }
    values.push(ParameterValue::string(
        format!("{object}.DiagnosticsState"),
        "Requested",
    ));
    Ok(ActionPlan {
        task: Some(TaskSpec::SetParameterValues {
            parameter_values: values,
        }),
        verify: Verification::Diagnostic {
            object: object.to_owned(),
            host: acsdesk_types::actions::redact_url(target),
            diagnostic: kind,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::normalize;
    use acsdesk_types::input::{PppoePassword, PppoeUsername, Ssid, WpaPassphrase};

    fn fixture(name: &str) -> Value {
        let text = std::fs::read_to_string(acsdesk_captures::fixtures_dir().join(name)).unwrap();
        let docs: Vec<Value> = serde_json::from_str(&text).unwrap();
        docs.into_iter().next().unwrap()
    }

    #[test]
    fn wifi_on_tr098_uses_the_instance_and_the_passphrase_parameter_it_has() {
        let doc = fixture("device-full-tr098.json");
        let d = normalize(&doc).unwrap();
        let action = ActionRequest::ChangeWifi {
            band: BandChoice::Ghz2_4,
            ssid: Some(Ssid::parse("Casa Pérez").unwrap()),
            passphrase: Some(WpaPassphrase::parse("correct horse").unwrap()),
        };
        let err = plan(&action, &d, &doc, None).unwrap_err();
        // This Huawei only has the hex PreSharedKey parameter.
        assert_eq!(err.field, "passphrase");
        assert!(err.reason.contains("64-hex-digit"), "{err}");
        let hex = "ab".repeat(32);
        let action = ActionRequest::ChangeWifi {
            band: BandChoice::Ghz2_4,
            ssid: Some(Ssid::parse("Casa Pérez").unwrap()),
            passphrase: Some(WpaPassphrase::parse(&hex).unwrap()),
        };
        let p = plan(&action, &d, &doc, None).unwrap();
        let wlan = "InternetGatewayDevice.LANDevice.1.WLANConfiguration.1";
        assert_eq!(
            p.task,
            Some(TaskSpec::SetParameterValues {
                parameter_values: vec![
                    ParameterValue::string(format!("{wlan}.SSID"), "Casa Pérez"),
                    ParameterValue::string(
                        format!("{wlan}.PreSharedKey.1.PreSharedKey"),
                        hex.clone()
                    ),
                ]
            })
        );
        // The SSID is read back; the key is not (devices hide it).
        assert_eq!(
            p.verify,
            Verification::Values(vec![(format!("{wlan}.SSID"), json!("Casa Pérez"))])
        );
        let no5 = ActionRequest::ChangeWifi {
            band: BandChoice::Ghz5,
            ssid: Some(Ssid::parse("x").unwrap()),
            passphrase: None,
        };
        assert!(plan(&no5, &d, &doc, None)
            .unwrap_err()
            .reason
            .contains("no 5 GHz"));
    }

    #[test]
    fn wifi_on_tr181_finds_the_band_instance_and_the_access_point() {
        let doc = fixture("device-full-tr181.json");
        let d = normalize(&doc).unwrap();
        let action = ActionRequest::ChangeWifi {
            band: BandChoice::Ghz5,
            ssid: Some(Ssid::parse("Casa-5G").unwrap()),
            passphrase: Some(WpaPassphrase::parse("correct horse").unwrap()),
        };
        let p = plan(&action, &d, &doc, None).unwrap();
        let json = serde_json::to_value(p.task.unwrap()).unwrap();
        assert_eq!(
            json,
            json!({"name": "setParameterValues", "parameterValues": [
                ["Device.WiFi.SSID.3.SSID", "Casa-5G", "xsd:string"],
                ["Device.WiFi.AccessPoint.3.Security.KeyPassphrase", "correct horse", "xsd:string"]
            ]})
        );
    }

    #[test]
    fn pppoe_targets_the_internet_wan_and_refuses_without_one() {
        let doc = fixture("device-full-tr181.json");
        let d = normalize(&doc).unwrap();
        let action = ActionRequest::ChangePppoe {
            username: PppoeUsername::parse("cust-77").unwrap(),
            password: PppoePassword::parse("pw-77").unwrap(),
        };
        let p = plan(&action, &d, &doc, None).unwrap();
        match p.task.unwrap() {
            TaskSpec::SetParameterValues { parameter_values } => {
                assert_eq!(
                    parameter_values[0].path(),
                    "Device.PPP.Interface.1.Username"
                );
                assert_eq!(
                    parameter_values[1].path(),
                    "Device.PPP.Interface.1.Password"
                );
            }
            other => panic!("{other:?}"),
        }
        let doc98 = fixture("device-full-tr098.json");
        let d98 = normalize(&doc98).unwrap();
        let err = plan(&action, &d98, &doc98, None).unwrap_err();
        assert!(err.reason.contains("no PPPoE"), "{err}");
    }

    #[test]
    fn set_parameters_checks_existence_writability_and_types() {
        let doc = fixture("device-full-tr098.json");
        let d = normalize(&doc).unwrap();
        let set = |path: &str, value: &str| ActionRequest::SetParameters {
            values: vec![ParamValue {
                path: path.into(),
                value: value.into(),
                xsd_type: None,
            }],
        };
        let p = plan(
            &set(
                "InternetGatewayDevice.ManagementServer.PeriodicInformInterval",
                "600",
            ),
            &d,
            &doc,
            None,
        )
        .unwrap();
        assert_eq!(
            p.task,
            Some(TaskSpec::SetParameterValues {
                parameter_values: vec![ParameterValue::new(
                    "InternetGatewayDevice.ManagementServer.PeriodicInformInterval",
                    json!(600),
                    Xsd::UnsignedInt
                )
                .unwrap()]
            })
        );
        let e = plan(
            &set(
                "InternetGatewayDevice.ManagementServer.PeriodicInformInterval",
                "-5",
            ),
            &d,
            &doc,
            None,
        )
        .unwrap_err();
        assert!(
            e.reason.contains("whole number from 0 to 4294967295"),
            "{e}"
        );
        let e = plan(&set("InternetGatewayDevice.Nope", "1"), &d, &doc, None).unwrap_err();
        assert!(e.reason.contains("does not exist"), "{e}");
        let e = plan(
            &set("InternetGatewayDevice.DeviceInfo.SoftwareVersion", "x"),
            &d,
            &doc,
            None,
        )
        .unwrap_err();
        assert!(e.reason.contains("read-only"), "{e}");
        let e = plan(
            &set("InternetGatewayDevice.DeviceInfo", "x"),
            &d,
            &doc,
            None,
        )
        .unwrap_err();
        assert!(e.reason.contains("object"), "{e}");
    }

    #[test]
    fn firmware_must_exist_and_fit_the_device() {
        let doc = fixture("device-full-tr098.json");
        let d = normalize(&doc).unwrap();
        let action = ActionRequest::UpdateFirmware {
            file: "fw.bin".into(),
            version: None,
        };
        assert!(plan(&action, &d, &doc, None)
            .unwrap_err()
            .reason
            .contains("upload it first"));
        let other = FileInfo {
            name: "fw.bin".into(),
            oui: Some("001141".into()),
            ..FileInfo::default()
        };
        assert!(plan(&action, &d, &doc, Some(&other))
            .unwrap_err()
            .reason
            .contains("OUI 001141"));
        let fits = FileInfo {
            name: "fw.bin".into(),
            oui: Some("202BC1".into()),
            product_class: Some("BM632w".into()),
            version: Some("V100R001IRQC56B018".into()),
            ..FileInfo::default()
        };
        let p = plan(&action, &d, &doc, Some(&fits)).unwrap();
        assert_eq!(
            serde_json::to_value(p.task.unwrap()).unwrap(),
            json!({"name": "download", "file": "fw.bin"})
        );
        assert_eq!(
            p.verify,
            Verification::Firmware {
                version: "V100R001IRQC56B018".into()
            }
        );
    }

    #[test]
    fn reboot_summon_and_refresh() {
        let doc = fixture("device-full-tr181.json");
        let d = normalize(&doc).unwrap();
        assert_eq!(
            serde_json::to_value(plan(&ActionRequest::Reboot, &d, &doc, None).unwrap().task)
                .unwrap(),
            json!({"name": "reboot"})
        );
        assert_eq!(
            plan(&ActionRequest::Summon, &d, &doc, None).unwrap().task,
            None
        );
        assert_eq!(
            serde_json::to_value(plan(&ActionRequest::Refresh, &d, &doc, None).unwrap().task)
                .unwrap(),
            json!({"name": "refreshObject", "objectName": "Device"})
        );
    }
}

#[cfg(test)]
mod secret_tests {
    use super::*;
    use crate::normalize::normalize;

    fn doc() -> Value {
        let text =
            std::fs::read_to_string(acsdesk_captures::fixtures_dir().join("devices-all.json"))
                .unwrap();
        let docs: Vec<Value> = serde_json::from_str(&text).unwrap();
        docs.into_iter().next().unwrap()
    }

    #[test]
    fn secrets_are_known_by_the_registry_whatever_their_case_and_never_echoed() {
        use acsdesk_normalize::registry::{is_secret, shown};
        for secret in [
            "InternetGatewayDevice.WANDevice.1.WANConnectionDevice.1.WANPPPConnection.1.Password",
            "InternetGatewayDevice.LANDevice.1.WLANConfiguration.1.PreSharedKey.1.KeyPassphrase",
            "InternetGatewayDevice.LANDevice.1.WLANConfiguration.1.WEPKey.1.WEPKey",
            "Device.WiFi.AccessPoint.1.Security.SAEPassphrase",
            "Device.WiFi.AccessPoint.1.Security.RadiusSecret",
            "Device.ManagementServer.ConnectionRequestPassword",
            "InternetGatewayDevice.X_HW_Vendor.x_admin_password",
        ] {
            assert!(is_secret(secret), "{secret}");
            assert_eq!(shown(secret, "hunter2"), "(hidden)");
        }
        for plain in [
            "InternetGatewayDevice.WANDevice.1.WANConnectionDevice.1.WANPPPConnection.1.Username",
            "Device.WiFi.SSID.1.SSID",
            "Device.ManagementServer.PeriodicInformInterval",
        ] {
            assert!(!is_secret(plain), "{plain}");
            assert_eq!(shown(plain, "x"), "x");
        }
        // A set of a secret: never read back, never in Debug, never in an error.
        let doc = doc();
        let device = normalize(&doc).unwrap();
        let path = "InternetGatewayDevice.ManagementServer.ConnectionRequestPassword";
        let ok = ActionRequest::SetParameters {
            values: vec![ParamValue {
                path: path.into(),
                value: "hunter2-secret".into(),
                xsd_type: None,
            }],
        };
        let p = plan(&ok, &device, &doc, None).unwrap();
        assert_eq!(p.verify, Verification::FaultFree);
        assert!(!format!("{ok:?}").contains("hunter2"), "{ok:?}");
        let bad = ActionRequest::SetParameters {
            values: vec![ParamValue {
                path: path.into(),
                value: "hunter2-secret".into(),
                xsd_type: Some("xsd:boolean".into()),
            }],
        };
        let err = plan(&bad, &device, &doc, None).unwrap_err().to_string();
        assert!(
            err.contains("not a valid xsd:boolean") && !err.contains("hunter2"),
            "{err}"
        );
    }
}
