//! Firmware images as AcsDesk judges them: the order of version strings as vendors write
//! them, and MikroTik's package lists (RouterOS updates by packages: the file GenieACS
//! hands the router is an XML list of `.npk` links, not an image).

use std::cmp::Ordering;

/// Compares two firmware versions as people read them: runs of digits as numbers, the
/// rest as text, case-insensitively (`V100R001C56B018` > `V100R001C56B017`,
/// `1.12.0 Build 220820` > `1.9.4 Build 230101`, `7.16` > `7.9.2`).
pub fn compare_versions(a: &str, b: &str) -> Ordering {
    let (mut x, mut y) = (parts(a), parts(b));
    loop {
        match (x.next(), y.next()) {
            (None, None) => return a.cmp(b),
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(p), Some(q)) => {
                let o = match (p, q) {
                    (Part::Number(m), Part::Number(n)) => {
                        let (m, n) = (m.trim_start_matches('0'), n.trim_start_matches('0'));
                        m.len().cmp(&n.len()).then_with(|| m.cmp(n))
                    }
                    (Part::Number(_), Part::Text(_)) => Ordering::Greater,
                    (Part::Text(_), Part::Number(_)) => Ordering::Less,
                    (Part::Text(s), Part::Text(t)) => {
                        s.to_ascii_lowercase().cmp(&t.to_ascii_lowercase())
                    }
                };
                if o != Ordering::Equal {
                    return o;
                }
            }
        }
    }
}

enum Part<'a> {
    Number(&'a str),
    Text(&'a str),
}

/// The digit runs and the text between them, separators (`.`, `-`, `_`, spaces) dropped.
fn parts(v: &str) -> impl Iterator<Item = Part<'_>> {
    let mut rest = v.trim();
    std::iter::from_fn(move || {
        rest = rest.trim_start_matches(['.', '-', '_', ' ', '(', ')']);
        let first = rest.chars().next()?;
        let digits = first.is_ascii_digit();
        let end = rest
            .find(|c: char| {
                c.is_ascii_digit() != digits || matches!(c, '.' | '-' | '_' | ' ' | '(' | ')')
            })
            .unwrap_or(rest.len());
        let (part, tail) = rest.split_at(end);
        rest = tail;
        Some(if digits {
            Part::Number(part)
        } else {
            Part::Text(part)
        })
    })
}

/// Checks a MikroTik package list: an `<upgrade type="links">` document whose
/// `links/link/url` name the `.npk` packages the router downloads. Returns the package
/// URLs, or why the file is not one.
pub fn package_list(bytes: &[u8]) -> Result<Vec<String>, String> {
    const NOT_ONE: &str = "MikroTik routers update from a package list: an XML file <upgrade version=\"1\" type=\"links\"> whose <links><link><url> name the .npk packages";
    let text = std::str::from_utf8(bytes).map_err(|_| {
        format!("{NOT_ONE}; this is a binary file (an .npk goes in the list, not in GenieACS)")
    })?;
    let doc = roxmltree::Document::parse(text)
        .map_err(|e| format!("{NOT_ONE}; this is not XML ({e})"))?;
    let root = doc.root_element();
    if root.tag_name().name() != "upgrade" {
        return Err(format!(
            "{NOT_ONE}; its root element is <{}>",
            root.tag_name().name()
        ));
    }
    if root.attribute("type").is_some_and(|t| t != "links") {
        return Err(format!("{NOT_ONE}; its type is not \"links\""));
    }
    let urls: Vec<String> = root
        .descendants()
        .filter(|n| n.has_tag_name("url"))
        .filter(|n| n.parent().is_some_and(|p| p.has_tag_name("link")))
        .filter_map(|n| n.text())
        .map(|t| t.trim().to_owned())
        .collect();
    if urls.is_empty() {
        return Err(format!("{NOT_ONE}; it names no package"));
    }
    if let Some(bad) = urls.iter().find(|u| {
        !(u.starts_with("http://") || u.starts_with("https://"))
            || !u.to_ascii_lowercase().ends_with(".npk")
    }) {
        return Err(format!(
            "{NOT_ONE}; {bad:?} is not an http(s) link to an .npk package"
        ));
    }
    Ok(urls)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_order_as_people_read_them() {
        let mut v = vec![
            "1.12.0 Build 220820 Rel.52419n(4252)",
            "1.9.4 Build 230101",
            "1.12.0 Build 220905",
            "7.16",
            "7.9.2",
            "7.16rc1",
        ];
        v.sort_by(|a, b| compare_versions(a, b));
        assert_eq!(
            v,
            [
                "1.9.4 Build 230101",
                "1.12.0 Build 220820 Rel.52419n(4252)",
                "1.12.0 Build 220905",
                "7.9.2",
                "7.16",
                "7.16rc1",
            ]
        );
        assert_eq!(
            compare_versions("V100R001C56B018", "V100R001C56B017"),
            Ordering::Greater
        );
        assert_eq!(
            compare_versions("V100R002C00B001", "V100R001C56B018"),
            Ordering::Greater
        );
        assert_eq!(compare_versions("v1.02", "V1.2"), Ordering::Greater);
        assert_eq!(compare_versions("1.2", "1.2"), Ordering::Equal);
        // A version with a huge number neither overflows nor panics.
        assert_eq!(
            compare_versions("1.99999999999999999999999", "1.2"),
            Ordering::Greater
        );
    }

    #[test]
    fn a_mikrotik_package_list_is_checked() {
        let good = br#"<?xml version="1.0"?>
<upgrade version="1" type="links">
  <config/>
  <links>
    <link><url>http://fw.example.net/routeros-7.16-mipsbe.npk</url></link>
    <link><url>https://fw.example.net/tr069-client-7.16-mipsbe.npk</url>
          <username>u</username><password>p</password></link>
  </links>
</upgrade>"#;
        assert_eq!(
            package_list(good).unwrap(),
            [
                "http://fw.example.net/routeros-7.16-mipsbe.npk",
                "https://fw.example.net/tr069-client-7.16-mipsbe.npk"
            ]
        );
        let npk = [0x1e_u8, 0xf1, 0xd0, 0xba, 0xff, 0xfe, 0x00];
        assert!(package_list(&npk).unwrap_err().contains("binary"));
        assert!(package_list(b"<firmware/>")
            .unwrap_err()
            .contains("root element is <firmware>"));
        assert!(package_list(b"<upgrade type=\"links\"><links/></upgrade>")
            .unwrap_err()
            .contains("names no package"));
        assert!(package_list(
            b"<upgrade type=\"links\"><links><link><url>ftp://x/a.npk</url></link></links></upgrade>"
        )
        .unwrap_err()
        .contains("not an http(s) link"));
        assert!(package_list(b"not xml <").unwrap_err().contains("not XML"));
    }
}
