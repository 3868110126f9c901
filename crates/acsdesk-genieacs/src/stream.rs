//! Incremental decoding of the JSON arrays GenieACS streams (`[`, one document per line,
//! `,`, `]`): bytes are fed as they arrive and each complete element is decoded on its
//! own, so memory holds one document, never the whole answer. The split follows JSON's
//! grammar (strings, escapes, nesting), not the line layout.

use crate::error::Error;
use serde::de::DeserializeOwned;

/// Where the splitter is in the array.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum At {
    /// Before the opening `[`.
    Start,
    /// Inside the array, between elements (after `[` or `,`).
    BeforeElement,
    /// Inside an element.
    Element,
    /// After the closing `]`.
    End,
}

/// Splits a JSON array arriving in chunks into its elements.
#[derive(Debug)]
pub(crate) struct ArraySplitter {
    buf: Vec<u8>,
    /// How far `buf` has been scanned.
    scanned: usize,
    at: At,
    depth: u32,
    in_string: bool,
    escaped: bool,
    /// How many elements have been handed out.
    index: usize,
    /// The largest element read, in bytes, and what an element is (for the error).
    max_element: usize,
    what: &'static str,
}

fn malformed(index: usize, what: &str) -> Error {
    Error::Decode {
        path: format!("[{index}]"),
        message: what.to_owned(),
    }
}

impl ArraySplitter {
    /// A splitter refusing elements larger than `max_element` bytes (`what` names them
    /// in the error).
    pub(crate) fn new(max_element: usize, what: &'static str) -> Self {
        Self {
            max_element,
            what,
            buf: Vec::new(),
            scanned: 0,
            at: At::Start,
            depth: 0,
            in_string: false,
            escaped: false,
            index: 0,
        }
    }

    /// How many elements were complete so far.
    pub(crate) fn count(&self) -> usize {
        self.index
    }

    /// Feeds a chunk, decoding every element it completes and handing it to `each`.
    pub(crate) fn feed<T: DeserializeOwned>(
        &mut self,
        chunk: &[u8],
        each: &mut impl FnMut(T),
    ) -> Result<(), Error> {
        self.buf.extend_from_slice(chunk);
        let mut start = 0;
        let mut i = self.scanned;
        while i < self.buf.len() {
            let b = self.buf[i];
            match self.at {
                At::Start => match b {
                    b'[' => self.at = At::BeforeElement,
                    b if b.is_ascii_whitespace() => {}
                    _ => return Err(malformed(0, "the answer is not a JSON array")),
                },
                At::BeforeElement if b.is_ascii_whitespace() => {}
                At::BeforeElement if b == b']' && self.index == 0 => self.at = At::End,
                At::BeforeElement => {
                    if b == b']' || b == b',' {
                        return Err(malformed(self.index, "an empty array element"));
                    }
                    start = i;
                    self.at = At::Element;
                    self.depth = 0;
                    self.in_string = false;
                    self.escaped = false;
                    continue; // scan this byte as part of the element
                }
                At::Element => {
                    if self.in_string {
                        if self.escaped {
                            self.escaped = false;
                        } else if b == b'\\' {
                            self.escaped = true;
                        } else if b == b'"' {
                            self.in_string = false;
                        }
                    } else {
                        match b {
                            b'"' => self.in_string = true,
                            b'{' | b'[' => self.depth += 1,
                            b'}' | b']' if self.depth > 0 => self.depth -= 1,
                            b',' | b']' if self.depth == 0 => {
                                self.emit(start, i, each)?;
                                self.at = if b == b',' {
                                    At::BeforeElement
                                } else {
                                    At::End
                                };
                            }
                            b'}' | b']' => {
                                return Err(malformed(self.index, "unbalanced brackets"));
                            }
                            _ => {}
                        }
                    }
                }
                At::End => {
                    if !b.is_ascii_whitespace() {
                        return Err(malformed(self.index, "data after the end of the array"));
                    }
                }
            }
            i += 1;
        }
        // Keep only the unfinished element, if it is not already too large.
        let keep_from = if self.at == At::Element { start } else { i };
        if self.buf.len() - keep_from > self.max_element {
            return Err(Error::TooLarge {
                what: self.what,
                limit: self.max_element,
            });
        }
        self.buf.drain(..keep_from);
        self.scanned = i - keep_from;
        Ok(())
    }

    fn emit<T: DeserializeOwned>(
        &mut self,
        start: usize,
        end: usize,
        each: &mut impl FnMut(T),
    ) -> Result<(), Error> {
        let raw = &self.buf[start..end];
        let de = &mut serde_json::Deserializer::from_slice(raw);
        let value: T = serde_path_to_error::deserialize(de).map_err(|e| Error::Decode {
            path: format!("[{}].{}", self.index, e.path()),
            message: e.inner().to_string(),
        })?;
        self.index += 1;
        each(value);
        Ok(())
    }

    /// Ends the input: an array that never closed was cut short.
    pub(crate) fn finish(&self) -> Result<(), Error> {
        if self.at == At::End {
            Ok(())
        } else {
            Err(malformed(
                self.index,
                "the answer ended before the array closed (truncated)",
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn split_in_chunks(input: &[u8], size: usize) -> Result<Vec<Value>, Error> {
        let mut s = ArraySplitter::new(usize::MAX, "an element");
        let mut out = Vec::new();
        for chunk in input.chunks(size.max(1)) {
            s.feed(chunk, &mut |v: Value| out.push(v))?;
        }
        s.finish()?;
        Ok(out)
    }

    #[test]
    fn elements_come_out_whatever_the_chunking() {
        let input = br#"[
{"_id":"a,b]","n":[1,2,{"x":"}"}]},
{"_id":"q\"uote\\","t":true}
,3,"s",null]"#;
        let want = vec![
            json!({"_id":"a,b]","n":[1,2,{"x":"}"}]}),
            json!({"_id":"q\"uote\\","t":true}),
            json!(3),
            json!("s"),
            Value::Null,
        ];
        for size in [1, 2, 3, 7, 64, 4096] {
            assert_eq!(
                split_in_chunks(input, size).unwrap(),
                want,
                "chunks of {size}"
            );
        }
        assert!(split_in_chunks(b"[\n\n]", 1).unwrap().is_empty());
        assert!(split_in_chunks(b"  []  ", 2).unwrap().is_empty());
    }

    #[test]
    fn the_recorded_stream_splits_like_a_whole_parse() {
        let page = acsdesk_captures::fixture_bytes("devices-all.json");
        let whole: Vec<Value> = serde_json::from_slice(&page).unwrap();
        assert_eq!(split_in_chunks(&page, 1000).unwrap(), whole);
    }

    #[test]
    fn damage_is_reported_with_the_element_index() {
        let cut = split_in_chunks(br#"[{"a":1},{"b":"#, 3).unwrap_err();
        assert!(
            matches!(&cut, Error::Decode { path, message } if path == "[1]" && message.contains("truncated")),
            "{cut:?}"
        );
        let bad = split_in_chunks(br#"[{"a":1},{"b":tru}]"#, 5).unwrap_err();
        assert!(
            matches!(&bad, Error::Decode { path, .. } if path.starts_with("[1]")),
            "{bad:?}"
        );
        assert!(split_in_chunks(br#"{"a":1}"#, 5).is_err());
        assert!(split_in_chunks(br#"[1,,2]"#, 5).is_err());
        assert!(split_in_chunks(br#"[1] x"#, 5).is_err());
    }

    #[test]
    fn typed_errors_name_the_json_path() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Doc {
            _id: String,
        }
        let mut s = ArraySplitter::new(usize::MAX, "an element");
        let err = s
            .feed(br#"[{"_id":"x"},{"_id":7}]"#, &mut |_: Doc| {})
            .unwrap_err();
        assert!(
            matches!(&err, Error::Decode { path, .. } if path == "[1]._id"),
            "{err:?}"
        );
    }
}
