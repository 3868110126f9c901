//! Subscribers in bulk, for imports and exports: every subscriber with its passwords,
//! and an upsert of many by account number in one transaction that relinks the routers.

use super::subscribers::{
    row_to_subscriber, serial_conflict, Subscriber, SubscriberInput, SubscriberSecrets, COLUMNS,
};
use super::{StoreError, TenantStore};
use acsdesk_types::input::{PppoePassword, PppoeUsername, SerialNumber, Ssid, WpaPassphrase};
use sqlx::Row;

impl TenantStore {
    /// Every subscriber with its passwords (for an import's comparison or an export
    /// that asked for them). Never log them.
    pub async fn subscribers_with_secrets(
        &self,
    ) -> Result<Vec<(Subscriber, SubscriberSecrets)>, StoreError> {
        let rows = sqlx::query(&format!("{COLUMNS} ORDER BY s.account"))
            .fetch_all(self.pool())
            .await?;
        let secrets: std::collections::HashMap<String, SubscriberSecrets> =
            sqlx::query("SELECT account, pppoe_password, wifi_password FROM subscribers")
                .fetch_all(self.pool())
                .await?
                .iter()
                .map(|r| {
                    (
                        r.get("account"),
                        SubscriberSecrets {
                            pppoe_password: r.get("pppoe_password"),
                            wifi_password: r.get("wifi_password"),
                        },
                    )
                })
                .collect();
        rows.iter()
            .map(|r| {
                let s = row_to_subscriber(r)?;
                let sec = secrets
                    .get(&s.account)
                    .cloned()
                    .unwrap_or(SubscriberSecrets {
                        pppoe_password: None,
                        wifi_password: None,
                    });
                Ok((s, sec))
            })
            .collect()
    }

    /// Creates or replaces subscribers by account number, all in one transaction (a
    /// failure leaves every subscriber as it was), then links every device to the
    /// subscriber whose serial it carries. Inputs are whole: their passwords are set as
    /// given (`None` clears). Returns how many were written.
    pub async fn import_subscribers(
        &self,
        inputs: &[SubscriberInput],
        now_ms: i64,
    ) -> Result<usize, StoreError> {
        let mut checked = Vec::with_capacity(inputs.len());
        for input in inputs {
            checked.push((input, input.check()?));
        }
        let mut tx = self.write_tx().await?;
        // Serials move between subscribers in one file: free them all first, in one
        // statement over the accounts as a JSON array.
        let accounts = serde_json::to_string(
            &checked
                .iter()
                .map(|(_, (a, _))| a.as_str())
                .collect::<Vec<_>>(),
        )
        .map_err(|e| StoreError::Db(e.to_string()))?;
        sqlx::query(
            "UPDATE subscribers SET serial = NULL, serial_alt = NULL
             WHERE serial IS NOT NULL AND account IN (SELECT value FROM json_each(?))",
        )
        .bind(accounts)
        .execute(&mut *tx)
        .await?;
        for (input, (account, name)) in &checked {
            sqlx::query(
                "INSERT INTO subscribers (account, name, phone, pppoe_username, pppoe_password,
                     wifi_ssid, wifi_password, plan, notes, status, serial, serial_alt, created_ms,
                     updated_ms)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                 ON CONFLICT(account) DO UPDATE SET name = excluded.name, phone = excluded.phone,
                     pppoe_username = excluded.pppoe_username,
                     pppoe_password = excluded.pppoe_password, wifi_ssid = excluded.wifi_ssid,
                     wifi_password = excluded.wifi_password, plan = excluded.plan,
                     notes = excluded.notes, status = excluded.status, serial = excluded.serial,
                     serial_alt = excluded.serial_alt, updated_ms = excluded.updated_ms",
            )
            .bind(account)
            .bind(name)
            .bind(input.phone.as_deref().map(str::trim))
            .bind(input.pppoe_username.as_ref().map(PppoeUsername::as_str))
            .bind(input.pppoe_password.as_ref().map(PppoePassword::reveal))
            .bind(input.wifi_ssid.as_ref().map(Ssid::as_str))
            .bind(input.wifi_password.as_ref().map(WpaPassphrase::reveal))
            .bind(&input.plan)
            .bind(&input.notes)
            .bind(input.status.as_str())
            .bind(input.serial.as_ref().map(SerialNumber::as_str))
            .bind(input.serial.as_ref().and_then(SerialNumber::gpon_alternate))
            .bind(now_ms)
            .bind(now_ms)
            .execute(&mut *tx)
            .await
            .map_err(|e| serial_conflict(e, input.serial.as_ref()))?;
        }
        sqlx::query(
            "UPDATE devices SET subscriber_id = COALESCE(
                 (SELECT id FROM subscribers WHERE serial = upper(devices.serial)),
                 (SELECT id FROM subscribers WHERE serial_alt = upper(devices.serial)))",
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(checked.len())
    }
}
