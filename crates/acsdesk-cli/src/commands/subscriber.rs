//! `acsdesk subscriber add|list|show|link|unlink|remove`: the tenant's subscribers and
//! the routers linked to them. Passwords are read from stdin and never printed.

use super::Ctx;
use crate::cli::{SubscriberArgs, SubscriberCommand};
use acsdesk_core::store::subscribers::{Subscriber, SubscriberFilter, SubscriberInput};
use acsdesk_types::input::{PppoePassword, PppoeUsername, SerialNumber, Ssid, WpaPassphrase};
use anyhow::Context;
use std::io::BufRead;

fn json(s: &Subscriber) -> serde_json::Value {
    serde_json::json!({
        "account": s.account,
        "name": s.name,
        "phone": s.phone,
        "pppoe_username": s.pppoe_username,
        "has_pppoe_password": s.has_pppoe_password,
        "wifi_ssid": s.wifi_ssid,
        "has_wifi_password": s.has_wifi_password,
        "plan": s.plan,
        "notes": s.notes,
        "status": s.status.as_str(),
        "serial": s.serial,
        "devices": s.devices,
    })
}

fn input(a: &SubscriberArgs) -> anyhow::Result<SubscriberInput> {
    let mut s = SubscriberInput::new(&a.account, &a.name);
    s.phone = a.phone.clone();
    s.pppoe_username = a
        .pppoe_user
        .as_deref()
        .map(PppoeUsername::parse)
        .transpose()?;
    s.wifi_ssid = a.ssid.as_deref().map(Ssid::parse).transpose()?;
    s.serial = a.serial.as_deref().map(SerialNumber::parse).transpose()?;
    s.plan = a.plan.clone();
    s.notes = a.notes.clone();
    let mut lines = std::io::stdin().lock().lines();
    let mut next = |what: &str| -> anyhow::Result<String> {
        lines
            .next()
            .with_context(|| format!("stdin ended before the {what}"))?
            .context("cannot read stdin")
    };
    if a.pppoe_password_stdin {
        s.pppoe_password = Some(PppoePassword::parse(&next("PPPoE password")?)?);
    }
    if a.wifi_password_stdin {
        s.wifi_password = Some(WpaPassphrase::parse(&next("WiFi password")?)?);
    }
    Ok(s)
}

fn print(s: &Subscriber) {
    println!(
        "{:<12} {:<28} {:<10} {:<18} {}",
        s.account,
        s.name,
        s.status.as_str(),
        s.serial.as_deref().unwrap_or("-"),
        s.devices.join(" ")
    );
}

pub(crate) async fn run(ctx: &Ctx, command: SubscriberCommand) -> anyhow::Result<()> {
    let tenant = ctx.tenant().await?;
    let now = acsdesk_core::clock::system_now_ms();
    match command {
        SubscriberCommand::Add(a) => {
            let s = tenant.add_subscriber(&input(&a)?, now).await?;
            println!(
                "Added subscriber {} ({}){}.",
                s.account,
                s.name,
                match (&s.serial, s.devices.is_empty()) {
                    (Some(serial), false) => format!(", linked to router {serial}"),
                    (Some(serial), true) => format!(", router {serial} not seen yet"),
                    (None, _) => String::new(),
                }
            );
        }
        SubscriberCommand::List {
            search,
            status,
            linked,
            unlinked,
            json: as_json,
        } => {
            let rows = tenant
                .list_subscribers(&SubscriberFilter {
                    search,
                    status,
                    linked: if linked {
                        Some(true)
                    } else if unlinked {
                        Some(false)
                    } else {
                        None
                    },
                    limit: None,
                })
                .await?;
            if as_json {
                let all: Vec<_> = rows.iter().map(json).collect();
                println!("{}", serde_json::to_string_pretty(&all)?);
            } else {
                rows.iter().for_each(print);
            }
        }
        SubscriberCommand::Show {
            account,
            json: as_json,
        } => {
            let s = tenant.subscriber(&account).await?;
            if as_json {
                println!("{}", serde_json::to_string_pretty(&json(&s))?);
            } else {
                print(&s);
            }
        }
        SubscriberCommand::Link { account, serial } => {
            let s = tenant
                .link_subscriber(&account, &SerialNumber::parse(&serial)?, now)
                .await?;
            println!(
                "Subscriber {} linked to router {}{}.",
                s.account,
                s.serial.as_deref().unwrap_or_default(),
                if s.devices.is_empty() {
                    " (not seen yet: it is linked when it informs)"
                } else {
                    ""
                }
            );
        }
        SubscriberCommand::Unlink { account } => {
            tenant.unlink_subscriber(&account, now).await?;
            println!("Subscriber {account} has no router linked now.");
        }
        SubscriberCommand::Remove { account } => {
            tenant.remove_subscriber(&account).await?;
            println!("Removed subscriber {account}.");
        }
    }
    Ok(())
}
