//! `acsdesk firmware …`: the firmware library through the application's services —
//! upload (streamed, with a progress bar on a terminal), list with the fleet's versions
//! per model, delete.

use super::{app_err, Ctx};
use crate::cli::FirmwareCommand;
use acsdesk_types::firmware::{DeleteFirmwareRequest, ImageKind, UploadFirmwareRequest};
use anyhow::Context;
use std::io::IsTerminal;

/// `12.3 MB`, `640 KB`, `512 B`.
fn size(bytes: u64) -> String {
    match bytes {
        b if b >= 1_000_000 => format!("{:.1} MB", b as f64 / 1_000_000.0),
        b if b >= 1_000 => format!("{} KB", b / 1_000),
        b => format!("{b} B"),
    }
}

pub(crate) async fn run(ctx: &Ctx, command: FirmwareCommand) -> anyhow::Result<()> {
    match command {
        FirmwareCommand::Upload {
            file,
            version,
            product_class,
            oui,
            name,
            acs,
            replace,
            json,
        } => {
            let name = match name {
                Some(n) => n,
                None => file
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .with_context(|| format!("{} names no file", file.display()))?,
            };
            let services = ctx.services().await?;
            // A bar on a terminal; nothing in a pipe or a log (the result line says it).
            let bar = std::io::stderr().is_terminal().then(|| {
                let bar = indicatif::ProgressBar::new(0);
                if let Ok(style) = indicatif::ProgressStyle::with_template(
                    "{msg} [{bar:40}] {bytes}/{total_bytes} {bytes_per_sec}",
                ) {
                    bar.set_style(style.progress_chars("=> "));
                }
                bar.set_message(format!("uploading {name}"));
                bar
            });
            let shown = bar.clone();
            let uploaded = services
                .upload_firmware_file(
                    &file,
                    UploadFirmwareRequest {
                        upload: None,
                        name: name.clone(),
                        version,
                        product_class,
                        oui,
                        acs,
                        replace,
                    },
                    move |sent, total| {
                        if let Some(bar) = &shown {
                            bar.set_length(total);
                            bar.set_position(sent);
                        }
                    },
                )
                .await;
            if let Some(bar) = bar {
                bar.finish_and_clear();
            }
            let uploaded = uploaded.map_err(app_err)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&uploaded)?);
            } else {
                let i = &uploaded.image;
                println!(
                    "Uploaded {} ({}) to {}: version {} for {} (OUI {}); {} router(s) of that model run an older version.",
                    i.name,
                    size(i.size),
                    i.acs,
                    i.version.as_deref().unwrap_or("?"),
                    i.product_class.as_deref().unwrap_or("?"),
                    i.oui.as_deref().unwrap_or("?"),
                    uploaded.routers_behind
                );
            }
            Ok(())
        }
        FirmwareCommand::List { json } => {
            let library = ctx
                .services()
                .await?
                .firmware_library()
                .await
                .map_err(app_err)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&library)?);
                return Ok(());
            }
            for (acs, why) in &library.unreachable {
                eprintln!("acsdesk: {acs}: {why}");
            }
            println!("Images");
            if library.images.is_empty() {
                println!("  none: upload one with `acsdesk firmware upload FILE --version V`");
            }
            for i in &library.images {
                println!(
                    "  {:<40} {:<24} {:<16} {:>9}  {}",
                    i.name,
                    i.version.as_deref().unwrap_or("(no version)"),
                    i.product_class.as_deref().unwrap_or("(any model)"),
                    size(i.size),
                    i.acs
                );
            }
            println!("Models");
            if library.models.is_empty() {
                println!("  no routers yet");
            }
            for m in &library.models {
                println!(
                    "  {} {} ({}, OUI {}) on {}: {} router(s){}{}",
                    m.vendor.as_deref().unwrap_or(""),
                    m.model.as_deref().unwrap_or(""),
                    m.product_class,
                    m.oui,
                    m.acs,
                    m.devices,
                    match &m.latest {
                        Some(l) => format!(", newest image {l}, {} behind", m.behind),
                        None => ", no image in the library".into(),
                    },
                    if m.kind == ImageKind::PackageList {
                        format!(" — takes {}", m.kind.describe())
                    } else {
                        String::new()
                    }
                );
                for v in &m.versions {
                    println!(
                        "      {:>6}  {}{}",
                        v.devices,
                        v.version.as_deref().unwrap_or("(not reported)"),
                        if v.behind { "  behind" } else { "" }
                    );
                }
            }
            Ok(())
        }
        FirmwareCommand::Delete { name, acs, yes } => {
            super::act::confirm(&format!("Delete the image {name:?} from GenieACS?"), yes)?;
            ctx.services()
                .await?
                .delete_firmware(DeleteFirmwareRequest {
                    name: name.clone(),
                    acs,
                })
                .await
                .map_err(app_err)?;
            println!("Deleted {name}.");
            Ok(())
        }
    }
}
