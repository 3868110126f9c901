//! The firmware library: the images in each connection's GenieACS measured against the
//! fleet's versions per model, uploads (streamed from a file, checked before anything
//! is sent: the model it is for, a name already taken, a MikroTik package list) and
//! deletions.

use crate::connect::connection_client;
use crate::Services;
use acsdesk_core::firmware::{compare_versions, package_list};
use acsdesk_core::store::devices::SpreadRow;
use acsdesk_genieacs::api::files::{FileInfo, FileMetadata};
use acsdesk_types::firmware::{
    DeleteFirmwareRequest, FirmwareImage, FirmwareLibrary, ImageKind, ModelSpread,
    UploadFirmwareRequest, UploadedFirmware, VersionCount,
};
use acsdesk_types::{ErrorCode, IpcError};
use std::cmp::Ordering;
use std::path::Path;

/// GenieACS's file type of a firmware image.
pub const FIRMWARE_TYPE: &str = "1 Firmware Upgrade Image";

/// The largest package list read to check it (a list of links is a few KiB).
const MAX_PACKAGE_LIST: u64 = 1024 * 1024;

fn remote(e: acsdesk_genieacs::Error) -> IpcError {
    IpcError::new(ErrorCode::Remote, format!("GenieACS: {e}"))
}

fn invalid(message: impl Into<String>) -> IpcError {
    IpcError::new(ErrorCode::Invalid, message)
}

fn image(acs: &str, f: FileInfo) -> FirmwareImage {
    FirmwareImage {
        name: f.name,
        acs: acs.to_owned(),
        version: f.metadata.version,
        oui: f.metadata.oui,
        product_class: f.metadata.product_class,
        size: f.length,
        uploaded_ms: acsdesk_time::parse_iso(&f.upload_date),
    }
}

/// What a model's routers take: MikroTik's update by package lists.
fn kind_of(vendor: Option<&str>, oui: &str) -> ImageKind {
    let mikrotik = vendor.is_some_and(|v| v.eq_ignore_ascii_case("MikroTik"))
        || acsdesk_core::normalize::Vendor::detect(None, oui)
            == acsdesk_core::normalize::Vendor::MikroTik;
    if mikrotik {
        ImageKind::PackageList
    } else {
        ImageKind::Image
    }
}

/// Whether `image` is for the model `oui`/`product_class`.
fn fits(image: &FirmwareImage, acs: &str, oui: &str, product_class: &str) -> bool {
    image.acs == acs
        && image
            .product_class
            .as_deref()
            .is_some_and(|p| p.eq_ignore_ascii_case(product_class))
        && image
            .oui
            .as_deref()
            .is_none_or(|o| o.eq_ignore_ascii_case(oui))
}

/// The fleet's models with their versions, measured against `images`.
pub(crate) fn spread(rows: &[SpreadRow], images: &[FirmwareImage]) -> Vec<ModelSpread> {
    let mut models: Vec<ModelSpread> = Vec::new();
    for r in rows {
        let i = match models
            .iter()
            .position(|m| m.acs == r.acs && m.oui == r.oui && m.product_class == r.product_class)
        {
            Some(i) => i,
            None => {
                let latest = images
                    .iter()
                    .filter(|im| fits(im, &r.acs, &r.oui, &r.product_class))
                    .filter_map(|im| im.version.clone())
                    .max_by(|a, b| compare_versions(a, b));
                models.push(ModelSpread {
                    acs: r.acs.clone(),
                    vendor: r.vendor.clone(),
                    model: r.model.clone(),
                    oui: r.oui.clone(),
                    product_class: r.product_class.clone(),
                    devices: 0,
                    versions: Vec::new(),
                    latest,
                    behind: 0,
                    kind: kind_of(r.vendor.as_deref(), &r.oui),
                });
                models.len() - 1
            }
        };
        let m = &mut models[i];
        let behind = match (&m.latest, &r.firmware) {
            (Some(latest), Some(v)) => compare_versions(v, latest) == Ordering::Less,
            _ => false,
        };
        m.devices += r.devices;
        if behind {
            m.behind += r.devices;
        }
        m.vendor = m.vendor.clone().or_else(|| r.vendor.clone());
        m.model = m.model.clone().or_else(|| r.model.clone());
        m.versions.push(VersionCount {
            version: r.firmware.clone(),
            devices: r.devices,
            behind,
        });
    }
    models.sort_by(|a, b| {
        b.devices
            .cmp(&a.devices)
            .then_with(|| a.product_class.cmp(&b.product_class))
    });
    models
}

impl Services {
    /// Every firmware image in the tenant's GenieACS servers, and the fleet's versions
    /// per model against the newest image for it. A server that cannot be read now is
    /// listed as such; the others are still shown.
    pub async fn firmware_library(&self) -> Result<FirmwareLibrary, IpcError> {
        let mut images = Vec::new();
        let mut unreachable = Vec::new();
        for acs in self.tenant.list_acs().await? {
            match self.images_of(&acs.name).await {
                Ok(mut found) => images.append(&mut found),
                Err(e) => unreachable.push((acs.name, e.message)),
            }
        }
        images.sort_by(|a, b| {
            a.product_class
                .cmp(&b.product_class)
                .then_with(|| match (&b.version, &a.version) {
                    (Some(x), Some(y)) => compare_versions(x, y),
                    (x, y) => x.is_some().cmp(&y.is_some()),
                })
                .then_with(|| a.name.cmp(&b.name))
        });
        let rows = self.tenant.firmware_spread().await?;
        Ok(FirmwareLibrary {
            models: spread(&rows, &images),
            images,
            unreachable,
        })
    }

    async fn images_of(&self, acs: &str) -> Result<Vec<FirmwareImage>, IpcError> {
        let (_, client) = connection_client(&self.tenant, acs).await?;
        let files = client.files().list().await.map_err(remote)?;
        Ok(files
            .into_iter()
            .filter(|f| {
                f.metadata
                    .file_type
                    .as_deref()
                    .is_none_or(|t| t.starts_with("1 "))
            })
            .map(|f| image(acs, f))
            .collect())
    }

    /// The connection an image goes to: the one named, or the only one.
    pub(crate) async fn firmware_acs(&self, named: Option<&str>) -> Result<String, IpcError> {
        let all = self.tenant.list_acs().await?;
        match named {
            Some(n) => all
                .iter()
                .find(|a| a.name == n)
                .map(|a| a.name.clone())
                .ok_or_else(|| {
                    IpcError::new(ErrorCode::NotFound, format!("no ACS connection {n:?}"))
                }),
            None => match all.as_slice() {
                [one] => Ok(one.name.clone()),
                [] => Err(invalid("no ACS connection yet: add one first")),
                many => Err(invalid(format!(
                    "the tenant has several ACS connections ({}): say which one",
                    many.iter()
                        .map(|a| a.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ))),
            },
        }
    }

    /// The model an image is for: as given, completed from the fleet where one model
    /// matches what was given (or the fleet has only one).
    async fn image_model(
        &self,
        acs: &str,
        oui: Option<&str>,
        product_class: Option<&str>,
    ) -> Result<(String, String, ImageKind), IpcError> {
        let rows: Vec<SpreadRow> = self
            .tenant
            .firmware_spread()
            .await?
            .into_iter()
            .filter(|r| r.acs == acs)
            .collect();
        let mut models: Vec<(&str, &str, Option<&str>, Option<&str>)> = Vec::new();
        for r in &rows {
            let matches = oui.is_none_or(|o| o.eq_ignore_ascii_case(&r.oui))
                && product_class.is_none_or(|p| p.eq_ignore_ascii_case(&r.product_class));
            let key = (r.oui.as_str(), r.product_class.as_str());
            if matches && !models.iter().any(|m| (m.0, m.1) == key) {
                models.push((key.0, key.1, r.vendor.as_deref(), r.model.as_deref()));
            }
        }
        match (oui, product_class, models.as_slice()) {
            (Some(o), Some(p), found) => {
                let vendor = found.first().and_then(|m| m.2);
                Ok((o.to_owned(), p.to_owned(), kind_of(vendor, o)))
            }
            (_, _, [(o, p, vendor, _)]) => {
                Ok(((*o).to_owned(), (*p).to_owned(), kind_of(*vendor, o)))
            }
            (_, _, found) => {
                let listed = |list: &[(&str, &str, Option<&str>, Option<&str>)]| {
                    list.iter()
                        .map(|(o, p, v, m)| {
                            format!(
                                "{p} (OUI {o}{})",
                                match (v, m) {
                                    (Some(v), Some(m)) => format!(", {v} {m}"),
                                    _ => String::new(),
                                }
                            )
                        })
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                Err(invalid(if found.is_empty() {
                    match product_class.or(oui) {
                        Some(given) => format!(
                            "no router of {acs} is {given:?}: give both the OUI and the product class the image is for"
                        ),
                        None => "the fleet has no routers yet: give the OUI and the product class the image is for".into(),
                    }
                } else {
                    format!(
                        "which model is the image for? Give the product class: {}",
                        listed(found)
                    )
                }))
            }
        }
    }

    /// Uploads the image at `path` to GenieACS with its metadata, streamed, calling
    /// `progress(sent, total)`. Checked first: a name and a version, the model (completed
    /// from the fleet), an empty file, a name already taken (unless `replace`), and for
    /// MikroTik a package list rather than an `.npk`.
    pub async fn upload_firmware_file(
        &self,
        path: &Path,
        request: UploadFirmwareRequest,
        progress: impl Fn(u64, u64) + Send + Sync + 'static,
    ) -> Result<UploadedFirmware, IpcError> {
        let name = request.name.trim();
        if name.is_empty() || name.contains(['/', '\\']) || name.chars().any(char::is_control) {
            return Err(invalid(format!(
                "{name:?} cannot be an image's name: use letters, digits, dots and dashes"
            )));
        }
        let version = request.version.trim();
        if version.is_empty() {
            return Err(invalid(
                "give the version the image installs: AcsDesk proves an update by it",
            ));
        }
        let acs = self.firmware_acs(request.acs.as_deref()).await?;
        let (oui, product_class, kind) = self
            .image_model(
                &acs,
                request
                    .oui
                    .as_deref()
                    .map(str::trim)
                    .filter(|s| !s.is_empty()),
                request
                    .product_class
                    .as_deref()
                    .map(str::trim)
                    .filter(|s| !s.is_empty()),
            )
            .await?;
        let size = tokio::fs::metadata(path)
            .await
            .map_err(|e| invalid(format!("cannot read {}: {e}", path.display())))?
            .len();
        if size == 0 {
            return Err(invalid(format!("{} is empty", path.display())));
        }
        if kind == ImageKind::PackageList {
            if size > MAX_PACKAGE_LIST {
                return Err(invalid(format!(
                    "{product_class} is a MikroTik: it takes {}; this file is {size} bytes",
                    kind.describe()
                )));
            }
            let bytes = tokio::fs::read(path)
                .await
                .map_err(|e| invalid(format!("cannot read {}: {e}", path.display())))?;
            package_list(&bytes).map_err(invalid)?;
        }
        let (_, client) = connection_client(&self.tenant, &acs).await?;
        let files = client.files();
        if let Some(existing) = files.get(name).await.map_err(remote)? {
            if !request.replace {
                return Err(IpcError::new(
                    ErrorCode::Conflict,
                    format!(
                        "GenieACS already has an image named {name:?} (version {}): choose another name, or replace it",
                        existing.metadata.version.as_deref().unwrap_or("unknown")
                    ),
                ));
            }
            files.delete(name).await.map_err(remote)?;
        }
        let meta = FileMetadata {
            file_type: Some(FIRMWARE_TYPE.into()),
            oui: Some(oui.clone()),
            product_class: Some(product_class.clone()),
            version: Some(version.to_owned()),
        };
        files
            .upload_with_progress(name, path, &meta, progress)
            .await
            .map_err(|e| {
                IpcError::new(
                    ErrorCode::Remote,
                    format!("GenieACS did not take the image: {e}"),
                )
            })?;
        let stored = files.get(name).await.map_err(remote)?.ok_or_else(|| {
            IpcError::new(
                ErrorCode::Remote,
                format!("GenieACS answered the upload but does not list {name:?}"),
            )
        })?;
        let routers_behind = self
            .tenant
            .firmware_spread()
            .await?
            .iter()
            .filter(|r| {
                r.acs == acs
                    && r.oui.eq_ignore_ascii_case(&oui)
                    && r.product_class.eq_ignore_ascii_case(&product_class)
                    && r.firmware
                        .as_deref()
                        .is_some_and(|v| compare_versions(v, version) == Ordering::Less)
            })
            .map(|r| r.devices)
            .sum();
        Ok(UploadedFirmware {
            image: image(&acs, stored),
            routers_behind,
        })
    }

    /// Deletes an image from GenieACS.
    pub async fn delete_firmware(&self, request: DeleteFirmwareRequest) -> Result<(), IpcError> {
        let acs = self.firmware_acs(request.acs.as_deref()).await?;
        if self.tenant.rollouts_using(&acs, &request.name).await? > 0 {
            return Err(IpcError::new(
                ErrorCode::Conflict,
                format!(
                    "a rollout of {} has not ended: cancel it before deleting the image",
                    request.name
                ),
            ));
        }
        let (_, client) = connection_client(&self.tenant, &acs).await?;
        match client.files().delete(&request.name).await {
            Ok(()) => Ok(()),
            Err(acsdesk_genieacs::Error::NotFound(_)) => Err(IpcError::new(
                ErrorCode::NotFound,
                format!("GenieACS ({acs}) has no image named {:?}", request.name),
            )),
            Err(e) => Err(remote(e)),
        }
    }
}

/// The largest image the window may send (a router image is tens of MB).
const MAX_UPLOAD: u64 = 512 * 1024 * 1024;

/// How long a gathered upload may lie untouched before it counts as abandoned (a window
/// closed mid-upload, a crash), ms.
const ABANDONED_AFTER_MS: i64 = 24 * 3_600_000;

/// Removes the uploads in `dir` untouched for a day at `now_ms`: a new upload clears
/// what earlier ones left behind.
async fn remove_abandoned(dir: &std::path::Path, now_ms: i64) {
    let Ok(mut entries) = tokio::fs::read_dir(dir).await else {
        return;
    };
    while let Ok(Some(entry)) = entries.next_entry().await {
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "part") {
            continue;
        }
        let stale = entry
            .metadata()
            .await
            .ok()
            .and_then(|m| m.modified().ok())
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .and_then(|t| i64::try_from(t.as_millis()).ok())
            .is_some_and(|modified| now_ms - modified > ABANDONED_AFTER_MS);
        if stale {
            let _ = tokio::fs::remove_file(&path).await;
        }
    }
}

impl crate::Desk {
    /// Where the window's chunks of one upload are gathered, under the data folder.
    fn upload_path(&self, id: &str) -> Result<std::path::PathBuf, IpcError> {
        let valid = !id.is_empty()
            && id.len() <= 64
            && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        if !valid {
            return Err(invalid(format!("{id:?} is not an upload id")));
        }
        Ok(self
            .workspace
            .dir()
            .join("uploads")
            .join(format!("{id}.part")))
    }

    /// Takes one chunk of a file the window sends (in order, a few MiB at a time, so the
    /// image is never whole in memory) and returns the bytes received so far. A chunk
    /// at offset 0 starts the upload afresh.
    pub async fn firmware_upload_chunk(
        &self,
        chunk: acsdesk_types::firmware::UploadChunk,
        bytes: &[u8],
    ) -> Result<u64, IpcError> {
        use tokio::io::AsyncWriteExt;
        let path = self.upload_path(&chunk.upload)?;
        let store_err = |e: std::io::Error| {
            IpcError::new(ErrorCode::Store, format!("cannot keep the upload: {e}"))
        };
        if let Some(dir) = path.parent() {
            tokio::fs::create_dir_all(dir).await.map_err(store_err)?;
            if chunk.offset == 0 {
                remove_abandoned(dir, (self.clock)()).await;
            }
        }
        let have = match tokio::fs::metadata(&path).await {
            Ok(m) if chunk.offset > 0 => m.len(),
            _ => 0,
        };
        if chunk.offset != have {
            return Err(invalid(format!(
                "the upload's chunks came out of order (at {} of {have} bytes): send the file again",
                chunk.offset
            )));
        }
        let total = have + bytes.len() as u64;
        if total > MAX_UPLOAD {
            let _ = tokio::fs::remove_file(&path).await;
            return Err(invalid(format!(
                "the image is larger than {} MB",
                MAX_UPLOAD / 1024 / 1024
            )));
        }
        let mut file = tokio::fs::OpenOptions::new()
            .create(true)
            .write(true)
            .append(chunk.offset > 0)
            .truncate(chunk.offset == 0)
            .open(&path)
            .await
            .map_err(store_err)?;
        file.write_all(bytes).await.map_err(store_err)?;
        file.flush().await.map_err(store_err)?;
        Ok(total)
    }

    /// Sends an image the window uploaded in chunks to GenieACS, telling the window how
    /// far it got; the gathered file is removed whatever the outcome.
    pub async fn upload_firmware(
        &self,
        request: UploadFirmwareRequest,
    ) -> Result<UploadedFirmware, IpcError> {
        let id = request
            .upload
            .clone()
            .ok_or_else(|| invalid("no file was sent for this upload"))?;
        let path = self.upload_path(&id)?;
        if tokio::fs::metadata(&path).await.is_err() {
            return Err(invalid("no file was sent for this upload"));
        }
        let events = self.events.clone();
        let name = request.name.clone();
        let outcome = match self.services().await {
            Ok(services) => {
                services
                    .upload_firmware_file(&path, request, move |sent, total| {
                        let _ = events.send(crate::DeskEvent::UploadProgress(
                            acsdesk_types::firmware::UploadProgressEvent {
                                name: name.clone(),
                                sent,
                                total,
                            },
                        ));
                    })
                    .await
            }
            Err(e) => Err(e),
        };
        let _ = tokio::fs::remove_file(&path).await;
        outcome
    }
}

#[cfg(test)]
mod tests {
    use acsdesk_types::firmware::{UploadChunk, UploadFirmwareRequest};

    /// The window's chunks make the file, in order only; an upload reaches GenieACS
    /// with every byte and its gathered file is gone after.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn chunks_are_gathered_in_order_and_sent_to_genieacs() {
        let dir = tempfile::tempdir().unwrap();
        acsdesk_core::http::install_crypto_provider();
        let (desk, sandbox) = crate::bulk::tests::synced_desk(dir.path(), 20).await;
        let chunk = |offset: u64| UploadChunk {
            upload: "u-1".into(),
            offset,
        };
        // What a window closed mid-upload two days ago left, and an upload under way.
        let uploads = dir.path().join("uploads");
        std::fs::create_dir_all(&uploads).unwrap();
        let abandoned = std::fs::File::create(uploads.join("gone.part")).unwrap();
        abandoned
            .set_modified(
                std::time::UNIX_EPOCH
                    + std::time::Duration::from_millis(
                        u64::try_from(acsdesk_core::clock::system_now_ms() - 2 * 86_400_000)
                            .unwrap(),
                    ),
            )
            .unwrap();
        std::fs::write(uploads.join("other-window.part"), [0; 10]).unwrap();
        assert_eq!(
            desk.firmware_upload_chunk(chunk(0), &[1; 1000])
                .await
                .unwrap(),
            1000
        );
        assert_eq!(
            desk.firmware_upload_chunk(chunk(1000), &[2; 500])
                .await
                .unwrap(),
            1500
        );
        let err = desk
            .firmware_upload_chunk(chunk(9000), &[3; 10])
            .await
            .unwrap_err();
        assert!(err.message.contains("out of order"), "{}", err.message);
        let bad = UploadChunk {
            upload: "../x".into(),
            offset: 0,
        };
        assert!(desk.firmware_upload_chunk(bad, &[0]).await.is_err());
        let mut progress = desk.subscribe();
        let uploaded = desk
            .upload_firmware(UploadFirmwareRequest {
                upload: Some("u-1".into()),
                name: "archer-test.bin".into(),
                version: "9.9.9".into(),
                product_class: Some("ArcherC6".into()),
                ..UploadFirmwareRequest::default()
            })
            .await
            .unwrap();
        assert_eq!(uploaded.image.size, 1500);
        assert_eq!(uploaded.image.oui.as_deref(), Some("50C7BF"));
        let mut last = None;
        while let Ok(e) = progress.try_recv() {
            if let crate::DeskEvent::UploadProgress(p) = e {
                last = Some((p.sent, p.total));
            }
        }
        assert_eq!(last, Some((1500, 1500)), "the window saw it all go");
        assert!(!dir.path().join("uploads").join("u-1.part").exists());
        assert!(
            !uploads.join("gone.part").exists() && uploads.join("other-window.part").exists(),
            "a new upload clears what was abandoned a day ago or more, nothing else"
        );
        // Nothing sent for an id: a clear error, nothing in GenieACS.
        let err = desk
            .upload_firmware(UploadFirmwareRequest {
                upload: Some("u-2".into()),
                name: "other.bin".into(),
                version: "1".into(),
                ..UploadFirmwareRequest::default()
            })
            .await
            .unwrap_err();
        assert!(err.message.contains("no file was sent"), "{}", err.message);
        let files: Vec<serde_json::Value> = reqwest::get(format!("{}/files", sandbox.url()))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!(files.iter().all(|f| f["_id"] != "other.bin"));
    }
}
