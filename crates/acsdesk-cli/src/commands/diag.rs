//! `acsdesk diag …`: diagnostics run on a router through its TR-069 diagnostic objects —
//! a ping, a traceroute, a download or upload test — each queued as an action, waited
//! for and printed (exit 0 only when it completed), and the history the store keeps.
//! A host or test server not given is the tenant's (`acsdesk settings`).

use super::act::{queue_and_send, Say};
use super::{app_err, Ctx};
use crate::cli::{ActOptions, DiagCommand};
use acsdesk_types::actions::ActionInput;
use acsdesk_types::diagnostics::{DeviceDiagnosticsRequest, DiagnosticRecord};
use acsdesk_types::DiagnosticKind;

pub(crate) async fn run(ctx: &Ctx, command: DiagCommand) -> anyhow::Result<()> {
    match command {
        DiagCommand::Ping {
            device,
            host,
            count,
            acs,
            json,
        } => {
            let input = ActionInput::Ping {
                host: host_or_tenants(ctx, host).await?,
                repetitions: Some(count),
            };
            run_one(ctx, device, input, acs, json).await
        }
        DiagCommand::Traceroute {
            device,
            host,
            max_hops,
            acs,
            json,
        } => {
            let input = ActionInput::Traceroute {
                host: host_or_tenants(ctx, host).await?,
                max_hops: Some(max_hops),
            };
            run_one(ctx, device, input, acs, json).await
        }
        DiagCommand::Speed {
            device,
            url,
            upload,
            mb,
            acs,
            json,
        } => {
            let kind = if upload {
                DiagnosticKind::Upload
            } else {
                DiagnosticKind::Download
            };
            let tenant = settings(ctx).await?;
            let url = match url.or_else(|| tenant.url_for(kind).map(str::to_owned)) {
                Some(u) => u,
                None => anyhow::bail!(
                    "give the test server's URL, or set the tenant's: acsdesk settings --download-url URL"
                ),
            };
            let upload_bytes = match mb {
                Some(mb) => mb.saturating_mul(1_000_000),
                None => tenant.upload_bytes,
            };
            let input = ActionInput::SpeedTest {
                kind,
                url,
                upload_bytes: Some(upload_bytes),
            };
            run_one(ctx, device, input, acs, json).await
        }
        DiagCommand::Sweep {
            host,
            filter,
            count,
            concurrency,
            json,
        } => {
            let input = ActionInput::Ping {
                host: host_or_tenants(ctx, host).await?,
                repetitions: Some(count),
            };
            let (_, progress) =
                super::act::run_bulk(ctx, input, &filter, concurrency, true, true).await?;
            let sweep = progress.ping.clone().unwrap_or_default();
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&serde_json::json!({
                        "total": progress.total,
                        "completed": progress.completed,
                        "failed": progress.failed,
                        "unfinished": progress.total - progress.finished(),
                        "ping": sweep,
                        "failures": progress.failures,
                    }))?
                );
            } else {
                println!("{} (of {} routers)", sweep.describe(), progress.total);
                if !sweep.slowest.is_empty() {
                    let slowest: Vec<String> = sweep
                        .slowest
                        .iter()
                        .map(|r| format!("{} {} ms", r.device, r.average_ms))
                        .collect();
                    println!("  slowest: {}", slowest.join(", "));
                }
                if !sweep.silent_routers.is_empty() {
                    println!("  silent: {}", sweep.silent_routers.join(", "));
                }
                super::act::print_failures(&progress);
            }
            let unfinished = progress.total - progress.finished();
            if progress.failed > 0 || unfinished > 0 {
                anyhow::bail!(
                    "{} of {} routers could not ping ({} still waiting)",
                    progress.failed,
                    progress.total,
                    unfinished
                );
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
                println!("No diagnostics yet: `acsdesk diag ping {device}` runs one.");
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

/// The host given, else the tenant's (`settings --ping-host`).
async fn host_or_tenants(ctx: &Ctx, host: Option<String>) -> anyhow::Result<String> {
    Ok(match host {
        Some(h) => h,
        None => settings(ctx).await?.ping_host,
    })
}

async fn settings(ctx: &Ctx) -> anyhow::Result<acsdesk_types::settings::DiagnosticSettings> {
    let services = ctx.services().await?;
    let current = services.tenant_settings().await.map_err(app_err)?;
    Ok(current.diagnostics.unwrap_or_default())
}

/// Queues one diagnostic on `device`, waits for it (progress to stderr with `--json`)
/// and prints what it found as kept.
async fn run_one(
    ctx: &Ctx,
    device: String,
    input: ActionInput,
    acs: Option<String>,
    json: bool,
) -> anyhow::Result<()> {
    let opts = ActOptions {
        wait: true,
        yes: true,
        acs,
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
        .ok_or_else(|| anyhow::anyhow!("the diagnostic completed but left no results"))?;
    if json {
        println!("{}", serde_json::to_string_pretty(&found)?);
    } else {
        print(std::slice::from_ref(&found));
        if let Some(trace) = found.trace() {
            for (i, hop) in trace.hops.iter().enumerate() {
                println!("  {:>2}  {}", i + 1, hop.describe());
            }
        }
    }
    Ok(())
}

/// Each diagnostic on a line: `2026-12-07T03:10:00.000Z  Ping 8.8.8.8: …`.
fn print(records: &[DiagnosticRecord]) {
    for d in records {
        println!("{}  {}", acsdesk_time::iso(d.at_ms), d.describe());
    }
}
