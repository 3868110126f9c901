//! Subscribers in bulk: a billing export imported (planned row by row, then the accepted
//! rows written at once; a dry run only says what would happen) and the subscribers
//! exported as CSV, passwords only when asked for.

use crate::Services;
use acsdesk_core::subscribers::csv::{self, CsvFile, RowPlan};
use acsdesk_types::subscribers::{
    ExportSubscribersRequest, ImportOutcome, ImportReport, ImportRow, ImportSubscribersRequest,
};
use acsdesk_types::{ErrorCode, IpcError};

impl Services {
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
}
