//! `acsdesk diag …`: diagnostics run on a router through its TR-069 diagnostic objects —
//! a ping, queued as an action, waited for and printed (exit 0 only when it completed) —
//! and the history of them the store keeps.

use super::act::{queue_and_send, Say};
use super::{app_err, Ctx};
use crate::cli::{ActOptions, DiagCommand};
use acsdesk_types::actions::ActionInput;
use acsdesk_types::diagnostics::{DeviceDiagnosticsRequest, DiagnosticRecord};

pub(crate) async fn run(ctx: &Ctx, command: DiagCommand) -> anyhow::Result<()> {
    match command {
        DiagCommand::Ping {
            device,
            host,
            count,
            acs,
            json,
        } => {
            let opts = ActOptions {
                wait: true,
                yes: true,
                acs,
            };
            let input = ActionInput::Ping {
                host,
                repetitions: Some(count),
            };
            let queued = queue_and_send(
                ctx,
                std::slice::from_ref(&device),
                input,
                &opts,
                Say { to_stderr: json },
            )
            .await?;
            let services = ctx.services().await?;
            let id = services.resolve_device(&device).await.map_err(app_err)?;
            let history = services
                .device_diagnostics(DeviceDiagnosticsRequest {
                    device: id,
                    limit: Some(20),
                })
                .await
                .map_err(app_err)?;
            let found = history
                .into_iter()
                .find(|d| d.action_id.is_some() && d.action_id == queued.first().copied())
                .ok_or_else(|| anyhow::anyhow!("the ping completed but left no results"))?;
            if json {
                println!("{}", serde_json::to_string_pretty(&found)?);
            } else {
                print(&[found]);
            }
            Ok(())
        }
        DiagCommand::History {
            device,
            limit,
            json,
        } => {
            let services = ctx.services().await?;
            let id = services.resolve_device(&device).await.map_err(app_err)?;
            let history = services
                .device_diagnostics(DeviceDiagnosticsRequest {
                    device: id,
                    limit: Some(limit),
                })
                .await
                .map_err(app_err)?;
            if history.is_empty() && !json {
                println!("No diagnostics yet: `acsdesk diag ping {device} HOST` runs one.");
                return Ok(());
            }
            if json {
                println!("{}", serde_json::to_string_pretty(&history)?);
            } else {
                print(&history);
            }
            Ok(())
        }
    }
}

/// Each diagnostic on a line: `2026-12-07T03:10:00.000Z  Ping 8.8.8.8: …`.
fn print(records: &[DiagnosticRecord]) {
    for d in records {
        println!("{}  {}", acsdesk_time::iso(d.at_ms), d.describe());
    }
}
