//! `/files`: firmware and configuration files with their metadata; uploads stream from
//! disk.

use crate::client::Client;
use crate::error::Error;
use crate::id::file_segment;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// A file's metadata (the upload's headers).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileMetadata {
    /// e.g. `1 Firmware Upgrade Image`.
    #[serde(default)]
    pub file_type: Option<String>,
    /// OUI it is for.
    #[serde(default)]
    pub oui: Option<String>,
    /// Product class it is for.
    #[serde(default)]
    pub product_class: Option<String>,
    /// Version it installs.
    #[serde(default)]
    pub version: Option<String>,
}

/// A stored file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileInfo {
    /// Its name.
    #[serde(rename = "_id")]
    pub name: String,
    /// Size in bytes.
    pub length: u64,
    /// When it was uploaded.
    pub upload_date: String,
    /// Its metadata.
    #[serde(default)]
    pub metadata: FileMetadata,
}

/// Operations on files.
#[derive(Debug)]
pub struct FilesHandler<'c> {
    client: &'c Client,
}

impl<'c> FilesHandler<'c> {
    pub(crate) fn new(client: &'c Client) -> Self {
        Self { client }
    }

    /// Every file.
    pub async fn list(&self) -> Result<Vec<FileInfo>, Error> {
        super::list(
            self.client
                .send(self.client.http().get(self.client.url("files")))
                .await?,
            super::LIST,
        )
        .await
    }

    /// The files made for a product class (`metadata.productClass`), e.g. the firmware
    /// images that fit a model.
    pub async fn for_product_class(&self, product_class: &str) -> Result<Vec<FileInfo>, Error> {
        let query = serde_json::json!({ "metadata.productClass": product_class }).to_string();
        let req = self
            .client
            .http()
            .get(self.client.url("files"))
            .query(&[("query", query)]);
        super::list(self.client.send(req).await?, super::LIST).await
    }

    /// One file by name, or `None`.
    pub async fn get(&self, name: &str) -> Result<Option<FileInfo>, Error> {
        let query = serde_json::json!({ "_id": name }).to_string();
        let req = self
            .client
            .http()
            .get(self.client.url("files"))
            .query(&[("query", query)]);
        let found: Vec<FileInfo> = super::list(self.client.send(req).await?, super::LIST).await?;
        Ok(found.into_iter().find(|f| f.name == name))
    }

    /// Uploads a file from disk, streamed, with its metadata.
    pub async fn upload(&self, name: &str, path: &Path, meta: &FileMetadata) -> Result<(), Error> {
        self.upload_with_progress(name, path, meta, |_, _| {}).await
    }

    /// Uploads a file from disk, streamed (a chunk at a time in memory), with its
    /// metadata, calling `progress(sent, total)` as its bytes go out.
    pub async fn upload_with_progress(
        &self,
        name: &str,
        path: &Path,
        meta: &FileMetadata,
        progress: impl Fn(u64, u64) + Send + Sync + 'static,
    ) -> Result<(), Error> {
        use futures::StreamExt;
        let file = tokio::fs::File::open(path)
            .await
            .map_err(|e| Error::Refused(format!("cannot read {}: {e}", path.display())))?;
        let len = file.metadata().await.map(|m| m.len()).unwrap_or(0);
        let mut sent = 0_u64;
        let stream = tokio_util::io::ReaderStream::new(file).inspect(move |chunk| {
            if let Ok(bytes) = chunk {
                sent += bytes.len() as u64;
                progress(sent, len);
            }
        });
        let mut req = self
            .client
            .http()
            .put(self.client.url(&format!("files/{}", file_segment(name))))
            .header(reqwest::header::CONTENT_LENGTH, len)
            .body(reqwest::Body::wrap_stream(stream));
        for (header, value) in [
            ("fileType", &meta.file_type),
            ("oui", &meta.oui),
            ("productClass", &meta.product_class),
            ("version", &meta.version),
        ] {
            if let Some(v) = value {
                req = req.header(header, v);
            }
        }
        self.client.send(req).await.map(|_| ())
    }

    /// Deletes a file. GenieACS drops the connection for unknown names, so the list is
    /// checked first and a missing file is `NotFound`.
    pub async fn delete(&self, name: &str) -> Result<(), Error> {
        if self.get(name).await?.is_none() {
            return Err(Error::NotFound(format!("file {name}")));
        }
        let url = self.client.url(&format!("files/{}", file_segment(name)));
        self.client
            .send(self.client.http().delete(url))
            .await
            .map(|_| ())
    }
}
