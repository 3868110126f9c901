//! `acsdesk tenant add|list|remove|rekey|backup|restore`.

use super::{new_passphrase, passphrase, Ctx};
use crate::cli::TenantCommand;
use acsdesk_app::backups::{backup_path, report};
use acsdesk_core::store::KeyChoice;

pub(crate) async fn run(ctx: &Ctx, command: TenantCommand) -> anyhow::Result<()> {
    match command {
        TenantCommand::Add {
            name,
            passphrase: ask,
        } => {
            // The desktop's rule (KeyChoice::for_new_tenant), asking on the terminal
            // where the desktop asks in a dialog.
            let choice = if ask {
                KeyChoice::Passphrase(
                    passphrase(&format!("New passphrase for \"{name}\": "))?.into(),
                )
            } else {
                match KeyChoice::for_new_tenant(true) {
                    Some(c) => c,
                    None => KeyChoice::Passphrase(
                        passphrase(&format!(
                            "No credential store here. New passphrase for \"{name}\": "
                        ))?
                        .into(),
                    ),
                }
            };
            let kind = match &choice {
                KeyChoice::Keyring => "key in the OS credential store",
                KeyChoice::Passphrase(_) => "passphrase",
            };
            let t = ctx
                .workspace
                .create_tenant(&name, choice, acsdesk_core::clock::system_now_ms())
                .await?;
            ctx.workspace
                .set_setting("current_tenant", t.name())
                .await?;
            println!("Created tenant \"{}\" (encrypted, {kind}).", t.name());
        }
        TenantCommand::List => {
            let current = ctx.workspace.setting("current_tenant").await?;
            for t in ctx.workspace.tenants().await? {
                let mark = if current.as_deref() == Some(t.name.as_str()) {
                    "*"
                } else {
                    " "
                };
                println!("{mark} {}  ({})", t.name, t.key_kind);
            }
        }
        TenantCommand::Remove { name } => {
            ctx.workspace.remove_tenant(&name).await?;
            println!("Removed tenant \"{name}\" and its data.");
        }
        TenantCommand::Rekey { keyring, .. } => {
            let tenant = ctx.tenant().await?;
            let name = tenant.name().to_owned();
            let choice = if keyring {
                anyhow::ensure!(
                    acsdesk_core::store::key::keyring_available(),
                    "no OS credential store answers here; use --passphrase"
                );
                KeyChoice::Keyring
            } else {
                KeyChoice::Passphrase(
                    new_passphrase(&format!("New passphrase for \"{name}\": "))?.into(),
                )
            };
            let t = ctx.workspace.rekey_tenant(tenant, choice).await?;
            t.close().await;
            println!(
                "Tenant \"{name}\" is re-encrypted under its new {}.",
                if keyring {
                    "key in the OS credential store"
                } else {
                    "passphrase"
                }
            );
        }
        TenantCommand::Backup { file, json } => {
            let tenant = ctx.tenant().await?;
            let dest = file.unwrap_or_else(|| {
                backup_path(
                    &ctx.workspace.backup_dir(),
                    tenant.name(),
                    acsdesk_core::clock::system_now_ms(),
                )
            });
            let made = tenant.backup_to(&dest).await?;
            print_report(&report(tenant.name(), &made), "Backed up", json)?;
        }
        TenantCommand::Restore { file, yes, json } => {
            let tenant = ctx.tenant().await?;
            let name = tenant.name().to_owned();
            // Checked before asking, so the question says what the file holds.
            let found = tenant.check_backup(&file).await?;
            super::act::confirm(
                &format!(
                    "Replace the data of \"{name}\" with {} ({} devices, {} subscribers)? Changes since the backup are lost.",
                    file.display(),
                    found.devices,
                    found.subscribers
                ),
                yes,
            )?;
            let (t, restored) = ctx.workspace.restore_tenant(tenant, &file).await?;
            t.close().await;
            print_report(&report(&name, &restored), "Restored", json)?;
        }
    }
    Ok(())
}

fn print_report(
    r: &acsdesk_types::settings::BackupReport,
    done: &str,
    json: bool,
) -> anyhow::Result<()> {
    if json {
        println!("{}", serde_json::to_string_pretty(r)?);
    } else {
        println!(
            "{done} \"{}\": {} ({} devices, {} subscribers, {:.1} MB).",
            r.tenant,
            r.path,
            r.devices,
            r.subscribers,
            r.bytes as f64 / 1e6
        );
    }
    Ok(())
}
