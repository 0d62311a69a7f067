//! `feedpub serve`: the output directory over HTTP on axum and tower-http's
//! `ServeDir`, with feed media types, gzip, and a guard that keeps every
//! request inside the directory; `--watch` rebuilds on content changes.
//!
//! `ServeDir` answers `ETag` / `Last-Modified`, `304 Not Modified`, `HEAD`,
//! ranges and `405` for other methods, and rejects `..`. The guard adds what
//! it does not: no encoded slashes, and no symlink leading out of the root.

use std::io;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use notify::{EventKind, RecursiveMode, Watcher};
use percent_encoding::percent_decode_str;
use tower_http::compression::CompressionLayer;
use tower_http::services::ServeDir;

use crate::error::{Error, Result};

/// The media type of a served file, by name: feeds and the OPML list get
/// their registered types (`ServeDir` alone would say `text/xml`).
pub fn media_type(path: &str) -> Option<&'static str> {
    let name = path.rsplit('/').next().unwrap_or(path);
    if name.is_empty() {
        // A directory: `ServeDir` answers with its `index.html`.
        return Some("text/html; charset=utf-8");
    }
    let extension = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    match (name, extension.as_deref()) {
        ("rss.xml", _) => Some("application/rss+xml; charset=utf-8"),
        ("atom.xml", _) => Some("application/atom+xml; charset=utf-8"),
        ("feed.json", _) => Some("application/feed+json; charset=utf-8"),
        (_, Some("opml")) => Some("text/x-opml; charset=utf-8"),
        (_, Some("html")) => Some("text/html; charset=utf-8"),
        (_, Some("xml")) => Some("application/xml; charset=utf-8"),
        _ => None,
    }
}

/// Whether a request path stays inside `root` (which must be canonical):
/// no `..`, no encoded slash or backslash, and whatever exists on disk
/// resolves, symlinks followed, to a place inside `root`.
pub fn stays_inside(root: &Path, raw_path: &str) -> bool {
    let lower = raw_path.to_ascii_lowercase();
    if lower.contains("%2f") || lower.contains("%5c") || raw_path.contains('\\') {
        return false;
    }
    let Ok(decoded) = percent_decode_str(raw_path).decode_utf8() else {
        return false;
    };
    let mut path = root.to_path_buf();
    for part in decoded.split('/') {
        match part {
            "" | "." => {}
            ".." => return false,
            part if part.contains('\0') => return false,
            part => path.push(part),
        }
    }
    match path.canonicalize() {
        Ok(real) => real.starts_with(root),
        // Nothing there: `ServeDir` answers 404 itself.
        Err(_) => true,
    }
}

async fn guard(State(root): State<Arc<PathBuf>>, request: Request, next: Next) -> Response {
    if stays_inside(&root, request.uri().path()) {
        next.run(request).await
    } else {
        StatusCode::NOT_FOUND.into_response()
    }
}

async fn set_media_type(request: Request, next: Next) -> Response {
    let media = media_type(request.uri().path());
    let mut response = next.run(request).await;
    if let Some(media) = media
        && response.status().is_success()
    {
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(media));
    }
    response
}

/// The HTTP service for the directory `root`.
///
/// # Errors
///
/// [`Error::Io`] when `root` does not exist.
pub fn router(root: &Path) -> Result<Router> {
    let root = root.canonicalize().map_err(|e| Error::io(root, e))?;
    let files = ServeDir::new(&root).append_index_html_on_directories(true);
    Ok(Router::new()
        .fallback_service(files)
        .layer(middleware::from_fn(set_media_type))
        .layer(CompressionLayer::new())
        .layer(middleware::from_fn_with_state(Arc::new(root), guard)))
}

/// A server bound to its address, not yet answering.
pub struct Server {
    runtime: tokio::runtime::Runtime,
    listener: tokio::net::TcpListener,
    app: Router,
}

/// What `--watch` watches, and what to do on a change.
pub struct Watch<'a> {
    /// The article collection, watched recursively.
    pub content_dir: PathBuf,
    /// The configuration file.
    pub config_file: PathBuf,
    /// Called after a burst of changes has settled (e.g. to rebuild).
    pub on_change: &'a mut dyn FnMut(),
}

impl Server {
    /// Bind `addr` (port 0 picks a free port) to serve `root`.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when `root` is missing or the address cannot be bound.
    pub fn bind(root: &Path, addr: SocketAddr) -> Result<Server> {
        let app = router(root)?;
        let at = PathBuf::from(addr.to_string());
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_io()
            .build()
            .map_err(|e| Error::io(&at, e))?;
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind(addr))
            .map_err(|e| Error::io(&at, e))?;
        Ok(Server {
            runtime,
            listener,
            app,
        })
    }

    /// The address the server listens on.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when the socket cannot say.
    pub fn local_addr(&self) -> Result<SocketAddr> {
        self.listener
            .local_addr()
            .map_err(|e| Error::io("listener", e))
    }

    /// Answer requests until the process ends.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when the server stops on an error.
    pub fn run(self) -> Result<()> {
        let at = self.local_addr()?;
        self.runtime
            .block_on(async { axum::serve(self.listener, self.app).await })
            .map_err(|e| Error::io(at.to_string(), e))
    }

    /// Answer requests in the background, and call `watch.on_change` each
    /// time the content or configuration changes, until the process ends.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when the paths cannot be watched.
    pub fn run_watching(self, watch: Watch<'_>) -> Result<()> {
        let (tx, rx) = mpsc::channel();
        let mut watcher = notify::recommended_watcher(tx)
            .map_err(|e| Error::io(&watch.content_dir, notify_io(e)))?;
        watcher
            .watch(&watch.content_dir, RecursiveMode::Recursive)
            .map_err(|e| Error::io(&watch.content_dir, notify_io(e)))?;
        // Editors replace files by renaming: watch the configuration's folder.
        let config_dir = match watch.config_file.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
            _ => PathBuf::from("."),
        };
        watcher
            .watch(&config_dir, RecursiveMode::NonRecursive)
            .map_err(|e| Error::io(&config_dir, notify_io(e)))?;
        let content = watch
            .content_dir
            .canonicalize()
            .unwrap_or(watch.content_dir);
        let config = watch
            .config_file
            .canonicalize()
            .unwrap_or(watch.config_file);
        let config_name = config.file_name().map(ToOwned::to_owned);

        let (listener, app) = (self.listener, self.app);
        self.runtime
            .spawn(async { axum::serve(listener, app).await });
        let relevant = |event: &notify::Event| {
            !matches!(event.kind, EventKind::Access(_) | EventKind::Other)
                && event.paths.iter().any(|p| {
                    p.starts_with(&content)
                        || (p.file_name() == config_name.as_deref()
                            && p.parent() == config.parent())
                })
        };
        while let Ok(event) = rx.recv() {
            if !event.as_ref().is_ok_and(relevant) {
                continue;
            }
            // Let a burst of writes (a save, a `git checkout`) settle.
            while rx.recv_timeout(Duration::from_millis(250)).is_ok() {}
            (watch.on_change)();
        }
        Ok(())
    }
}

fn notify_io(e: notify::Error) -> io::Error {
    match e.kind {
        notify::ErrorKind::Io(e) => e,
        _ => io::Error::other(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_types_by_file_name() {
        for (path, expected) in [
            ("/rss.xml", Some("application/rss+xml; charset=utf-8")),
            (
                "/countries/tajikistan/atom.xml",
                Some("application/atom+xml; charset=utf-8"),
            ),
            ("/feeds.opml", Some("text/x-opml; charset=utf-8")),
            (
                "/categories/economy/feed.json",
                Some("application/feed+json; charset=utf-8"),
            ),
            ("/", Some("text/html; charset=utf-8")),
            ("/index.HTML", Some("text/html; charset=utf-8")),
            ("/sitemap.xml", Some("application/xml; charset=utf-8")),
            ("/img/a.png", None),
        ] {
            assert_eq!(media_type(path), expected, "{path}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn paths_stay_inside_the_root() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("feeds");
        std::fs::create_dir_all(root.join("countries")).unwrap();
        std::fs::write(dir.path().join("secret.txt"), "x").unwrap();
        std::fs::write(root.join("rss.xml"), "x").unwrap();
        std::os::unix::fs::symlink(dir.path().join("secret.txt"), root.join("leak.txt")).unwrap();
        std::os::unix::fs::symlink(root.join("rss.xml"), root.join("alias.xml")).unwrap();
        let root = root.canonicalize().unwrap();
        for (path, inside) in [
            ("/rss.xml", true),
            ("/countries/", true),
            ("/missing.xml", true),
            ("/alias.xml", true),
            ("/leak.txt", false),
            ("/../secret.txt", false),
            ("/%2e%2e/secret.txt", false),
            ("/countries%2F..%2F..%2Fsecret.txt", false),
            ("/countries%2frss.xml", false),
            ("/..%5csecret.txt", false),
            ("/%ff", false),
        ] {
            assert_eq!(stays_inside(&root, path), inside, "{path}");
        }
    }
}
