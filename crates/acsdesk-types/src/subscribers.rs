//! Subscribers across IPC: one as listed and as edited, the list's filter, the fields a
//! CSV column holds, an import's request and its row-by-row report, an export's request.

use serde::{Deserialize, Serialize};

/// A subscriber field, as a CSV column holds it: the export's header names, and the
/// usual names of billing exports recognised on import.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubscriberField {
    /// The billing system's account number (the key).
    Account,
    /// Name.
    Name,
    /// Phone.
    Phone,
    /// PPPoE username.
    PppoeUsername,
    /// PPPoE password.
    PppoePassword,
    /// WiFi network name.
    WifiSsid,
    /// WiFi passphrase.
    WifiPassword,
    /// The router's serial.
    Serial,
    /// Plan or bandwidth.
    Plan,
    /// `active`, `suspended` or `terminated`.
    Status,
    /// Free notes.
    Notes,
}

impl SubscriberField {
    /// Every field, in the order the export writes them.
    pub const ALL: [SubscriberField; 11] = [
        SubscriberField::Account,
        SubscriberField::Name,
        SubscriberField::Phone,
        SubscriberField::PppoeUsername,
        SubscriberField::PppoePassword,
        SubscriberField::WifiSsid,
        SubscriberField::WifiPassword,
        SubscriberField::Serial,
        SubscriberField::Plan,
        SubscriberField::Status,
        SubscriberField::Notes,
    ];

    /// The header the export writes, and the name `--map` takes.
    pub fn header(self) -> &'static str {
        match self {
            SubscriberField::Account => "account",
            SubscriberField::Name => "name",
            SubscriberField::Phone => "phone",
            SubscriberField::PppoeUsername => "pppoe_username",
            SubscriberField::PppoePassword => "pppoe_password",
            SubscriberField::WifiSsid => "wifi_ssid",
            SubscriberField::WifiPassword => "wifi_password",
            SubscriberField::Serial => "serial",
            SubscriberField::Plan => "plan",
            SubscriberField::Status => "status",
            SubscriberField::Notes => "notes",
        }
    }

    /// Whether the column holds a secret (left out of exports unless asked for).
    pub fn is_secret(self) -> bool {
        matches!(
            self,
            SubscriberField::PppoePassword | SubscriberField::WifiPassword
        )
    }

    /// The field a header names: our own names, or the usual names of billing exports
    /// (case, spaces, dashes and dots do not matter).
    pub fn recognise(header: &str) -> Option<SubscriberField> {
        let key: String = header
            .trim()
            .to_lowercase()
            .chars()
            .map(|c| if c.is_alphanumeric() { c } else { '_' })
            .collect();
        let key = key.trim_matches('_');
        Some(match key {
            "account" | "account_number" | "account_no" | "account_id" | "customer_id"
            | "client_id" | "contract" => SubscriberField::Account,
            "name" | "full_name" | "customer" | "customer_name" | "client" | "client_name" => {
                SubscriberField::Name
            }
            "phone" | "telephone" | "mobile" | "phone_number" | "cell" => SubscriberField::Phone,
            "pppoe_username" | "pppoe_user" | "ppp_user" | "ppp_username" | "pppoe_login"
            | "username" => SubscriberField::PppoeUsername,
            "pppoe_password" | "pppoe_pass" | "ppp_password" | "ppp_pass" => {
                SubscriberField::PppoePassword
            }
            "wifi_ssid" | "ssid" | "wifi_name" | "wlan_ssid" => SubscriberField::WifiSsid,
            "wifi_password" | "wifi_pass" | "wifi_key" | "wpa_key" | "psk" | "wlan_password" => {
                SubscriberField::WifiPassword
            }
            "serial" | "serial_number" | "sn" | "router_serial" | "ont_serial" => {
                SubscriberField::Serial
            }
            "plan" | "bandwidth" | "service_plan" | "package" => SubscriberField::Plan,
            "status" | "state" => SubscriberField::Status,
            "notes" | "note" | "comment" | "comments" => SubscriberField::Notes,
            _ => return None,
        })
    }

    /// The field named exactly as the export writes it (for `--map HEADER=FIELD`).
    pub fn parse(name: &str) -> Option<SubscriberField> {
        SubscriberField::ALL
            .into_iter()
            .find(|c| c.header() == name.trim().to_ascii_lowercase())
    }
}

/// Request of `import_subscribers`: a billing export, planned and (unless a dry run)
/// applied.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportSubscribersRequest {
    /// The file's text (UTF-8, with or without a byte-order mark; `,` or `;`).
    pub csv: String,
    /// Header → field, over what the headers' names say.
    #[serde(default)]
    pub mapping: Vec<(String, SubscriberField)>,
    /// Only say what would happen.
    #[serde(default)]
    pub dry_run: bool,
}

impl std::fmt::Debug for ImportSubscribersRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The file may hold passwords.
        f.debug_struct("ImportSubscribersRequest")
            .field("csv", &format_args!("<{} bytes>", self.csv.len()))
            .field("mapping", &self.mapping)
            .field("dry_run", &self.dry_run)
            .finish()
    }
}

/// What importing one row does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportOutcome {
    /// A new subscriber.
    Create,
    /// An existing subscriber changed.
    Update,
    /// An existing subscriber the row does not change.
    Unchanged,
    /// Not imported.
    Refused,
}

/// One row of an import's report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportRow {
    /// Its line in the file.
    pub line: u64,
    /// Its account number.
    pub account: String,
    /// What importing it does.
    pub outcome: ImportOutcome,
    /// The fields an update changes.
    #[serde(default)]
    pub changes: Vec<SubscriberField>,
    /// For a refused row: the column at fault, if one is.
    #[serde(default)]
    pub column: Option<SubscriberField>,
    /// For a refused row: why.
    #[serde(default)]
    pub reason: Option<String>,
}

/// Response of `import_subscribers`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportReport {
    /// Rows creating a subscriber.
    pub created: u64,
    /// Rows updating one.
    pub updated: u64,
    /// Rows that change nothing.
    pub unchanged: u64,
    /// Rows refused.
    pub refused: u64,
    /// Headers whose columns are not imported.
    pub ignored_headers: Vec<String>,
    /// Whether the accepted rows were written (not for a dry run).
    pub applied: bool,
    /// Every row, in file order.
    pub rows: Vec<ImportRow>,
}

/// Request of `export_subscribers`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportSubscribersRequest {
    /// Write the PPPoE and WiFi passwords too (the file must then be kept safe).
    #[serde(default)]
    pub with_secrets: bool,
}

/// Response of `export_subscribers`: the file written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportedFile {
    /// Where it is.
    pub path: String,
    /// How many subscribers it holds.
    pub subscribers: u64,
    /// Whether it holds their passwords.
    pub with_secrets: bool,
}

/// A subscriber as listed and shown (never the passwords, only whether they are set).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubscriberInfo {
    /// The billing system's account number.
    pub account: String,
    /// Name.
    pub name: String,
    /// Phone.
    pub phone: Option<String>,
    /// PPPoE username.
    pub pppoe_username: Option<String>,
    /// Whether a PPPoE password is stored.
    pub has_pppoe_password: bool,
    /// WiFi network name.
    pub wifi_ssid: Option<String>,
    /// Whether a WiFi password is stored.
    pub has_wifi_password: bool,
    /// Plan or bandwidth.
    pub plan: Option<String>,
    /// Notes.
    pub notes: Option<String>,
    /// `active`, `suspended` or `terminated`.
    pub status: String,
    /// The linked router's serial.
    pub serial: Option<String>,
    /// The GenieACS ids of the devices with that serial (none: not seen yet).
    pub devices: Vec<String>,
}

/// Request of `list_subscribers`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListSubscribersRequest {
    /// Text in the account, name, phone, PPPoE user or serial.
    #[serde(default)]
    pub search: Option<String>,
    /// Only those linked to a router (`true`) or not (`false`).
    #[serde(default)]
    pub linked: Option<bool>,
    /// Only those whose router has this problem.
    #[serde(default)]
    pub problem: Option<crate::RouterProblem>,
    /// Only this billing status (`active`, `suspended`, `terminated`).
    #[serde(default)]
    pub status: Option<String>,
    /// At most this many (by name).
    pub limit: u32,
}

/// Request of `save_subscriber`: a new subscriber, or the one at `original` changed.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaveSubscriberRequest {
    /// The account being edited; none for a new subscriber.
    #[serde(default)]
    pub original: Option<String>,
    /// Account number.
    pub account: String,
    /// Name.
    pub name: String,
    /// Phone.
    #[serde(default)]
    pub phone: Option<String>,
    /// PPPoE username.
    #[serde(default)]
    pub pppoe_username: Option<String>,
    /// A new PPPoE password (none: keep the stored one).
    #[serde(default)]
    pub pppoe_password: Option<crate::secret::Secret>,
    /// WiFi network name.
    #[serde(default)]
    pub wifi_ssid: Option<String>,
    /// A new WiFi password (none: keep the stored one).
    #[serde(default)]
    pub wifi_password: Option<crate::secret::Secret>,
    /// Plan.
    #[serde(default)]
    pub plan: Option<String>,
    /// Notes.
    #[serde(default)]
    pub notes: Option<String>,
    /// `active`, `suspended` or `terminated`.
    pub status: String,
    /// The router's serial (none: unlinked).
    #[serde(default)]
    pub serial: Option<String>,
}

impl std::fmt::Debug for SaveSubscriberRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let set = |s: &Option<crate::secret::Secret>| s.as_ref().map(|_| "<redacted>");
        f.debug_struct("SaveSubscriberRequest")
            .field("original", &self.original)
            .field("account", &self.account)
            .field("pppoe_password", &set(&self.pppoe_password))
            .field("wifi_password", &set(&self.wifi_password))
            .finish_non_exhaustive()
    }
}

/// Request of `remove_subscriber`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemoveSubscriberRequest {
    /// Account number.
    pub account: String,
}
