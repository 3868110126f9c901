//! The alert outbox: notifications to the tenant's channels kept until delivered — added
//! in one transaction, each claimed by one process before it is sent (a claim lasts a
//! while, so a process that stops mid-send leaves it to be tried again), ended as
//! delivered or failed, or put back for a later try.

use super::{StoreError, TenantStore};
use sqlx::Row;

/// One notification to one channel (one phone of an SMS gateway).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxEntry {
    /// Row id.
    pub id: i64,
    /// What the receiver sees on every attempt, to drop a repeat.
    pub delivery_id: String,
    /// The channel's name.
    pub channel: String,
    /// The phone number, for an SMS gateway.
    pub target: Option<String>,
    /// The message (an `AlertMessage`), as JSON.
    pub message_json: String,
    /// The alert keys it is about, as JSON.
    pub problems_json: String,
    /// Attempts so far (the claim counts one).
    pub attempts: i64,
}

/// A notification to add.
#[derive(Debug, Clone)]
pub struct NewOutboxEntry {
    /// Its delivery id (random, unique).
    pub delivery_id: String,
    /// The channel's name.
    pub channel: String,
    /// The phone number, for an SMS gateway.
    pub target: Option<String>,
    /// The message, as JSON.
    pub message_json: String,
    /// The alert keys it is about, as JSON.
    pub problems_json: String,
}

/// How a pending entry stands, for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxPending {
    /// The channel's name.
    pub channel: String,
    /// Attempts so far.
    pub attempts: i64,
    /// When it is tried next, Unix ms.
    pub next_try_ms: i64,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
}

impl TenantStore {
    /// Adds notifications, due at once, in one transaction.
    pub async fn add_to_outbox(
        &self,
        entries: &[NewOutboxEntry],
        now_ms: i64,
    ) -> Result<(), StoreError> {
        if entries.is_empty() {
            return Ok(());
        }
        let mut tx = self.write_tx().await?;
        for e in entries {
            sqlx::query(
                "INSERT INTO alert_outbox (delivery_id, channel, target, message_json, problems_json,
                    status, next_try_ms, created_ms) VALUES (?, ?, ?, ?, ?, 'pending', ?, ?)",
            )
            .bind(&e.delivery_id)
            .bind(&e.channel)
            .bind(&e.target)
            .bind(&e.message_json)
            .bind(&e.problems_json)
            .bind(now_ms)
            .bind(now_ms)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Claims up to `limit` due entries for sending: each counts one more attempt and is
    /// not due again before `now_ms + hold_ms` (another process claims none of them
    /// meanwhile; one that stops mid-send leaves them to be tried then).
    pub async fn claim_outbox(
        &self,
        now_ms: i64,
        hold_ms: i64,
        limit: u32,
    ) -> Result<Vec<OutboxEntry>, StoreError> {
        // Most drains find nothing due: a read says so without taking the write lock.
        let due: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM alert_outbox WHERE status = 'pending' AND next_try_ms <= ? LIMIT 1",
        )
        .bind(now_ms)
        .fetch_optional(self.pool())
        .await?;
        if due.is_none() {
            return Ok(Vec::new());
        }
        let mut tx = self.write_tx().await?;
        let rows = sqlx::query(
            "UPDATE alert_outbox SET attempts = attempts + 1, next_try_ms = ?1
             WHERE id IN (SELECT id FROM alert_outbox WHERE status = 'pending' AND next_try_ms <= ?2
                          ORDER BY id LIMIT ?3)
             RETURNING id, delivery_id, channel, target, message_json, problems_json, attempts",
        )
        .bind(now_ms.saturating_add(hold_ms))
        .bind(now_ms)
        .bind(i64::from(limit))
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        let mut out: Vec<OutboxEntry> = rows
            .iter()
            .map(|r| OutboxEntry {
                id: r.get("id"),
                delivery_id: r.get("delivery_id"),
                channel: r.get("channel"),
                target: r.get("target"),
                message_json: r.get("message_json"),
                problems_json: r.get("problems_json"),
                attempts: r.get("attempts"),
            })
            .collect();
        out.sort_by_key(|e| e.id);
        Ok(out)
    }

    /// Ends an entry: delivered, or failed for good with why.
    pub async fn finish_outbox(
        &self,
        id: i64,
        failed: Option<&str>,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE alert_outbox SET status = ?, last_error = ?, finished_ms = ? WHERE id = ?",
        )
        .bind(if failed.is_some() {
            "failed"
        } else {
            "delivered"
        })
        .bind(failed)
        .bind(now_ms)
        .bind(id)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Puts an entry back for a try at `at_ms`, with why the last one failed.
    pub async fn retry_outbox(&self, id: i64, error: &str, at_ms: i64) -> Result<(), StoreError> {
        sqlx::query("UPDATE alert_outbox SET next_try_ms = ?, last_error = ? WHERE id = ?")
            .bind(at_ms)
            .bind(error)
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// The entries still to deliver, oldest first.
    pub async fn pending_outbox(&self) -> Result<Vec<OutboxPending>, StoreError> {
        let rows = sqlx::query(
            "SELECT channel, attempts, next_try_ms, last_error FROM alert_outbox
             WHERE status = 'pending' ORDER BY id",
        )
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .iter()
            .map(|r| OutboxPending {
                channel: r.get("channel"),
                attempts: r.get("attempts"),
                next_try_ms: r.get("next_try_ms"),
                last_error: r.get("last_error"),
            })
            .collect())
    }
}
