//! One handler per NBI resource; each operation is a method or a builder.

pub mod config;
pub mod devices;
pub mod faults;
pub mod files;
pub mod tasks;

use crate::error::Error;
use crate::stream::ArraySplitter;
use futures::StreamExt;
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

/// Decodes a JSON array body element by element as it arrives, handing each to `each`:
/// memory holds one element, however long the array. Returns how many there were.
pub(crate) async fn each<T: DeserializeOwned>(
    resp: reqwest::Response,
    mut each: impl FnMut(T),
) -> Result<u64, Error> {
    let mut splitter = ArraySplitter::new();
    let mut body = resp.bytes_stream();
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(|e| {
            if e.is_timeout() {
                Error::Timeout
            } else {
                Error::Decode {
                    path: format!("[{}]", splitter.count()),
                    message: format!(
                        "the answer was cut short ({})",
                        crate::error::root_cause(&e)
                    ),
                }
            }
        })?;
        splitter.feed(&chunk, &mut each)?;
    }
    splitter.finish()?;
    Ok(splitter.count() as u64)
}

/// Decodes a whole JSON array body through [`each`].
pub(crate) async fn list<T: DeserializeOwned>(resp: reqwest::Response) -> Result<Vec<T>, Error> {
    let mut out = Vec::new();
    each(resp, |t| out.push(t)).await?;
    Ok(out)
}
