//! `acsdesk acs add|list|test|edit|remove`.

use super::{app_err, Ctx};
use crate::cli::{AcsCommand, AuthArg};
use acsdesk_app::ConnectionTls;
use acsdesk_core::store::acs::NewAcs;
use acsdesk_types::settings::{AcsTrust, AuthKind, TestAcsRequest, UpdateAcsRequest};
use anyhow::Context;
use std::io::{BufRead, IsTerminal};

/// Reads a secret from stdin when it is piped, else prompts without echo.
pub(crate) fn read_secret(what: &str) -> anyhow::Result<String> {
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
            header,
            cwmp_url,
            ca,
            pin,
            rate,
            interval,
        } => {
            let ca_pem = ca.as_deref().map(read_ca).transpose()?;
            let user = user_of(auth_kind(auth), user, header)?;
            let (kind, secret) = match auth {
                AuthArg::None => ("none", None),
                AuthArg::Basic => {
                    anyhow::ensure!(user.is_some(), "--auth basic needs --user");
                    ("basic", Some(read_secret("password")?))
                }
                AuthArg::Token => ("token", Some(read_secret("token")?)),
                AuthArg::Header => ("header", Some(read_secret("token")?)),
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
        AcsCommand::Test {
            name,
            url,
            auth,
            user,
            header,
            new_secret,
            ca,
            pin,
            json,
        } => {
            let trust = trust_of(ca.as_deref(), pin)?;
            let saved = match &name {
                Some(n) => Some(tenant.acs(n).await?),
                None => None,
            };
            let auth = match (auth, &saved) {
                (Some(a), _) => auth_kind(a),
                (None, Some(s)) => acsdesk_app::connect::auth_kind(&s.auth_kind),
                (None, None) => AuthKind::None,
            };
            let user = user_of(auth, user, header)?;
            let secret = if new_secret && auth != AuthKind::None {
                Some(read_secret("password or token")?.into())
            } else {
                None
            };
            let request = TestAcsRequest {
                url: url
                    .or_else(|| saved.as_ref().map(|s| s.url.clone()))
                    .unwrap_or_default(),
                auth,
                user: user.or_else(|| saved.as_ref().and_then(|s| s.auth_user.clone())),
                secret,
                saved: name,
                trust,
            };
            let report = acsdesk_app::connect::test_connection(Some(&tenant), request)
                .await
                .map_err(app_err)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                let mark = |ok: bool| if ok { "ok" } else { "--" };
                println!("reachable   {}", mark(report.reachable));
                println!("TLS         {}", mark(report.tls_ok));
                println!("credentials {}", mark(report.auth_ok));
                println!("GenieACS    {}", mark(report.nbi));
                if let Some(n) = report.devices {
                    println!("devices     {n}");
                }
                if let Some(setup) = &report.setup {
                    println!("runs        {setup}");
                }
            }
            if let Some(problem) = &report.problem {
                anyhow::bail!("{problem}");
            }
        }
        AcsCommand::Edit {
            name,
            url,
            auth,
            user,
            header,
            new_secret,
            interval,
            cwmp_url,
            no_cwmp_url,
            rate,
            ca,
            pin,
            system_ca,
        } => {
            let saved = tenant.acs(&name).await?;
            let trust = trust_of(ca.as_deref(), pin)?.or(system_ca.then_some(AcsTrust::System));
            let auth = auth
                .map(auth_kind)
                .unwrap_or_else(|| acsdesk_app::connect::auth_kind(&saved.auth_kind));
            let user = user_of(auth, user, header)?;
            let secret = if new_secret && auth != AuthKind::None {
                Some(read_secret("password or token")?.into())
            } else {
                None
            };
            let url = url.unwrap_or_else(|| saved.url.clone());
            ctx.services()
                .await?
                .update_connection(UpdateAcsRequest {
                    name: name.clone(),
                    url: url.clone(),
                    auth,
                    user: user.or(saved.auth_user),
                    secret,
                    interval_s: interval
                        .unwrap_or_else(|| u32::try_from(saved.interval_s).unwrap_or(60)),
                    trust,
                    cwmp_url: if no_cwmp_url {
                        None
                    } else {
                        cwmp_url.or(saved.cwmp_url)
                    },
                    rate_per_s: rate.unwrap_or_else(|| {
                        u32::try_from(saved.rate_per_s)
                            .unwrap_or(acsdesk_types::settings::DEFAULT_RATE_PER_S)
                    }),
                })
                .await
                .map_err(app_err)?;
            println!("Changed ACS connection \"{name}\" ({url}).");
            if let Some(w) = tenant.acs(&name).await?.cleartext_warning() {
                eprintln!("warning: {w}");
            }
        }
        AcsCommand::List { json } => {
            if json {
                let infos = ctx.services().await?.connections().await.map_err(app_err)?;
                println!("{}", serde_json::to_string_pretty(&infos)?);
                return Ok(());
            }
            for a in tenant.list_acs().await? {
                let health = tenant.acs_health(&a.name).await?;
                let who = match (a.auth_kind.as_str(), &a.auth_user) {
                    ("header", Some(h)) => format!(" header={h}"),
                    (_, Some(u)) => format!(" user={u}"),
                    (_, None) => String::new(),
                };
                println!(
                    "{}  {}  auth={}{who}  every {} s  {} req/s  {}",
                    a.name,
                    a.url,
                    a.auth_kind,
                    a.interval_s,
                    a.rate_per_s,
                    describe_health(&health)
                );
                if let Some(cwmp) = &a.cwmp_url {
                    println!("  routers inform to {cwmp}");
                }
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

fn auth_kind(a: AuthArg) -> AuthKind {
    match a {
        AuthArg::None => AuthKind::None,
        AuthArg::Basic => AuthKind::Basic,
        AuthArg::Token => AuthKind::Token,
        AuthArg::Header => AuthKind::Header,
    }
}

/// What a connection keeps as its user: the basic-auth user, or with `--auth header` the
/// header's name (`--header`), which goes with that authentication only.
fn user_of(
    auth: AuthKind,
    user: Option<String>,
    header: Option<String>,
) -> anyhow::Result<Option<String>> {
    match (auth, header) {
        (AuthKind::Header, Some(h)) => Ok(Some(h)),
        (AuthKind::Header, None) => Ok(user),
        (_, Some(_)) => {
            anyhow::bail!("--header names the token's header: it goes with --auth header")
        }
        (_, None) => Ok(user),
    }
}

/// The certificate trust `--ca FILE` or `--pin SHA256` name, if either.
fn trust_of(ca: Option<&std::path::Path>, pin: Option<String>) -> anyhow::Result<Option<AcsTrust>> {
    Ok(match (ca, pin) {
        (Some(path), _) => Some(AcsTrust::Ca(read_ca(path)?)),
        (None, Some(pin)) => Some(AcsTrust::Pin(pin)),
        (None, None) => None,
    })
}

/// The CA certificate file a person named.
fn read_ca(path: &std::path::Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the CA file {}", path.display()))
}
