//! `acsdesk alerts …`: list (with filters), acknowledge, resolve, history; channels
//! (add, list, enable/disable, remove, test); maintenance windows (add, list, end) —
//! the desktop's alert services, printed.

use super::devices::parse_span;
use super::{app_err, Ctx};
use crate::cli::{AlertAction, AlertsArgs, ChannelCommand, MaintenanceCommand};
use acsdesk_app::Services;
use acsdesk_types::alerts::{
    AddMaintenanceRequest, ChannelNameRequest, EndMaintenanceRequest, ListAlertsRequest,
    SaveChannelRequest, SetAlertStateRequest,
};
use acsdesk_types::{AlertKind, AlertState, ChannelKind, MaintenanceScope, Severity};
use anyhow::Context;
use std::io::BufRead;

/// A word the CLI takes for a closed set, or an error listing the words it knows.
fn word<T: Copy + std::fmt::Display>(
    what: &str,
    given: Option<&str>,
    parse: fn(&str) -> Option<T>,
    all: &[T],
) -> anyhow::Result<Option<T>> {
    given
        .map(|g| {
            parse(g).with_context(|| {
                let words: Vec<String> = all.iter().map(ToString::to_string).collect();
                format!("unknown {what} {g:?}: use {}", words.join(", "))
            })
        })
        .transpose()
}

pub(crate) async fn run(ctx: &Ctx, a: &AlertsArgs) -> anyhow::Result<()> {
    let services = ctx.services().await?;
    let iso = acsdesk_time::iso;
    match &a.action {
        Some(AlertAction::Ack { id }) => {
            services
                .set_alert_state(SetAlertStateRequest {
                    id: *id,
                    state: AlertState::Acknowledged,
                })
                .await
                .map_err(app_err)?;
            println!("Alert {id} acknowledged.");
        }
        Some(AlertAction::Resolve { id }) => {
            services
                .set_alert_state(SetAlertStateRequest {
                    id: *id,
                    state: AlertState::Resolved,
                })
                .await
                .map_err(app_err)?;
            println!("Alert {id} resolved.");
        }
        Some(AlertAction::History { id, json }) => {
            let events = services.alert_history(*id).await.map_err(app_err)?;
            if *json {
                println!("{}", serde_json::to_string_pretty(&events)?);
            } else {
                if events.is_empty() {
                    println!("No history for alert {id}.");
                }
                for e in events {
                    println!("{}  {:<16} {}", iso(e.at_ms), e.event, e.detail);
                }
            }
        }
        Some(AlertAction::TestChannel { name }) => {
            let attempts = services
                .test_channel(ChannelNameRequest { name: name.clone() })
                .await
                .map_err(|e| anyhow::anyhow!("{name}: {}", e.message))?;
            println!("Test message sent through {name} ({attempts} attempt(s)).");
        }
        Some(AlertAction::Channel(c)) => channel(&services, c).await?,
        Some(AlertAction::Maintenance(m)) => maintenance(&services, m).await?,
        None => {
            let request = ListAlertsRequest {
                state: word(
                    "state",
                    a.state.as_deref(),
                    AlertState::parse,
                    AlertState::ALL,
                )?,
                kind: word("kind", a.kind.as_deref(), AlertKind::parse, AlertKind::ALL)?,
                severity: word(
                    "severity",
                    a.severity.as_deref(),
                    Severity::parse,
                    Severity::ALL,
                )?,
                device: a.device.clone(),
            };
            let rows = services.list_alerts(request).await.map_err(app_err)?;
            if a.json {
                println!("{}", serde_json::to_string_pretty(&rows)?);
            } else {
                if rows.is_empty() {
                    println!("No alerts.");
                }
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

async fn channel(services: &Services, c: &ChannelCommand) -> anyhow::Result<()> {
    match c {
        ChannelCommand::Add {
            name,
            webhook,
            secret_stdin,
            sms,
            post_body,
            phones,
        } => {
            let request = match (webhook, sms) {
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
                    SaveChannelRequest {
                        name: name.clone(),
                        kind: ChannelKind::Webhook,
                        url: url.clone(),
                        secret: secret.map(Into::into),
                        phones: Vec::new(),
                        post_body: None,
                    }
                }
                (None, Some(template)) => SaveChannelRequest {
                    name: name.clone(),
                    kind: ChannelKind::Sms,
                    url: template.clone(),
                    secret: None,
                    phones: phones.clone(),
                    post_body: post_body.clone(),
                },
                _ => anyhow::bail!("give --webhook URL or --sms URL_TEMPLATE"),
            };
            services.save_channel(request).await.map_err(app_err)?;
            println!("Alert channel \"{name}\" saved.");
        }
        ChannelCommand::List => {
            let channels = services.list_channels().await.map_err(app_err)?;
            if channels.is_empty() {
                println!("No alert channels.");
            }
            for c in channels {
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
            services
                .set_channel_enabled(name, false)
                .await
                .map_err(app_err)?;
            println!("Alert channel \"{name}\" disabled.");
        }
        ChannelCommand::Enable { name } => {
            services
                .set_channel_enabled(name, true)
                .await
                .map_err(app_err)?;
            println!("Alert channel \"{name}\" enabled.");
        }
        ChannelCommand::Remove { name } => {
            services
                .remove_channel(ChannelNameRequest { name: name.clone() })
                .await
                .map_err(app_err)?;
            println!("Alert channel \"{name}\" removed.");
        }
    }
    Ok(())
}

async fn maintenance(services: &Services, m: &MaintenanceCommand) -> anyhow::Result<()> {
    let iso = acsdesk_time::iso;
    match m {
        MaintenanceCommand::Add {
            duration,
            device,
            acs,
            reason,
        } => {
            let span = parse_span(duration)?;
            let (scope, target) = match (device, acs) {
                (Some(d), _) => (MaintenanceScope::Device, Some(d.clone())),
                (None, Some(a)) => (MaintenanceScope::Acs, Some(a.clone())),
                (None, None) => (MaintenanceScope::Tenant, None),
            };
            let minutes = u32::try_from(span / 60_000)
                .context("a maintenance window lasts at most 31 days")?;
            let id = services
                .add_maintenance(AddMaintenanceRequest {
                    scope,
                    target,
                    minutes,
                    reason: reason.clone(),
                })
                .await
                .map_err(app_err)?;
            let window = services
                .list_maintenance()
                .await
                .map_err(app_err)?
                .into_iter()
                .find(|w| w.id == id)
                .context("the window just opened is not listed")?;
            println!(
                "Maintenance window {id} until {}: alerts are recorded, not notified.",
                iso(window.until_ms)
            );
        }
        MaintenanceCommand::List => {
            let windows = services.list_maintenance().await.map_err(app_err)?;
            if windows.is_empty() {
                println!("No maintenance window open or planned.");
            }
            for w in windows {
                let what = match (w.scope, &w.target) {
                    (MaintenanceScope::Device, Some(d)) => format!("device {d}"),
                    (MaintenanceScope::Acs, Some(a)) => format!("ACS {a}"),
                    _ => "whole tenant".to_owned(),
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
            services
                .end_maintenance(EndMaintenanceRequest { id: *id })
                .await
                .map_err(app_err)?;
            println!("Maintenance window {id} ended.");
        }
    }
    Ok(())
}
