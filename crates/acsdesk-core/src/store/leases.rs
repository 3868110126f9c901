//! The action queue's leases: which process sends and follows each ACS connection's
//! actions. A lease is taken or renewed by its owner, taken over when it has expired or
//! its owner is known to be dead, and checked (and renewed) in the same transaction as
//! every claim, so a process that lost it never sends.

use super::{StoreError, TenantStore};

/// The upsert's end: a lease is taken when free, renewed by its owner, taken over when
/// expired (callers may add `OR owner = <a dead one>`).
const TAKE: &str = "ON CONFLICT(acs_id) DO UPDATE SET
    taken_ms = CASE WHEN owner = excluded.owner THEN taken_ms ELSE excluded.taken_ms END,
    owner = excluded.owner,
    heartbeat_ms = excluded.heartbeat_ms,
    expires_ms = excluded.expires_ms
  WHERE owner = excluded.owner OR expires_ms <= excluded.heartbeat_ms";

/// Who holds a connection's lease, when it is not the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeaseHolder {
    /// The owner's id (see `actions::lease::Owner`).
    pub owner: String,
    /// Its last renewal, Unix ms.
    pub heartbeat_ms: i64,
    /// When it lapses unless renewed, Unix ms.
    pub expires_ms: i64,
}

/// The terms a claim is made under: the caller's owner id and how long a renewal lasts.
#[derive(Debug, Clone, Copy)]
pub struct LeaseTerms<'a> {
    /// The claiming process's owner id.
    pub owner: &'a str,
    /// How long the lease lasts from a renewal, ms.
    pub ttl_ms: i64,
}

impl TenantStore {
    /// Takes connection `acs`'s lease for `terms.owner` (or renews it) unless another
    /// owner holds it unexpired; `dead` names a holder known to be dead, whose lease is
    /// taken over at once. `None` when the caller holds it now, else who does.
    pub async fn take_lease(
        &self,
        acs: &str,
        terms: LeaseTerms<'_>,
        now_ms: i64,
        dead: Option<&str>,
    ) -> Result<Option<LeaseHolder>, StoreError> {
        let mut tx = self.write_tx().await?;
        sqlx::query(&format!(
            "INSERT INTO action_leases (acs_id, owner, taken_ms, heartbeat_ms, expires_ms)
             SELECT id, ?1, ?2, ?2, ?3 FROM acs_connections WHERE name = ?4 {TAKE} OR owner = ?5"
        ))
        .bind(terms.owner)
        .bind(now_ms)
        .bind(now_ms.saturating_add(terms.ttl_ms))
        .bind(acs)
        .bind(dead)
        .execute(&mut *tx)
        .await?;
        let holder = sqlx::query_as::<_, (String, i64, i64)>(HOLDER)
            .bind(acs)
            .fetch_optional(&mut *tx)
            .await?;
        tx.commit().await?;
        match holder.map(holder_of) {
            None => Err(StoreError::NotFound(format!("ACS connection \"{acs}\""))),
            Some(h) if h.owner == terms.owner => Ok(None),
            Some(h) => Ok(Some(h)),
        }
    }

    /// Who holds connection `acs`'s lease now, if anyone (expired or not).
    pub async fn lease_holder(&self, acs: &str) -> Result<Option<LeaseHolder>, StoreError> {
        Ok(sqlx::query_as::<_, (String, i64, i64)>(HOLDER)
            .bind(acs)
            .fetch_optional(self.pool())
            .await?
            .map(holder_of))
    }

    /// Gives up every lease `owner` holds (a process that stops sending), so another
    /// process takes over at once rather than when they expire. Returns how many.
    pub async fn release_leases(&self, owner: &str) -> Result<u64, StoreError> {
        Ok(sqlx::query("DELETE FROM action_leases WHERE owner = ?")
            .bind(owner)
            .execute(self.pool())
            .await?
            .rows_affected())
    }
}

/// A connection's lease row, by connection name.
const HOLDER: &str = "SELECT l.owner, l.heartbeat_ms, l.expires_ms FROM action_leases l
    JOIN acs_connections c ON c.id = l.acs_id WHERE c.name = ?";

fn holder_of((owner, heartbeat_ms, expires_ms): (String, i64, i64)) -> LeaseHolder {
    LeaseHolder {
        owner,
        heartbeat_ms,
        expires_ms,
    }
}

/// Within a claim's transaction: takes or renews, for `terms.owner`, the lease of the
/// connection action `id` belongs to; `false` when another owner holds it unexpired.
pub(crate) async fn hold_for_action(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    id: i64,
    terms: LeaseTerms<'_>,
    now_ms: i64,
) -> Result<bool, StoreError> {
    Ok(sqlx::query(&format!(
        "INSERT INTO action_leases (acs_id, owner, taken_ms, heartbeat_ms, expires_ms)
         SELECT d.acs_id, ?1, ?2, ?2, ?3 FROM device_actions a JOIN devices d ON d.id = a.device_id
         WHERE a.id = ?4 {TAKE}"
    ))
    .bind(terms.owner)
    .bind(now_ms)
    .bind(now_ms.saturating_add(terms.ttl_ms))
    .bind(id)
    .execute(&mut **tx)
    .await?
    .rows_affected()
        == 1)
}
