//! `acsdesk alerts …`: list (with filters), acknowledge, resolve, history; channels
//! (add, list, enable/disable, remove, test); maintenance windows (add, list, end).

use super::devices::parse_span;
use super::Ctx;
use crate::cli::{AlertAction, AlertsArgs, ChannelCommand, MaintenanceCommand};
use acsdesk_core::alerts::channels::{SmsGateway, Webhook};
use acsdesk_core::alerts::Subject;
use acsdesk_core::store::alerts::AlertQuery;
use acsdesk_core::store::channels::ChannelConfig;
use anyhow::Context;
use std::io::BufRead;

const KINDS: &[&str] = &[
    "device_offline",
    "ppp_failing",
    "firmware_failed",
    "provisioning_failed",
    "high_cpu",
    "high_memory",
    "acs_unreachable",
];

pub(crate) async fn run(ctx: &Ctx, a: &AlertsArgs) -> anyhow::Result<()> {
    let tenant = ctx.tenant().await?;
    let now = acsdesk_core::clock::system_now_ms();
    let iso = acsdesk_time::iso;
    match &a.action {
        Some(AlertAction::Ack { id }) => {
            tenant.set_alert_state(*id, "acknowledged", now).await?;
            println!("Alert {id} acknowledged.");
        }
        Some(AlertAction::Resolve { id }) => {
            tenant.set_alert_state(*id, "resolved", now).await?;
            println!("Alert {id} resolved.");
        }
        Some(AlertAction::History { id, json }) => {
            let events = tenant.alert_history(*id).await?;
            if *json {
                println!("{}", serde_json::to_string_pretty(&events)?);
            } else {
                for e in events {
                    println!("{}  {:<16} {}", iso(e.at_ms), e.event, e.detail);
                }
            }
        }
        Some(AlertAction::TestChannel { name }) => {
            let attempts = acsdesk_core::alerts::deliver::test_channel(&tenant, name, now)
                .await
                .map_err(|e| anyhow::anyhow!("{name}: {e}"))?;
            println!("Test message sent through {name} ({attempts} attempt(s)).");
        }
        Some(AlertAction::Channel(c)) => channel(&tenant, c, now).await?,
        Some(AlertAction::Maintenance(m)) => maintenance(&tenant, m, now).await?,
        None => {
            if let Some(s) = &a.state {
                anyhow::ensure!(
                    matches!(s.as_str(), "open" | "acknowledged" | "resolved"),
                    "unknown state {s:?}: use open, acknowledged or resolved"
                );
            }
            if let Some(k) = &a.kind {
                anyhow::ensure!(
                    KINDS.contains(&k.as_str()),
                    "unknown kind {k:?}: use {}",
                    KINDS.join(", ")
                );
            }
            if let Some(s) = &a.severity {
                anyhow::ensure!(
                    matches!(s.as_str(), "info" | "warning" | "critical"),
                    "unknown severity {s:?}: use info, warning or critical"
                );
            }
            let rows = tenant
                .find_alerts(&AlertQuery {
                    state: a.state.clone(),
                    kind: a.kind.clone(),
                    severity: a.severity.clone(),
                    device: a.device.clone(),
                    limit: 500,
                })
                .await?;
            if a.json {
                println!("{}", serde_json::to_string_pretty(&rows)?);
            } else {
                for r in rows {
                    println!(
                        "{:>5}  {:<12} {:<8} {}",
                        r.id, r.state, r.severity, r.message
                    );
                }
            }
        }
    }
    Ok(())
}

async fn channel(
    tenant: &acsdesk_core::store::TenantStore,
    c: &ChannelCommand,
    now: i64,
) -> anyhow::Result<()> {
    match c {
        ChannelCommand::Add {
            name,
            webhook,
            secret_stdin,
            sms,
            post_body,
            phones,
        } => {
            let config = match (webhook, sms) {
                (Some(url), None) => {
                    let secret = if *secret_stdin {
                        let mut line = String::new();
                        std::io::stdin()
                            .lock()
                            .read_line(&mut line)
                            .context("cannot read the secret from stdin")?;
                        Some(line.trim_end_matches(['\r', '\n']).to_owned())
                    } else {
                        None
                    };
                    ChannelConfig::Webhook(Webhook {
                        url: url.clone(),
                        secret,
                    })
                }
                (None, Some(template)) => ChannelConfig::Sms(SmsGateway {
                    url_template: template.clone(),
                    post_body_template: post_body.clone(),
                    phones: phones.clone(),
                }),
                _ => anyhow::bail!("give --webhook URL or --sms URL_TEMPLATE"),
            };
            tenant.add_channel(name, &config, now).await?;
            println!("Alert channel \"{name}\" saved.");
        }
        ChannelCommand::List => {
            for c in tenant.channels().await? {
                println!(
                    "{}  {}  {}{}{}",
                    c.name,
                    c.kind,
                    c.endpoint,
                    if c.phones > 0 {
                        format!("  {} phone(s)", c.phones)
                    } else {
                        String::new()
                    },
                    if c.enabled { "" } else { "  (disabled)" }
                );
            }
        }
        ChannelCommand::Disable { name } => {
            tenant.set_channel_enabled(name, false).await?;
            println!("Alert channel \"{name}\" disabled.");
        }
        ChannelCommand::Enable { name } => {
            tenant.set_channel_enabled(name, true).await?;
            println!("Alert channel \"{name}\" enabled.");
        }
        ChannelCommand::Remove { name } => {
            tenant.remove_channel(name).await?;
            println!("Alert channel \"{name}\" removed.");
        }
    }
    Ok(())
}

async fn maintenance(
    tenant: &acsdesk_core::store::TenantStore,
    m: &MaintenanceCommand,
    now: i64,
) -> anyhow::Result<()> {
    let iso = acsdesk_time::iso;
    match m {
        MaintenanceCommand::Add {
            duration,
            device,
            acs,
            reason,
        } => {
            let span = parse_span(duration)?;
            let subject = match (device, acs) {
                (Some(d), _) => Some(Subject::Device(d.clone())),
                (None, Some(a)) => Some(Subject::Acs(a.clone())),
                (None, None) => None,
            };
            let id = tenant
                .add_maintenance(subject.as_ref(), now, now + span, reason, now)
                .await?;
            println!(
                "Maintenance window {id} until {}: alerts are recorded, not notified.",
                iso(now + span)
            );
        }
        MaintenanceCommand::List => {
            for w in tenant.maintenance(now).await? {
                let what = match &w.subject {
                    None => "whole tenant".to_owned(),
                    Some(Subject::Device(d)) => format!("device {d}"),
                    Some(Subject::Acs(a)) => format!("ACS {a}"),
                };
                println!(
                    "{:>4}  {} → {}  {what}  {}",
                    w.id,
                    iso(w.from_ms),
                    iso(w.until_ms),
                    w.reason
                );
            }
        }
        MaintenanceCommand::End { id } => {
            tenant.end_maintenance(*id, now).await?;
            println!("Maintenance window {id} ended.");
        }
    }
    Ok(())
}
