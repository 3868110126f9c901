//! Reusable components shared by pages.

pub(crate) mod actions;
pub(crate) mod backups;
pub(crate) mod bulk;
pub(crate) mod channels;
pub(crate) mod health;
pub(crate) mod maintenance;
pub(crate) mod nav;
pub(crate) mod parameters;
pub(crate) mod provisioning;
pub(crate) mod unlock;

/// Reads the file chosen in `input` as text.
pub(crate) async fn read_file(input: &leptos::web_sys::HtmlInputElement) -> Result<String, String> {
    let file = input
        .files()
        .and_then(|f| f.get(0))
        .ok_or("choose a file")?;
    let text = wasm_bindgen_futures::JsFuture::from(file.text())
        .await
        .map_err(|_| "the file could not be read".to_owned())?;
    text.as_string()
        .ok_or_else(|| "the file is not text".to_owned())
}
