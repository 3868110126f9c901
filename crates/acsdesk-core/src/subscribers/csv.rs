//! Subscribers from and to the billing system's CSV files. Reading detects the delimiter
//! (`,` or `;`), a UTF-8 byte-order mark and the header row, maps columns by their names
//! (ours, as the export writes them, and the usual billing names), and checks every row
//! with the rules the forms use. [`plan`] then says per row what an import would do —
//! create, update, leave unchanged, or refuse with the line, the column and why — and
//! [`TenantStore::import_subscribers`] applies the accepted rows in one transaction,
//! keyed by account number, so importing the same file again changes nothing.

use crate::store::subscribers::{Subscriber, SubscriberInput, SubscriberSecrets, SubscriberStatus};
use crate::store::{StoreError, TenantStore};
use acsdesk_types::input::{PppoePassword, PppoeUsername, SerialNumber, Ssid, WpaPassphrase};
use std::collections::HashMap;

pub use acsdesk_types::subscribers::SubscriberField as Column;

/// Why a file could not be read at all (a row's problems are in its [`RowPlan`]).
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CsvError {
    /// Not UTF-8 text.
    #[error("the file is not UTF-8 text (line {line}); save it as UTF-8 CSV")]
    NotUtf8 {
        /// Where.
        line: u64,
    },
    /// The file has no rows.
    #[error("the file is empty")]
    Empty,
    /// The CSV itself is broken (an unclosed quote…).
    #[error("line {line}: {reason}")]
    Malformed {
        /// Where.
        line: u64,
        /// What.
        reason: String,
    },
    /// No column holds the account number (or the name).
    #[error("no column holds the {}: name one with --map HEADER={} (columns: {})", .missing.header(), .missing.header(), .headers.join(", "))]
    Unmapped {
        /// The field no column holds.
        missing: Column,
        /// The file's headers.
        headers: Vec<String>,
    },
    /// A `--map` names a header the file does not have.
    #[error("the file has no column {0:?}")]
    NoSuchHeader(String),
}

/// A file read: its headers, which field each column holds, and its rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvFile {
    /// The header row as written.
    pub headers: Vec<String>,
    /// The field of each column (`None`: not imported).
    pub mapping: Vec<Option<Column>>,
    /// The delimiter found.
    pub delimiter: u8,
    /// The data rows with their line numbers in the file.
    pub rows: Vec<(u64, Vec<String>)>,
}

impl CsvFile {
    /// Reads a billing export. `overrides` map a header to a field (`Customer Ref` →
    /// account), over what the headers' names say.
    pub fn read(bytes: &[u8], overrides: &[(String, Column)]) -> Result<Self, CsvError> {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let delimiter = sniff_delimiter(bytes);
        let mut reader = ::csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .from_reader(bytes);
        let mut records = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|e| csv_error(&e))?;
            let line = record.position().map_or(0, |p| p.line());
            // A row of empty cells (a trailing `;;;` line) is no row.
            if record.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            records.push((line, record.iter().map(str::to_owned).collect::<Vec<_>>()));
        }
        let mut records = records.into_iter();
        let (_, headers) = records.next().ok_or(CsvError::Empty)?;
        let mut mapping: Vec<Option<Column>> =
            headers.iter().map(|h| Column::recognise(h)).collect();
        for (header, column) in overrides {
            let i = headers
                .iter()
                .position(|h| h.trim() == header.trim())
                .ok_or_else(|| CsvError::NoSuchHeader(header.clone()))?;
            // A field comes from one column only.
            for m in mapping.iter_mut().filter(|m| **m == Some(*column)) {
                *m = None;
            }
            mapping[i] = Some(*column);
        }
        for required in [Column::Account, Column::Name] {
            if !mapping.contains(&Some(required)) {
                return Err(CsvError::Unmapped {
                    missing: required,
                    headers,
                });
            }
        }
        Ok(Self {
            headers,
            mapping,
            delimiter,
            rows: records.collect(),
        })
    }

    /// The headers no field was found for (their columns are not imported).
    pub fn ignored_headers(&self) -> Vec<&str> {
        self.headers
            .iter()
            .zip(&self.mapping)
            .filter(|(_, m)| m.is_none())
            .map(|(h, _)| h.as_str())
            .collect()
    }

    fn cell<'a>(&self, row: &'a [String], column: Column) -> Option<&'a str> {
        let i = self.mapping.iter().position(|m| *m == Some(column))?;
        Some(row.get(i).map_or("", |c| c.trim()))
    }
}

/// `;` when the header line has more of them than commas (outside quotes), else `,`.
fn sniff_delimiter(bytes: &[u8]) -> u8 {
    let (mut commas, mut semicolons, mut quoted) = (0, 0, false);
    for &b in bytes {
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => break,
            b',' if !quoted => commas += 1,
            b';' if !quoted => semicolons += 1,
            _ => {}
        }
    }
    if semicolons > commas {
        b';'
    } else {
        b','
    }
}

fn csv_error(e: &::csv::Error) -> CsvError {
    let line = e.position().map_or(0, |p| p.line());
    match e.kind() {
        ::csv::ErrorKind::Utf8 { .. } => CsvError::NotUtf8 { line },
        _ => CsvError::Malformed {
            line,
            reason: e.to_string(),
        },
    }
}

/// What importing one row would do.
#[derive(Debug, Clone, PartialEq)]
pub enum RowPlan {
    /// A new subscriber.
    Create,
    /// An existing subscriber whose listed fields change.
    Update(Vec<Column>),
    /// An existing subscriber the row does not change.
    Unchanged,
    /// Not imported: the column at fault (if one is) and why.
    Refused {
        /// The column at fault.
        column: Option<Column>,
        /// Why, for people.
        reason: String,
    },
}

/// One row's plan.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedRow {
    /// Its line in the file.
    pub line: u64,
    /// Its account number (as written).
    pub account: String,
    /// What importing it does.
    pub plan: RowPlan,
    /// The subscriber it makes (not for a refused row).
    pub input: Option<SubscriberInput>,
}

/// What importing a file would do, row by row.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportPlan {
    /// Every row, in file order.
    pub rows: Vec<PlannedRow>,
    /// Headers whose columns are not imported.
    pub ignored_headers: Vec<String>,
}

impl ImportPlan {
    /// How many rows would be created, updated, left unchanged and refused.
    pub fn counts(&self) -> (usize, usize, usize, usize) {
        let mut c = (0, 0, 0, 0);
        for r in &self.rows {
            match r.plan {
                RowPlan::Create => c.0 += 1,
                RowPlan::Update(_) => c.1 += 1,
                RowPlan::Unchanged => c.2 += 1,
                RowPlan::Refused { .. } => c.3 += 1,
            }
        }
        c
    }
}

fn refuse(column: Column, reason: impl Into<String>) -> RowPlan {
    RowPlan::Refused {
        column: Some(column),
        reason: reason.into(),
    }
}

/// Builds the subscriber a row describes over what is stored (`existing`): a column the
/// file lacks keeps the stored value, an empty cell clears it — except a password,
/// which an empty cell keeps (GenieACS and billing exports rarely carry them).
fn row_input(
    file: &CsvFile,
    row: &[String],
    existing: Option<&(Subscriber, SubscriberSecrets)>,
) -> Result<SubscriberInput, RowPlan> {
    let cell = |c: Column| file.cell(row, c);
    let account = cell(Column::Account).unwrap_or_default();
    let name = cell(Column::Name).unwrap_or_default();
    let mut input = SubscriberInput::new(account, name);
    let text = |c: Column, stored: Option<&String>| match cell(c) {
        None => stored.cloned(),
        Some("") => None,
        Some(v) => Some(v.to_owned()),
    };
    let (stored, secrets) = match existing {
        Some((s, sec)) => (Some(s), Some(sec)),
        None => (None, None),
    };
    input.phone = text(Column::Phone, stored.and_then(|s| s.phone.as_ref()));
    input.plan = text(Column::Plan, stored.and_then(|s| s.plan.as_ref()));
    input.notes = text(Column::Notes, stored.and_then(|s| s.notes.as_ref()));
    input.pppoe_username = text(
        Column::PppoeUsername,
        stored.and_then(|s| s.pppoe_username.as_ref()),
    )
    .map(|u| PppoeUsername::parse(&u))
    .transpose()
    .map_err(|e| refuse(Column::PppoeUsername, e.reason))?;
    input.wifi_ssid = text(Column::WifiSsid, stored.and_then(|s| s.wifi_ssid.as_ref()))
        .map(|u| Ssid::parse(&u))
        .transpose()
        .map_err(|e| refuse(Column::WifiSsid, e.reason))?;
    input.serial = text(Column::Serial, stored.and_then(|s| s.serial.as_ref()))
        .map(|u| SerialNumber::parse(&u))
        .transpose()
        .map_err(|e| refuse(Column::Serial, e.reason))?;
    input.status = match cell(Column::Status) {
        None | Some("") => stored.map_or(SubscriberStatus::Active, |s| s.status),
        Some(v) => SubscriberStatus::parse(v).map_err(|e| refuse(Column::Status, reason(e)))?,
    };
    let secret = |c: Column, stored: Option<&String>| match cell(c) {
        None | Some("") => stored.cloned(),
        Some(v) => Some(v.to_owned()),
    };
    input.pppoe_password = secret(
        Column::PppoePassword,
        secrets.and_then(|s| s.pppoe_password.as_ref()),
    )
    .map(|p| PppoePassword::parse(&p))
    .transpose()
    .map_err(|e| refuse(Column::PppoePassword, e.reason))?;
    input.wifi_password = secret(
        Column::WifiPassword,
        secrets.and_then(|s| s.wifi_password.as_ref()),
    )
    .map(|p| WpaPassphrase::parse(&p))
    .transpose()
    .map_err(|e| refuse(Column::WifiPassword, e.reason))?;
    input.check().map_err(|e| match e {
        StoreError::Invalid { field, reason } => RowPlan::Refused {
            column: Column::parse(field),
            reason,
        },
        other => RowPlan::Refused {
            column: None,
            reason: other.to_string(),
        },
    })?;
    Ok(input)
}

fn reason(e: StoreError) -> String {
    match e {
        StoreError::Invalid { reason, .. } => reason,
        other => other.to_string(),
    }
}

/// The fields in which `input` differs from what is stored.
fn changes(
    input: &SubscriberInput,
    stored: &Subscriber,
    secrets: &SubscriberSecrets,
) -> Vec<Column> {
    let mut out = Vec::new();
    let mut differ = |c: Column, a: Option<&str>, b: Option<&str>| {
        if a != b {
            out.push(c);
        }
    };
    differ(
        Column::Name,
        Some(input.name.trim()),
        Some(stored.name.as_str()),
    );
    differ(
        Column::Phone,
        input.phone.as_deref().map(str::trim),
        stored.phone.as_deref(),
    );
    differ(
        Column::PppoeUsername,
        input.pppoe_username.as_ref().map(PppoeUsername::as_str),
        stored.pppoe_username.as_deref(),
    );
    differ(
        Column::PppoePassword,
        input.pppoe_password.as_ref().map(PppoePassword::reveal),
        secrets.pppoe_password.as_deref(),
    );
    differ(
        Column::WifiSsid,
        input.wifi_ssid.as_ref().map(Ssid::as_str),
        stored.wifi_ssid.as_deref(),
    );
    differ(
        Column::WifiPassword,
        input.wifi_password.as_ref().map(WpaPassphrase::reveal),
        secrets.wifi_password.as_deref(),
    );
    differ(
        Column::Serial,
        input.serial.as_ref().map(SerialNumber::as_str),
        stored.serial.as_deref(),
    );
    differ(Column::Plan, input.plan.as_deref(), stored.plan.as_deref());
    differ(
        Column::Notes,
        input.notes.as_deref(),
        stored.notes.as_deref(),
    );
    differ(
        Column::Status,
        Some(input.status.as_str()),
        Some(stored.status.as_str()),
    );
    out
}

/// What importing `file` into `tenant` would do, row by row; nothing is written.
pub async fn plan(file: &CsvFile, tenant: &TenantStore) -> Result<ImportPlan, StoreError> {
    let stored = tenant.subscribers_with_secrets().await?;
    let by_account: HashMap<&str, &(Subscriber, SubscriberSecrets)> =
        stored.iter().map(|e| (e.0.account.as_str(), e)).collect();
    // Serials held by subscribers, to name the one a row would take a router from.
    let serial_owner: HashMap<&str, &str> = stored
        .iter()
        .filter_map(|(s, _)| Some((s.serial.as_deref()?, s.account.as_str())))
        .collect();
    let mut seen_accounts: HashMap<String, u64> = HashMap::new();
    let mut seen_serials: HashMap<String, (u64, String)> = HashMap::new();
    let mut rows = Vec::with_capacity(file.rows.len());
    for (line, row) in &file.rows {
        let account = file
            .cell(row, Column::Account)
            .unwrap_or_default()
            .to_owned();
        let existing = by_account.get(account.as_str()).copied();
        let mut planned = match row_input(file, row, existing) {
            Err(refused) => PlannedRow {
                line: *line,
                account: account.clone(),
                plan: refused,
                input: None,
            },
            Ok(input) => {
                let plan = match existing {
                    None => RowPlan::Create,
                    Some((s, sec)) => match changes(&input, s, sec) {
                        c if c.is_empty() => RowPlan::Unchanged,
                        c => RowPlan::Update(c),
                    },
                };
                PlannedRow {
                    line: *line,
                    account: account.clone(),
                    plan,
                    input: Some(input),
                }
            }
        };
        if let Some(first) = seen_accounts.get(&account) {
            planned.plan = refuse(
                Column::Account,
                format!("account {account} is on line {first} too"),
            );
            planned.input = None;
        } else if !account.is_empty() {
            seen_accounts.insert(account.clone(), *line);
        }
        if let Some(serial) = planned
            .input
            .as_ref()
            .and_then(|i| i.serial.as_ref())
            .map(|s| s.as_str().to_owned())
        {
            if let Some((first, other)) = seen_serials.get(&serial) {
                planned.plan = refuse(
                    Column::Serial,
                    format!("router {serial} is also on line {first} (account {other})"),
                );
                planned.input = None;
            } else {
                seen_serials.insert(serial, (*line, account.clone()));
            }
        }
        rows.push(planned);
    }
    // A router held by a subscriber that keeps it (not in the file, or given another
    // serial by it) cannot be taken by another row.
    let keeps = |owner: &str, serial: &str| match rows.iter().find(|r| r.account == owner) {
        None => true,
        Some(r) => {
            r.input
                .as_ref()
                .and_then(|i| i.serial.as_ref())
                .is_some_and(|s| s.as_str() == serial)
                || r.input.is_none()
        }
    };
    let taken: Vec<(usize, String)> = rows
        .iter()
        .enumerate()
        .filter_map(|(i, r)| {
            let serial = r.input.as_ref()?.serial.as_ref()?.as_str();
            let owner = *serial_owner.get(serial)?;
            (owner != r.account && keeps(owner, serial)).then(|| {
                let name = by_account.get(owner).map_or(owner.to_owned(), |(s, _)| {
                    format!("{} ({})", s.name, s.account)
                });
                (i, format!("router {serial} is linked to {name}"))
            })
        })
        .collect();
    for (i, why) in taken {
        rows[i].plan = refuse(Column::Serial, why);
        rows[i].input = None;
    }
    Ok(ImportPlan {
        rows,
        ignored_headers: file
            .ignored_headers()
            .into_iter()
            .map(str::to_owned)
            .collect(),
    })
}

/// The subscribers as CSV with the export's header row. Passwords are written only
/// when `secrets` holds them (the caller asked for them, knowingly).
pub fn export(
    subscribers: &[(Subscriber, Option<SubscriberSecrets>)],
    with_secrets: bool,
) -> String {
    let columns: Vec<Column> = Column::ALL
        .into_iter()
        .filter(|c| with_secrets || !c.is_secret())
        .collect();
    let mut writer = ::csv::WriterBuilder::new().from_writer(Vec::new());
    let mut record = |values: Vec<String>| {
        // Writing to memory cannot fail; a value is quoted as it needs.
        let _ = writer.write_record(values);
    };
    record(columns.iter().map(|c| c.header().to_owned()).collect());
    for (s, sec) in subscribers {
        let value = |c: Column| -> String {
            let v = match c {
                Column::Account => Some(s.account.clone()),
                Column::Name => Some(s.name.clone()),
                Column::Phone => s.phone.clone(),
                Column::PppoeUsername => s.pppoe_username.clone(),
                Column::PppoePassword => sec.as_ref().and_then(|x| x.pppoe_password.clone()),
                Column::WifiSsid => s.wifi_ssid.clone(),
                Column::WifiPassword => sec.as_ref().and_then(|x| x.wifi_password.clone()),
                Column::Serial => s.serial.clone(),
                Column::Plan => s.plan.clone(),
                Column::Status => Some(s.status.as_str().to_owned()),
                Column::Notes => s.notes.clone(),
            };
            v.unwrap_or_default()
        };
        record(columns.iter().map(|c| value(*c)).collect());
    }
    let bytes = writer.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

#[cfg(test)]
mod tests;
