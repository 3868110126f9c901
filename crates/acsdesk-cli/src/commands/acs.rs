//! `acsdesk acs add|list|remove`.

use super::{app_err, Ctx};
use crate::cli::{AcsCommand, AuthArg};
use acsdesk_app::ConnectionTls;
use acsdesk_core::store::acs::NewAcs;
use anyhow::Context;
use std::io::{BufRead, IsTerminal};

/// Reads a secret from stdin when it is piped, else prompts without echo.
fn read_secret(what: &str) -> anyhow::Result<String> {
    let stdin = std::io::stdin();
    let secret = if stdin.is_terminal() {
        rpassword::prompt_password(format!("{what}: ")).context("cannot read the secret")?
    } else {
        let mut line = String::new();
        stdin
            .lock()
            .read_line(&mut line)
            .context("cannot read the secret from stdin")?;
        line.trim_end_matches(['\r', '\n']).to_owned()
    };
    anyhow::ensure!(!secret.is_empty(), "the {what} is empty");
    Ok(secret)
}

pub(crate) async fn run(ctx: &Ctx, command: AcsCommand) -> anyhow::Result<()> {
    let tenant = ctx.tenant().await?;
    match command {
        AcsCommand::Add {
            name,
            url,
            auth,
            user,
            cwmp_url,
            ca,
            pin,
            rate,
            interval,
        } => {
            let ca_pem = match &ca {
                Some(path) => Some(
                    std::fs::read_to_string(path)
                        .with_context(|| format!("cannot read the CA file {}", path.display()))?,
                ),
                None => None,
            };
            let (kind, secret) = match auth {
                AuthArg::None => ("none", None),
                AuthArg::Basic => {
                    anyhow::ensure!(user.is_some(), "--auth basic needs --user");
                    ("basic", Some(read_secret("password")?))
                }
                AuthArg::Token => ("token", Some(read_secret("token")?)),
            };
            let acs = ctx
                .services()
                .await?
                .add_connection(
                    &NewAcs {
                        name,
                        url,
                        auth_kind: kind.into(),
                        auth_user: user,
                        auth_secret: secret.map(Into::into),
                        cwmp_url,
                        rate_per_s: rate,
                        interval_s: interval,
                    },
                    Some(ConnectionTls {
                        ca_pem: ca_pem.as_deref(),
                        pin: pin.as_deref(),
                    }),
                )
                .await
                .map_err(app_err)?;
            println!("Added ACS connection \"{}\" ({}).", acs.name, acs.url);
            if let Some(w) = acs.cleartext_warning() {
                eprintln!("warning: {w}");
            }
        }
        AcsCommand::List => {
            for a in tenant.list_acs().await? {
                let health = tenant.acs_health(&a.name).await?;
                println!(
                    "{}  {}  auth={}{}  every {} s  {}",
                    a.name,
                    a.url,
                    a.auth_kind,
                    a.auth_user
                        .as_ref()
                        .map(|u| format!(" user={u}"))
                        .unwrap_or_default(),
                    a.interval_s,
                    describe_health(&health)
                );
                if let Some(w) = a.cleartext_warning() {
                    println!("  warning: {w}");
                }
            }
        }
        AcsCommand::Remove { name, yes, json } => {
            let services = ctx.services().await?;
            let plan = services.acs_removal_plan(&name).await.map_err(app_err)?;
            let open = plan.pending + plan.queued + plan.unsettled;
            super::act::confirm(
                &format!(
                    "Remove the connection \"{name}\"? Its {} devices leave the lists and {open} actions not yet done are cancelled ({} waiting in GenieACS are withdrawn); their history stays.",
                    plan.devices, plan.queued
                ),
                yes,
            )?;
            let r = services.remove_connection(&name).await.map_err(app_err)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&r)?);
            } else {
                println!(
                    "Removed ACS connection \"{name}\": {} devices out of the lists, {} actions cancelled, {} tasks withdrawn from GenieACS; its history is kept as \"{}\".",
                    r.devices, r.cancelled, r.withdrawn, r.kept_as
                );
                if r.not_withdrawn > 0 {
                    eprintln!(
                        "warning: {} tasks could not be withdrawn (GenieACS did not answer): they may still run when their device connects",
                        r.not_withdrawn
                    );
                }
            }
        }
    }
    Ok(())
}

/// A connection's health in words: "ok since …", "unreachable since … (3 failures: …)".
fn describe_health(h: &acsdesk_core::sync::scheduler::AcsHealth) -> String {
    use acsdesk_core::sync::scheduler::AcsHealth;
    match h {
        AcsHealth::Unknown => "not synced yet".into(),
        AcsHealth::Ok { since_ms } => format!("ok since {}", acsdesk_time::iso(*since_ms)),
        AcsHealth::Degraded {
            since_ms,
            failures,
            last_error,
        } => format!(
            "degraded since {} ({failures} failed: {last_error})",
            acsdesk_time::iso(*since_ms)
        ),
        AcsHealth::Unreachable {
            since_ms,
            failures,
            last_error,
        } => format!(
            "unreachable since {} ({failures} failed: {last_error})",
            acsdesk_time::iso(*since_ms)
        ),
    }
}
