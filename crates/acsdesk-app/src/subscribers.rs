//! Subscribers: listed and searched, created, changed and deleted one at a time (the
//! forms' rules), a billing export imported (planned row by row, then the accepted rows
//! written at once; a dry run only says what would happen), and exported as CSV,
//! passwords only when asked for.

use crate::Services;
use acsdesk_core::store::subscribers::{
    Subscriber, SubscriberFilter, SubscriberInput, SubscriberStatus,
};
use acsdesk_core::subscribers::csv::{self, CsvFile, RowPlan};
use acsdesk_types::input::{PppoePassword, PppoeUsername, SerialNumber, Ssid, WpaPassphrase};
use acsdesk_types::subscribers::{
    ExportSubscribersRequest, ExportedFile, ImportOutcome, ImportReport, ImportRow,
    ImportSubscribersRequest, ListSubscribersRequest, RemoveSubscriberRequest,
    SaveSubscriberRequest, SubscriberInfo,
};
use acsdesk_types::{ErrorCode, IpcError};

impl Services {
    /// Subscribers matching a search, by name.
    pub async fn list_subscribers(
        &self,
        request: ListSubscribersRequest,
    ) -> Result<Vec<SubscriberInfo>, IpcError> {
        let rows = self
            .tenant
            .list_subscribers(&SubscriberFilter {
                search: request.search,
                status: request.status,
                linked: request.linked,
                problem: request.problem,
                limit: Some(request.limit.clamp(1, 100_000)),
            })
            .await?;
        Ok(rows.into_iter().map(subscriber_info).collect())
    }

    /// Creates a subscriber, or changes the one at `original`; every field is checked
    /// with the forms' rules first, and a router linked to someone else is refused,
    /// naming them.
    pub async fn save_subscriber(
        &self,
        request: SaveSubscriberRequest,
    ) -> Result<SubscriberInfo, IpcError> {
        let invalid = |e: acsdesk_types::input::InvalidInput| {
            IpcError::new(ErrorCode::Invalid, e.to_string())
        };
        let text = |t: Option<String>| t.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty());
        let mut input = SubscriberInput::new(&request.account, &request.name);
        input.phone = text(request.phone);
        input.plan = text(request.plan);
        input.notes = text(request.notes);
        input.pppoe_username = text(request.pppoe_username)
            .map(|u| PppoeUsername::parse(&u))
            .transpose()
            .map_err(invalid)?;
        input.pppoe_password = request
            .pppoe_password
            .filter(|p| !p.is_empty())
            .map(|p| PppoePassword::parse(p.expose()))
            .transpose()
            .map_err(invalid)?;
        input.wifi_ssid = text(request.wifi_ssid)
            .map(|s| Ssid::parse(&s))
            .transpose()
            .map_err(invalid)?;
        input.wifi_password = request
            .wifi_password
            .filter(|p| !p.is_empty())
            .map(|p| WpaPassphrase::parse(p.expose()))
            .transpose()
            .map_err(invalid)?;
        input.serial = text(request.serial)
            .map(|s| SerialNumber::parse(&s))
            .transpose()
            .map_err(invalid)?;
        input.status = SubscriberStatus::parse(&request.status)?;
        if let Some(serial) = &input.serial {
            self.refuse_taken_serial(serial, request.original.as_deref())
                .await?;
        }
        let saved = match &request.original {
            Some(original) => {
                self.tenant
                    .update_subscriber(original, &input, self.now())
                    .await?
            }
            None => self.tenant.add_subscriber(&input, self.now()).await?,
        };
        self.reprovision().await;
        Ok(subscriber_info(saved))
    }

    /// A router already linked to another subscriber is refused, naming them.
    async fn refuse_taken_serial(
        &self,
        serial: &SerialNumber,
        editing: Option<&str>,
    ) -> Result<(), IpcError> {
        let holders = self
            .tenant
            .list_subscribers(&SubscriberFilter {
                search: Some(serial.as_str().to_owned()),
                limit: Some(50),
                ..SubscriberFilter::default()
            })
            .await?;
        match holders.iter().find(|s| {
            s.serial.as_deref() == Some(serial.as_str()) && Some(s.account.as_str()) != editing
        }) {
            Some(other) => Err(IpcError::new(
                ErrorCode::Conflict,
                format!(
                    "serial: router {} is linked to {} ({}); unlink it there first",
                    serial.as_str(),
                    other.name,
                    other.account
                ),
            )),
            None => Ok(()),
        }
    }

    /// Deletes a subscriber; the router stays, unlinked (and its preset goes from
    /// GenieACS where auto-provisioning is installed).
    pub async fn remove_subscriber(
        &self,
        request: RemoveSubscriberRequest,
    ) -> Result<(), IpcError> {
        self.tenant.remove_subscriber(&request.account).await?;
        self.reprovision().await;
        Ok(())
    }

    /// One subscriber.
    pub async fn subscriber(&self, account: &str) -> Result<SubscriberInfo, IpcError> {
        Ok(subscriber_info(self.tenant.subscriber(account).await?))
    }

    /// Links a router to a subscriber by its serial, checked like the form's (a router
    /// linked to someone else is refused, naming them); one GenieACS has not met yet is
    /// kept as expected and linked when it informs.
    pub async fn link_subscriber(
        &self,
        account: &str,
        serial: &str,
    ) -> Result<SubscriberInfo, IpcError> {
        let serial = SerialNumber::parse(serial)
            .map_err(|e| IpcError::new(ErrorCode::Invalid, e.to_string()))?;
        self.refuse_taken_serial(&serial, Some(account)).await?;
        let linked = self
            .tenant
            .link_subscriber(account, &serial, self.now())
            .await?;
        self.reprovision().await;
        Ok(subscriber_info(linked))
    }

    /// Takes a subscriber's router away from them; the router stays in the fleet.
    pub async fn unlink_subscriber(&self, account: &str) -> Result<(), IpcError> {
        self.tenant.unlink_subscriber(account, self.now()).await?;
        self.reprovision().await;
        Ok(())
    }

    /// Plans the import of a billing export and, unless it is a dry run, writes the
    /// accepted rows in one transaction. Refused rows are reported with their line,
    /// column and reason, never written.
    pub async fn import_subscribers(
        &self,
        request: ImportSubscribersRequest,
    ) -> Result<ImportReport, IpcError> {
        let file = CsvFile::read(request.csv.as_bytes(), &request.mapping)
            .map_err(|e| IpcError::new(ErrorCode::Invalid, e.to_string()))?;
        let plan = csv::plan(&file, &self.tenant).await?;
        let (created, updated, unchanged, refused) = plan.counts();
        let applied = !request.dry_run;
        if applied {
            let accepted: Vec<_> = plan
                .rows
                .iter()
                .filter(|r| matches!(r.plan, RowPlan::Create | RowPlan::Update(_)))
                .filter_map(|r| r.input.clone())
                .collect();
            if !accepted.is_empty() {
                self.tenant
                    .import_subscribers(&accepted, self.now())
                    .await?;
                // The routers get their presets now; they apply them at their next inform.
                self.reprovision().await;
            }
        }
        Ok(ImportReport {
            created: created as u64,
            updated: updated as u64,
            unchanged: unchanged as u64,
            refused: refused as u64,
            ignored_headers: plan.ignored_headers,
            applied,
            rows: plan
                .rows
                .into_iter()
                .map(|r| {
                    let (outcome, changes, column, reason) = match r.plan {
                        RowPlan::Create => (ImportOutcome::Create, Vec::new(), None, None),
                        RowPlan::Update(c) => (ImportOutcome::Update, c, None, None),
                        RowPlan::Unchanged => (ImportOutcome::Unchanged, Vec::new(), None, None),
                        RowPlan::Refused { column, reason } => {
                            (ImportOutcome::Refused, Vec::new(), column, Some(reason))
                        }
                    };
                    ImportRow {
                        line: r.line,
                        account: r.account,
                        outcome,
                        changes,
                        column,
                        reason,
                    }
                })
                .collect(),
        })
    }

    /// The tenant's subscribers as CSV (the import reads it back unchanged).
    pub async fn export_subscribers(
        &self,
        request: ExportSubscribersRequest,
    ) -> Result<String, IpcError> {
        let all = self.tenant.subscribers_with_secrets().await?;
        let rows: Vec<_> = all
            .into_iter()
            .map(|(s, sec)| (s, request.with_secrets.then_some(sec)))
            .collect();
        Ok(csv::export(&rows, request.with_secrets))
    }

    /// The export written to a new file in `dir` (readable by its owner only, as it may
    /// hold passwords), named with the time: what the desktop's *Export CSV* does.
    pub async fn export_subscribers_file(
        &self,
        request: ExportSubscribersRequest,
        dir: &std::path::Path,
    ) -> Result<ExportedFile, IpcError> {
        let with_secrets = request.with_secrets;
        let text = self.export_subscribers(request).await?;
        let path =
            crate::exports::write_new(dir, ("subscribers", "csv"), self.now(), text.as_bytes())?;
        Ok(ExportedFile {
            path: path.display().to_string(),
            subscribers: text.lines().count().saturating_sub(1) as u64,
            with_secrets,
        })
    }
}

fn subscriber_info(s: Subscriber) -> SubscriberInfo {
    SubscriberInfo {
        account: s.account,
        name: s.name,
        phone: s.phone,
        pppoe_username: s.pppoe_username,
        has_pppoe_password: s.has_pppoe_password,
        wifi_ssid: s.wifi_ssid,
        has_wifi_password: s.has_wifi_password,
        plan: s.plan,
        notes: s.notes,
        status: s.status.as_str().to_owned(),
        serial: s.serial,
        devices: s.devices,
    }
}
