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

/// How much of one kind of answer AcsDesk reads: a huge or endless body stops at the
/// limit with [`Error::TooLarge`] naming it, instead of exhausting memory.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Bound {
    /// What is read, for the error ("a device document").
    pub(crate) what: &'static str,
    /// At most this many bytes.
    pub(crate) max: usize,
}

const MIB: usize = 1 << 20;

/// One device document of a page (the page itself streams, one document at a time).
pub(crate) const DEVICE_DOCUMENT: Bound = Bound {
    what: "a device document",
    max: 32 * MIB,
};
/// The answer to creating a task.
pub(crate) const TASK: Bound = Bound {
    what: "a task",
    max: MIB,
};
/// A list of tasks, faults, files, presets, provisions or virtual parameters.
pub(crate) const LIST: Bound = Bound {
    what: "a list of tasks, faults, files or configuration",
    max: 32 * MIB,
};
/// The body of an error answer (only an excerpt is kept).
pub(crate) const ERROR_BODY: Bound = Bound {
    what: "an error message",
    max: 64 * 1024,
};

fn too_large(bound: Bound) -> Error {
    Error::TooLarge {
        what: bound.what,
        limit: bound.max,
    }
}

fn cut_short(e: &reqwest::Error, index: usize) -> Error {
    if e.is_timeout() {
        Error::Timeout
    } else {
        Error::Decode {
            path: format!("[{index}]"),
            message: format!("the answer was cut short ({})", crate::error::root_cause(e)),
        }
    }
}

/// The whole body, at most `bound.max` bytes (a larger declared length is refused
/// before reading).
pub(crate) async fn bytes(resp: reqwest::Response, bound: Bound) -> Result<Vec<u8>, Error> {
    if resp.content_length().is_some_and(|n| n > bound.max as u64) {
        return Err(too_large(bound));
    }
    let mut out = Vec::new();
    let mut body = resp.bytes_stream();
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(Error::from_reqwest)?;
        if out.len() + chunk.len() > bound.max {
            return Err(too_large(bound));
        }
        out.extend_from_slice(&chunk);
    }
    Ok(out)
}

/// Decodes a JSON body of at most `bound`, naming where it failed.
pub(crate) async fn json<T: DeserializeOwned>(
    resp: reqwest::Response,
    bound: Bound,
) -> Result<T, Error> {
    let bytes = bytes(resp, bound).await?;
    let de = &mut serde_json::Deserializer::from_slice(&bytes);
    serde_path_to_error::deserialize(de).map_err(|e| Error::Decode {
        path: e.path().to_string(),
        message: e.inner().to_string(),
    })
}

/// Decodes a JSON array body element by element as it arrives, handing each to `each`:
/// memory holds one element (at most `element`), however long the array. Returns how
/// many there were.
pub(crate) async fn each<T: DeserializeOwned>(
    resp: reqwest::Response,
    element: Bound,
    mut each: impl FnMut(T),
) -> Result<u64, Error> {
    let mut splitter = ArraySplitter::new(element.max, element.what);
    let mut body = resp.bytes_stream();
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(|e| cut_short(&e, splitter.count()))?;
        splitter.feed(&chunk, &mut each)?;
    }
    splitter.finish()?;
    Ok(splitter.count() as u64)
}

/// Decodes a whole JSON array body of at most `bound` bytes.
pub(crate) async fn list<T: DeserializeOwned>(
    resp: reqwest::Response,
    bound: Bound,
) -> Result<Vec<T>, Error> {
    if resp.content_length().is_some_and(|n| n > bound.max as u64) {
        return Err(too_large(bound));
    }
    let mut out = Vec::new();
    let mut splitter = ArraySplitter::new(bound.max, bound.what);
    let mut read = 0_usize;
    let mut body = resp.bytes_stream();
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(|e| cut_short(&e, splitter.count()))?;
        read += chunk.len();
        if read > bound.max {
            return Err(too_large(bound));
        }
        splitter.feed(&chunk, &mut |t| out.push(t))?;
    }
    splitter.finish()?;
    Ok(out)
}
