//! `bulkhead db update` and `db status` against a local HTTP server on
//! loopback: a good archive, a truncated one, a server error. The old
//! database must survive every failure.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use crate::support::{bulkhead, root, run};

/// What the server answers for a path.
#[derive(Clone)]
enum Reply {
    Ok(Vec<u8>),
    /// Declares the full length, sends half, closes.
    Truncated(Vec<u8>),
    Error(u16),
}

/// Serves `routes` on an ephemeral loopback port until the test ends.
fn serve(routes: Arc<Mutex<HashMap<String, Reply>>>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let address = listener.local_addr().expect("address");
    std::thread::spawn(move || {
        for stream in listener.incoming().take(64) {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().expect("clone"));
            let mut request = String::new();
            if reader.read_line(&mut request).is_err() {
                continue;
            }
            let path = request.split_whitespace().nth(1).unwrap_or("/").to_string();
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                line.clear();
            }
            let reply = routes
                .lock()
                .expect("lock")
                .get(&path)
                .cloned()
                .unwrap_or(Reply::Error(404));
            let _ = match reply {
                Reply::Ok(body) => stream
                    .write_all(
                        format!(
                            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                            body.len()
                        )
                        .as_bytes(),
                    )
                    .and_then(|_| stream.write_all(&body)),
                Reply::Truncated(body) => stream
                    .write_all(
                        format!(
                            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                            body.len()
                        )
                        .as_bytes(),
                    )
                    .and_then(|_| stream.write_all(&body[..body.len() / 2])),
                Reply::Error(code) => stream.write_all(
                    format!(
                        "HTTP/1.1 {code} Oops\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    )
                    .as_bytes(),
                ),
            };
        }
    });
    format!("http://{address}")
}

/// An all.zip of the fixture database's records for `folder`.
fn archive(folder: &str) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for entry in std::fs::read_dir(root().join("tests/fixtures/osv-db").join(folder))
        .expect("fixtures")
        .flatten()
    {
        writer
            .start_file(entry.file_name().to_string_lossy(), options)
            .expect("start");
        writer
            .write_all(&std::fs::read(entry.path()).expect("record"))
            .expect("write");
    }
    writer.finish().expect("finish").into_inner()
}

fn update(base: &str, db: &std::path::Path, ecosystems: &[&str]) -> crate::support::Run {
    let mut command = bulkhead();
    command
        .args(["db", "update", "--base-url", base, "--db-dir"])
        .arg(db);
    for ecosystem in ecosystems {
        command.args(["--ecosystem", ecosystem]);
    }
    run(command)
}

#[test]
fn db_update_swaps_in_good_archives_and_keeps_the_old_database_on_failure() {
    let routes = Arc::new(Mutex::new(HashMap::new()));
    let base = serve(Arc::clone(&routes));
    let db = tempfile::tempdir().expect("tempdir");
    let npm = archive("npm");
    let pypi = archive("PyPI");
    {
        let mut routes = routes.lock().expect("lock");
        routes.insert("/npm/all.zip".to_string(), Reply::Ok(npm.clone()));
        routes.insert("/PyPI/all.zip".to_string(), Reply::Ok(pypi.clone()));
    }
    let first = update(&base, db.path(), &["npm", "PyPI"]);
    assert_eq!(first.code, 0, "{}{}", first.stdout, first.stderr);
    assert!(first.stdout.contains("npm: 2 records"), "{}", first.stdout);
    assert_eq!(
        std::fs::read(db.path().join("npm/all.zip")).expect("npm archive"),
        npm
    );

    let mut status = bulkhead();
    status.args(["db", "status", "--db-dir"]).arg(db.path());
    let shown = run(status).stdout;
    assert!(
        shown.contains("npm") && shown.contains("PyPI") && shown.contains("fetched"),
        "{shown}"
    );

    // Now npm is truncated mid-download, PyPI fails with a server error,
    // and Go returns something that is not an OSV archive.
    {
        let mut routes = routes.lock().expect("lock");
        routes.insert("/npm/all.zip".to_string(), Reply::Truncated(npm.clone()));
        routes.insert("/PyPI/all.zip".to_string(), Reply::Error(503));
        routes.insert(
            "/Go/all.zip".to_string(),
            Reply::Ok(b"<html>not a zip</html>".to_vec()),
        );
    }
    let second = update(&base, db.path(), &["npm", "PyPI", "Go"]);
    assert_eq!(second.code, 2, "{}", second.stderr);
    assert!(
        second.stderr.contains("npm") && second.stderr.contains("truncated"),
        "{}",
        second.stderr
    );
    assert!(
        second.stderr.contains("PyPI") && second.stderr.contains("HTTP 503"),
        "{}",
        second.stderr
    );
    assert!(
        second.stderr.contains("Go") && second.stderr.contains("not an OSV archive"),
        "{}",
        second.stderr
    );
    assert_eq!(
        std::fs::read(db.path().join("npm/all.zip")).expect("old npm archive"),
        npm,
        "the old archive stays"
    );
    assert_eq!(
        std::fs::read(db.path().join("PyPI/all.zip")).expect("old PyPI archive"),
        pypi
    );
    assert!(!db.path().join("Go/all.zip").exists());
    let leftovers: Vec<_> = walk(db.path())
        .into_iter()
        .filter(|p| p.to_string_lossy().contains("partial"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    // The database that survived is usable.
    let image = crate::inventory::inventory_image();
    let scanned = crate::support::scan_json(
        image.path(),
        &[
            "--severity-threshold",
            "none",
            "--db",
            db.path().to_str().expect("utf-8"),
        ],
    )
    .json();
    let found = crate::inventory::vulnerable_names(&scanned);
    assert!(
        found.iter().any(|n| n == "lodash") && found.iter().any(|n| n == "requests"),
        "{found:?}"
    );
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).expect("read").flatten() {
            if entry.path().is_dir() {
                stack.push(entry.path());
            } else {
                out.push(entry.path());
            }
        }
    }
    out
}
