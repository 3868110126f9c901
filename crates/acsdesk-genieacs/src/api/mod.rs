//! One handler per NBI resource; each operation is a method or a builder.

pub mod config;
pub mod devices;
pub mod faults;
pub mod files;
pub mod tasks;

use crate::error::Error;
use serde::de::DeserializeOwned;

/// Decodes a JSON body, naming where it failed.
pub(crate) async fn json<T: DeserializeOwned>(resp: reqwest::Response) -> Result<T, Error> {
    let bytes = resp.bytes().await.map_err(Error::from_reqwest)?;
    let de = &mut serde_json::Deserializer::from_slice(&bytes);
    serde_path_to_error::deserialize(de).map_err(|e| Error::Decode {
        path: e.path().to_string(),
        message: e.inner().to_string(),
    })
}
