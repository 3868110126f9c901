//! `acsdesk firmware …` against the sandbox: the library with the fleet's versions per
//! model, uploads completed from the fleet and checked (a taken name, an empty file, an
//! `.npk` for a MikroTik), and deletion.

use super::env::synced;

fn library(env: &super::env::Env) -> serde_json::Value {
    serde_json::from_str(&env.ok(&["firmware", "list", "--json"])).unwrap()
}

fn model<'a>(lib: &'a serde_json::Value, product_class: &str) -> &'a serde_json::Value {
    lib["models"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["product_class"] == product_class)
        .unwrap_or_else(|| panic!("{product_class} in {lib}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_firmware_library_uploads_checks_lists_and_deletes() {
    let (sandbox, env) = synced("Acme", 40, acsdesk_core::clock::system_now_ms(), 0.0).await;
    let dir = tempfile::tempdir().unwrap();
    // The sandbox stores one newer image per model: every router of a model is behind.
    let lib = library(&env);
    let archer = model(&lib, "ArcherC6");
    assert!(archer["devices"].as_u64().unwrap() > 0, "{archer}");
    assert_eq!(archer["behind"], archer["devices"], "{archer}");
    assert_eq!(archer["kind"], "image");
    assert_eq!(model(&lib, "RB952Ui-5ac2nD")["kind"], "package_list");
    let human = env.ok(&["firmware", "list"]);
    assert!(
        human.contains("ArcherC6") && human.contains("behind"),
        "{human}"
    );

    // The OUI comes from the fleet: one model has this product class.
    let image = dir.path().join("archer-9.9.9.bin");
    std::fs::write(&image, vec![0xa5_u8; 200_000]).unwrap();
    let path = image.to_str().unwrap();
    let out = env.ok(&[
        "firmware",
        "upload",
        path,
        "--version",
        "9.9.9",
        "--product-class",
        "ArcherC6",
    ]);
    assert!(
        out.contains("Uploaded archer-9.9.9.bin") && out.contains("OUI 50C7BF"),
        "{out}"
    );
    acsdesk_core::http::install_crypto_provider();
    let files: Vec<serde_json::Value> = reqwest::get(format!("{}/files", sandbox.url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let stored = files
        .iter()
        .find(|f| f["_id"] == "archer-9.9.9.bin")
        .expect("in GenieACS");
    assert_eq!(stored["length"], 200_000, "every byte went: {stored}");
    assert_eq!(stored["metadata"]["fileType"], "1 Firmware Upgrade Image");
    assert_eq!(stored["metadata"]["oui"], "50C7BF");
    assert_eq!(stored["metadata"]["version"], "9.9.9");
    assert_eq!(model(&library(&env), "ArcherC6")["latest"], "9.9.9");

    // A name already taken is refused unless replaced; nothing changes meanwhile.
    let err = env.fails(
        &[
            "firmware",
            "upload",
            path,
            "--version",
            "9.9.10",
            "--product-class",
            "ArcherC6",
        ],
        "correct horse",
    );
    assert!(err.contains("already has an image named"), "{err}");
    assert_eq!(model(&library(&env), "ArcherC6")["latest"], "9.9.9");
    env.ok(&[
        "firmware",
        "upload",
        path,
        "--version",
        "9.9.10",
        "--product-class",
        "ArcherC6",
        "--replace",
    ]);
    assert_eq!(model(&library(&env), "ArcherC6")["latest"], "9.9.10");

    // Which model, when the fleet has several: the error lists them.
    let err = env.fails(
        &["firmware", "upload", path, "--version", "1"],
        "correct horse",
    );
    assert!(
        err.contains("which model") && err.contains("ArcherC6") && err.contains("RB952Ui-5ac2nD"),
        "{err}"
    );
    let empty = dir.path().join("empty.bin");
    std::fs::write(&empty, b"").unwrap();
    let err = env.fails(
        &[
            "firmware",
            "upload",
            empty.to_str().unwrap(),
            "--version",
            "1",
            "--product-class",
            "ArcherC6",
        ],
        "correct horse",
    );
    assert!(err.contains("is empty"), "{err}");

    // A MikroTik takes a package list, not the .npk.
    let npk = dir.path().join("routeros-7.16-mipsbe.npk");
    std::fs::write(&npk, [0x1e_u8, 0xf1, 0xd0, 0xba, 0, 1, 2, 3]).unwrap();
    let err = env.fails(
        &[
            "firmware",
            "upload",
            npk.to_str().unwrap(),
            "--version",
            "7.16",
            "--product-class",
            "RB952Ui-5ac2nD",
        ],
        "correct horse",
    );
    assert!(
        err.contains("package list") && err.contains(".npk"),
        "{err}"
    );
    let list = dir.path().join("routeros-7.17.xml");
    std::fs::write(
        &list,
        r#"<upgrade version="1" type="links"><config/><links>
             <link><url>https://fw.example.net/routeros-7.17-mipsbe.npk</url></link>
           </links></upgrade>"#,
    )
    .unwrap();
    env.ok(&[
        "firmware",
        "upload",
        list.to_str().unwrap(),
        "--version",
        "7.17",
        "--product-class",
        "RB952Ui-5ac2nD",
    ]);
    let lib = library(&env);
    assert_eq!(model(&lib, "RB952Ui-5ac2nD")["latest"], "7.17", "{lib}");

    // Deleted, then gone.
    let out = env.ok(&["firmware", "delete", "archer-9.9.9.bin", "--yes"]);
    assert!(out.contains("Deleted"), "{out}");
    let err = env.fails(
        &["firmware", "delete", "archer-9.9.9.bin", "--yes"],
        "correct horse",
    );
    assert!(err.contains("has no image named"), "{err}");
    let err = env.fails(
        &["firmware", "delete", "routeros-7.16.xml"],
        "correct horse",
    );
    assert!(err.contains("--yes"), "asks first: {err}");
}
