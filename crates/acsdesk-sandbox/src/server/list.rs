//! List answers as GenieACS's NBI gives them for every collection: `query`, `projection`,
//! `sort` (keys in the order written), `skip`, `limit`; a `total` header counting every
//! match; `HEAD` for the count alone; the body streamed as `[`, one document per line,
//! `]`.

use super::{reply, text};
use crate::query::{matches, order, sort_keys, Fields};
use axum::body::Body;
use axum::http::{HeaderValue, Method, StatusCode};
use axum::response::Response;
use serde_json::{Map, Value};
use std::collections::HashMap;

/// The parameters of a list request.
#[derive(Debug, Default)]
pub(crate) struct ListParams {
    pub(crate) query: Value,
    pub(crate) projection: Option<Vec<String>>,
    pub(crate) sort: Vec<(String, i64)>,
    pub(crate) skip: usize,
    pub(crate) limit: Option<usize>,
}

/// A query string's parameters (`+` as space; a bare key has an empty value).
pub(crate) fn query_map(raw: Option<&str>) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for pair in raw.unwrap_or_default().split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let dec = |s: &str| {
            percent_encoding::percent_decode_str(&s.replace('+', " "))
                .decode_utf8_lossy()
                .into_owned()
        };
        out.insert(dec(k), dec(v));
    }
    out
}

impl ListParams {
    /// Reads them; the error is GenieACS's 400 text (the JSON parser's message) when
    /// `query` or `sort` is not JSON.
    pub(crate) fn parse(q: &HashMap<String, String>) -> Result<Self, String> {
        let query = match q.get("query") {
            None => Value::Object(Map::new()),
            Some(s) => serde_json::from_str(s).map_err(|e| format!("SyntaxError: {e}"))?,
        };
        let sort = match q.get("sort") {
            None => Vec::new(),
            Some(s) => sort_keys(s)?,
        };
        Ok(Self {
            query,
            projection: q.get("projection").map(|p| {
                p.split(',')
                    .map(|s| s.trim().to_owned())
                    .filter(|s| !s.is_empty())
                    .collect()
            }),
            sort,
            skip: q.get("skip").and_then(|v| v.parse().ok()).unwrap_or(0),
            limit: q
                .get("limit")
                .and_then(|v| v.parse().ok())
                .filter(|l| *l > 0),
        })
    }

    /// The positions of the matching items in `items`, sorted; and the count of matches.
    pub(crate) fn select<T: Fields>(&self, items: &[T]) -> Result<(Vec<usize>, usize), String> {
        let mut picked = Vec::new();
        for (i, item) in items.iter().enumerate() {
            if matches(item, &self.query).map_err(|e| e.0)? {
                picked.push(i);
            }
        }
        if !self.sort.is_empty() {
            picked.sort_by(|a, b| {
                for (key, dir) in &self.sort {
                    let ord = order(items[*a].field(key).as_ref(), items[*b].field(key).as_ref());
                    let ord = if *dir < 0 { ord.reverse() } else { ord };
                    if ord.is_ne() {
                        return ord;
                    }
                }
                std::cmp::Ordering::Equal
            });
        }
        let total = picked.len();
        let page = picked
            .into_iter()
            .skip(self.skip)
            .take(self.limit.unwrap_or(usize::MAX))
            .collect();
        Ok((page, total))
    }
}

/// `[`, one document per line, `]`, as GenieACS streams lists.
pub(crate) fn array_text(docs: impl IntoIterator<Item = String>) -> String {
    let mut out = String::from("[\n");
    for (i, d) in docs.into_iter().enumerate() {
        if i > 0 {
            out.push_str(",\n");
        }
        out.push_str(&d);
    }
    out.push_str("\n]");
    out
}

/// A list answer with its `total` header (no body for `HEAD`).
pub(crate) fn list_response(method: &Method, total: usize, body: Body) -> Response {
    let body = if method == Method::HEAD {
        Body::empty()
    } else {
        body
    };
    let mut r = reply(StatusCode::OK, None, body, true);
    r.headers_mut().insert("total", HeaderValue::from(total));
    r
}

/// A projection of a stored document: the listed (dotted) fields, `_id` always.
fn project(doc: &Value, fields: &[String]) -> Value {
    let mut out = Map::new();
    if let Some(id) = doc.get("_id") {
        out.insert("_id".into(), id.clone());
    }
    for f in fields {
        let segs: Vec<&str> = f.split('.').collect();
        let Some(v) = segs.iter().try_fold(doc, |v, s| v.get(*s)) else {
            continue;
        };
        let mut node = Some(&mut out);
        for seg in &segs[..segs.len() - 1] {
            node = node.and_then(|n| {
                n.entry((*seg).to_owned())
                    .or_insert_with(|| Value::Object(Map::new()))
                    .as_object_mut()
            });
        }
        if let Some(n) = node {
            n.insert(segs[segs.len() - 1].to_owned(), v.clone());
        }
    }
    Value::Object(out)
}

/// A whole list answer over stored documents (tasks, faults, files, presets, …).
pub(crate) fn documents(
    method: &Method,
    q: &HashMap<String, String>,
    items: Vec<Value>,
) -> Response {
    let bad = |e: String| text(StatusCode::BAD_REQUEST, None, &e);
    let params = match ListParams::parse(q) {
        Ok(p) => p,
        Err(e) => return bad(e),
    };
    let (page, total) = match params.select(&items) {
        Ok(x) => x,
        Err(e) => return bad(e),
    };
    let docs = page.into_iter().map(|i| match &params.projection {
        Some(p) => project(&items[i], p).to_string(),
        None => items[i].to_string(),
    });
    list_response(method, total, Body::from(array_text(docs)))
}
