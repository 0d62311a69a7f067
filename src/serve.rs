//! `feedpub serve`: the output directory over HTTP, with feed media types,
//! gzip, and limits that keep one client from holding the server;
//! `--watch` rebuilds on content changes.
//!
//! tower-http's `ServeDir` answers `ETag` / `Last-Modified`, `304 Not
//! Modified`, `HEAD`, ranges and `405` for other methods. Files reach it
//! through [`Beneath`], which opens each one relative to the output
//! directory, one path component at a time and never through a symlink, and
//! hands over exactly the file it opened: a path swapped for a symlink
//! between two requests can never serve what the link points to. Only
//! regular files and directories are served (a FIFO is a 404, never a hang),
//! and never a dot-file (`.feedpub.lock`).
//!
//! The accept loop is ours rather than `axum::serve`: at most
//! [`Limits::max_connections`] connections at once (more wait in the
//! kernel's queue), a header-read and an idle timeout on each, and running
//! out of file descriptors makes it log, wait and retry instead of exiting.
//! Ctrl-C or SIGTERM stops accepting, lets requests in flight finish (for a
//! few seconds at most) and returns.

use std::collections::BTreeSet;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use notify::{EventKind, RecursiveMode, Watcher};
use percent_encoding::percent_decode_str;
use tokio::io::{AsyncRead, AsyncSeek, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, oneshot, watch};
use tower_http::compression::CompressionLayer;
use tower_http::services::fs::{Backend, DefaultServeDirFallback, ServeDir};

use crate::error::{Error, Result};

/// How long requests in flight may take to finish after Ctrl-C or SIGTERM.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// The first and the longest pause of the accept loop after a failed accept
/// (out of file descriptors or memory).
const ACCEPT_BACKOFF: (Duration, Duration) = (Duration::from_millis(10), Duration::from_secs(1));

/// How long a burst of file changes may go on before `--watch` rebuilds
/// anyway, and how quiet it must be before it rebuilds sooner.
const DEBOUNCE: (Duration, Duration) = (Duration::from_millis(250), Duration::from_secs(2));

/// What one client may hold of the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Connections served at once; more wait in the kernel's queue until one
    /// closes.
    pub max_connections: usize,
    /// Time a client has to send a request's headers, from the moment the
    /// server waits for them (a new connection, or an idle keep-alive one).
    pub header_timeout: Duration,
    /// Time a connection may go without reading or writing a byte (a client
    /// that stops reading a response).
    pub idle_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_connections: 512,
            header_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
        }
    }
}

/// The media type of a served file, by name: feeds and the OPML list get
/// their registered types (`ServeDir` alone would say `text/xml`).
pub(crate) fn media_type(path: &str) -> Option<&'static str> {
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

/// The request path with runs of `/` collapsed into one (so a directory
/// redirect can never become a protocol-relative `//host/` URL), or `None`
/// when the answer is 404: an encoded slash or backslash, a segment that
/// starts with `.` once decoded (`..`, dot-files such as `.feedpub.lock`),
/// a NUL, or bytes that are not UTF-8.
pub(crate) fn clean_path(raw_path: &str) -> Option<String> {
    let lower = raw_path.to_ascii_lowercase();
    if lower.contains("%2f") || lower.contains("%5c") || raw_path.contains('\\') {
        return None;
    }
    let decoded = percent_decode_str(raw_path).decode_utf8().ok()?;
    if decoded
        .split('/')
        .any(|segment| segment.starts_with('.') || segment.contains('\0'))
    {
        return None;
    }
    let mut clean = String::with_capacity(raw_path.len());
    for segment in raw_path.split('/').filter(|s| !s.is_empty()) {
        clean.push('/');
        clean.push_str(segment);
    }
    if clean.is_empty() || raw_path.ends_with('/') {
        clean.push('/');
    }
    Some(clean)
}

/// Whether an `If-Range` value names the representation described by
/// `headers`: an entity tag matches the strong `ETag` exactly, a date
/// matches `Last-Modified` exactly (RFC 9110, section 13.1.5).
fn if_range_matches(if_range: &HeaderValue, headers: &HeaderMap) -> bool {
    let wanted = if_range.as_bytes();
    let current = if wanted.starts_with(b"\"") || wanted.starts_with(b"W/") {
        headers.get(header::ETAG)
    } else {
        headers.get(header::LAST_MODIFIED)
    };
    !wanted.starts_with(b"W/") && current.is_some_and(|c| c.as_bytes() == wanted)
}

/// A [`Backend`] for `ServeDir` that opens files relative to the root
/// directory without following symlinks, and serves the file it opened.
#[derive(Debug, Clone)]
pub struct Beneath {
    root: Arc<PathBuf>,
}

impl Beneath {
    /// Serve what is below the directory `root` (canonical).
    pub fn new(root: PathBuf) -> Beneath {
        Beneath {
            root: Arc::new(root),
        }
    }

    /// Open `path` (below the root) in a blocking thread.
    async fn open_blocking(&self, path: PathBuf) -> io::Result<(std::fs::File, std::fs::Metadata)> {
        let root = self.root.clone();
        tokio::task::spawn_blocking(move || open_beneath(&root, &path))
            .await
            .map_err(io::Error::other)?
    }
}

fn not_found() -> io::Error {
    io::Error::from(io::ErrorKind::NotFound)
}

/// Open `path`, which `ServeDir` built as `root` + the request's segments,
/// one component at a time from `root` with `O_NOFOLLOW`; only a regular
/// file or a directory is returned, with the metadata of what was opened.
#[cfg(unix)]
fn open_beneath(root: &Path, path: &Path) -> io::Result<(std::fs::File, std::fs::Metadata)> {
    use rustix::fs::{Mode, OFlags};
    use std::os::unix::ffi::OsStrExt;

    let relative = path.strip_prefix(root).map_err(|_| not_found())?;
    let refused = |errno: rustix::io::Errno| -> io::Error {
        use rustix::io::Errno;
        match errno {
            // A symlink, something that is not a directory on the way, a
            // socket: as if nothing were there.
            Errno::LOOP | Errno::NOTDIR | Errno::NXIO | Errno::NOENT | Errno::NAMETOOLONG => {
                not_found()
            }
            other => io::Error::from(other),
        }
    };
    let base = OFlags::RDONLY | OFlags::CLOEXEC | OFlags::NOFOLLOW;
    let mut opened = rustix::fs::open(root, base | OFlags::DIRECTORY, Mode::empty())?;
    let mut parts = relative.components().peekable();
    while let Some(part) = parts.next() {
        let std::path::Component::Normal(name) = part else {
            return Err(not_found());
        };
        if name.as_bytes().starts_with(b".") {
            return Err(not_found());
        }
        // NONBLOCK: opening a FIFO must not wait for a writer.
        let flags = if parts.peek().is_some() {
            base | OFlags::DIRECTORY
        } else {
            base | OFlags::NONBLOCK
        };
        opened = rustix::fs::openat(&opened, name, flags, Mode::empty()).map_err(refused)?;
    }
    let file = std::fs::File::from(opened);
    let metadata = file.metadata()?;
    if metadata.is_file() || metadata.is_dir() {
        Ok((file, metadata))
    } else {
        Err(not_found())
    }
}

/// Without `openat`: refuse any symlink or dot-file on the way, then open.
#[cfg(not(unix))]
fn open_beneath(root: &Path, path: &Path) -> io::Result<(std::fs::File, std::fs::Metadata)> {
    let relative = path.strip_prefix(root).map_err(|_| not_found())?;
    let mut current = root.to_path_buf();
    for part in relative.components() {
        let std::path::Component::Normal(name) = part else {
            return Err(not_found());
        };
        if name.to_string_lossy().starts_with('.') {
            return Err(not_found());
        }
        current.push(name);
        if std::fs::symlink_metadata(&current)?
            .file_type()
            .is_symlink()
        {
            return Err(not_found());
        }
    }
    let file = std::fs::File::open(&current)?;
    let metadata = file.metadata()?;
    if metadata.is_file() || metadata.is_dir() {
        Ok((file, metadata))
    } else {
        Err(not_found())
    }
}

type BoxedFuture<T> = Pin<Box<dyn Future<Output = io::Result<T>> + Send>>;

impl Backend for Beneath {
    type File = OpenedFile;
    type Metadata = std::fs::Metadata;
    type OpenFuture = BoxedFuture<OpenedFile>;
    type MetadataFuture = BoxedFuture<std::fs::Metadata>;

    fn open(&self, path: PathBuf) -> Self::OpenFuture {
        let this = self.clone();
        Box::pin(async move {
            let (file, metadata) = this.open_blocking(path).await?;
            if !metadata.is_file() {
                return Err(not_found());
            }
            Ok(OpenedFile {
                file: tokio::fs::File::from_std(file),
                metadata,
            })
        })
    }

    fn metadata(&self, path: PathBuf) -> Self::MetadataFuture {
        let this = self.clone();
        Box::pin(async move { Ok(this.open_blocking(path).await?.1) })
    }
}

/// A file [`Beneath`] opened, with the metadata taken from it when opened.
#[derive(Debug)]
pub struct OpenedFile {
    file: tokio::fs::File,
    metadata: std::fs::Metadata,
}

impl AsyncRead for OpenedFile {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.file).poll_read(cx, buf)
    }
}

impl AsyncSeek for OpenedFile {
    fn start_seek(mut self: Pin<&mut Self>, position: io::SeekFrom) -> io::Result<()> {
        Pin::new(&mut self.file).start_seek(position)
    }

    fn poll_complete(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<u64>> {
        Pin::new(&mut self.file).poll_complete(cx)
    }
}

impl tower_http::services::fs::File for OpenedFile {
    type Metadata = std::fs::Metadata;
    type MetadataFuture<'a> = std::future::Ready<io::Result<std::fs::Metadata>>;

    fn metadata(&self) -> Self::MetadataFuture<'_> {
        std::future::ready(Ok(self.metadata.clone()))
    }
}

type Files = ServeDir<DefaultServeDirFallback, Beneath>;

/// Answer one request from the output directory.
async fn serve_file(State(files): State<Files>, request: Request) -> Response {
    let Some(path) = clean_path(request.uri().path()) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let (mut parts, body) = request.into_parts();
    if path != parts.uri.path() {
        let query = parts
            .uri
            .query()
            .map(|q| format!("?{q}"))
            .unwrap_or_default();
        match Uri::try_from(format!("{path}{query}")) {
            Ok(uri) => parts.uri = uri,
            Err(_) => return StatusCode::NOT_FOUND.into_response(),
        }
    }
    let if_range = parts
        .headers
        .get(header::IF_RANGE)
        .filter(|_| parts.headers.contains_key(header::RANGE))
        .cloned();
    let response = answer(files.clone(), Request::from_parts(parts.clone(), body)).await;
    match if_range {
        // `ServeDir` ignores `If-Range`: a range of a representation the
        // client no longer has becomes the whole file.
        Some(if_range)
            if response.status() == StatusCode::PARTIAL_CONTENT
                && !if_range_matches(&if_range, response.headers()) =>
        {
            parts.headers.remove(header::RANGE);
            parts.headers.remove(header::IF_RANGE);
            answer(files, Request::from_parts(parts, Body::empty())).await
        }
        _ => response,
    }
}

async fn answer(mut files: Files, request: Request) -> Response {
    let path = request.uri().path().to_string();
    match files.try_call(request).await {
        Ok(response) => response.map(Body::new),
        Err(e)
            if matches!(
                e.kind(),
                io::ErrorKind::NotFound | io::ErrorKind::PermissionDenied
            ) =>
        {
            StatusCode::NOT_FOUND.into_response()
        }
        Err(e) if is_out_of_resources(&e) => {
            tracing::error!("cannot open {path}: {e}; answering 503 until descriptors are free");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
        Err(e) => {
            tracing::error!("cannot serve {path}: {e}");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// Out of file descriptors (process or system) or kernel memory.
fn is_out_of_resources(e: &io::Error) -> bool {
    // EMFILE 24, ENFILE 23, ENOBUFS 105, ENOMEM 12 on Linux.
    #[cfg(unix)]
    {
        use rustix::io::Errno;
        e.raw_os_error().is_some_and(|code| {
            [Errno::MFILE, Errno::NFILE, Errno::NOBUFS, Errno::NOMEM]
                .iter()
                .any(|errno| errno.raw_os_error() == code)
        })
    }
    #[cfg(not(unix))]
    {
        e.kind() == io::ErrorKind::OutOfMemory
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
pub(crate) fn router(root: &Path) -> Result<Router> {
    let root = crate::files::canonicalize(root)?;
    let files = ServeDir::with_backend(&root, Beneath::new(root.clone()))
        .append_index_html_on_directories(true);
    Ok(Router::new()
        .fallback(serve_file)
        .with_state(files)
        .layer(middleware::from_fn(set_media_type))
        .layer(CompressionLayer::new()))
}

/// The time of a connection's last read or write, shared between its I/O
/// and its idle watchdog.
#[derive(Debug, Clone)]
struct Activity {
    start: Instant,
    millis: Arc<AtomicU64>,
}

impl Activity {
    fn new() -> Activity {
        Activity {
            start: Instant::now(),
            millis: Arc::new(AtomicU64::new(0)),
        }
    }

    fn touch(&self) {
        let millis = u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.millis.store(millis, Ordering::Relaxed);
    }

    fn last(&self) -> Instant {
        self.start + Duration::from_millis(self.millis.load(Ordering::Relaxed))
    }
}

/// A TCP stream that records when bytes last moved.
struct Tracked {
    stream: TcpStream,
    activity: Activity,
}

impl AsyncRead for Tracked {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let result = Pin::new(&mut self.stream).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.activity.touch();
        }
        result
    }
}

impl AsyncWrite for Tracked {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let result = Pin::new(&mut self.stream).poll_write(cx, buf);
        if matches!(result, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.touch();
        }
        result
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

/// Serve one connection until it ends, stays idle too long, or (after the
/// server is told to stop) its request in flight is answered.
async fn connection(
    stream: TcpStream,
    app: Router,
    limits: Limits,
    _slot: OwnedSemaphorePermit,
    mut stopping: watch::Receiver<bool>,
) {
    let activity = Activity::new();
    let io = TokioIo::new(Tracked {
        stream,
        activity: activity.clone(),
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout);
    let conn = builder.serve_connection(io, TowerToHyperService::new(app));
    tokio::pin!(conn);
    let mut told_to_stop = false;
    loop {
        let idle_until = activity.last() + limits.idle_timeout;
        tokio::select! {
            result = conn.as_mut() => {
                if let Err(e) = result {
                    tracing::debug!("connection ended: {e}");
                }
                return;
            }
            () = tokio::time::sleep_until(idle_until.into()) => {
                if activity.last() + limits.idle_timeout <= Instant::now() {
                    tracing::debug!("closing an idle connection");
                    return;
                }
            }
            _ = stopping.changed(), if !told_to_stop => {
                told_to_stop = true;
                conn.as_mut().graceful_shutdown();
            }
        }
    }
}

/// Accept connections on `listener` until `stop` resolves, then give the
/// open ones [`SHUTDOWN_GRACE`] to finish.
async fn serve_http(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    stop: impl Future<Output = ()>,
) {
    let max = limits.max_connections.clamp(1, Semaphore::MAX_PERMITS);
    let slots = Arc::new(Semaphore::new(max));
    let (stopping, stopping_rx) = watch::channel(false);
    let mut backoff = ACCEPT_BACKOFF.0;
    let mut last_report: Option<Instant> = None;
    tokio::pin!(stop);
    loop {
        let slot = tokio::select! {
            biased;
            () = &mut stop => break,
            slot = slots.clone().acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_) => break,
            },
        };
        let accepted = tokio::select! {
            biased;
            () = &mut stop => break,
            accepted = listener.accept() => accepted,
        };
        match accepted {
            Ok((stream, _)) => {
                backoff = ACCEPT_BACKOFF.0;
                tokio::spawn(connection(
                    stream,
                    app.clone(),
                    limits,
                    slot,
                    stopping_rx.clone(),
                ));
            }
            // The client gave up before we accepted: nothing to do.
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::ConnectionAborted | io::ErrorKind::ConnectionReset
                ) => {}
            Err(e) => {
                // Out of descriptors (or memory): leave new connections in
                // the kernel's queue until open ones close, and say so now
                // and then rather than on every attempt.
                drop(slot);
                if last_report.is_none_or(|at| at.elapsed() > Duration::from_secs(10)) {
                    tracing::error!(
                        "cannot accept connections: {e}; retrying (raise `ulimit -n` or lower --max-connections)"
                    );
                    last_report = Some(Instant::now());
                }
                tokio::select! {
                    biased;
                    () = &mut stop => break,
                    () = tokio::time::sleep(backoff) => {}
                }
                backoff = (backoff * 2).min(ACCEPT_BACKOFF.1);
            }
        }
    }
    drop(listener);
    let _ = stopping.send(true);
    let all = u32::try_from(max).unwrap_or(u32::MAX);
    let _ = tokio::time::timeout(SHUTDOWN_GRACE, slots.acquire_many(all)).await;
}

/// Resolves on Ctrl-C, or on SIGTERM on Unix.
async fn stop_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                term.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}

/// A server bound to its address, not yet answering.
pub struct Server {
    runtime: tokio::runtime::Runtime,
    listener: TcpListener,
    app: Router,
    limits: Limits,
}

/// What `--watch` watches, and what to do on a change.
pub struct Watch<'a> {
    /// The article collection (the content directory, and on a Hugo site
    /// every language's own `contentDir`), each watched recursively; the
    /// first is the one named in errors.
    pub content_dirs: Vec<PathBuf>,
    /// The configuration files (`feedpub.toml`, and on a Hugo site the
    /// Hugo configuration files read).
    pub config_files: Vec<PathBuf>,
    /// What feedpub itself writes (the output directory, the ledger):
    /// changes there, and to any `.feedpub*` file (lock, temp files, cache),
    /// never trigger a rebuild.
    pub own_paths: Vec<PathBuf>,
    /// Called after a burst of changes has settled (e.g. to rebuild).
    pub on_change: &'a mut dyn FnMut(),
}

/// Whether `inner` is `outer` or below it, once both are made absolute
/// (symlinks resolved as far as the paths exist).
pub fn is_within(inner: &Path, outer: &Path) -> bool {
    resolved(inner).starts_with(resolved(outer))
}

/// `path` made absolute with symlinks resolved, for as much of it as exists.
fn resolved(path: &Path) -> PathBuf {
    if let Ok(real) = path.canonicalize() {
        return real;
    }
    match (path.parent(), path.file_name()) {
        (Some(parent), Some(name)) if !parent.as_os_str().is_empty() => resolved(parent).join(name),
        _ => std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()),
    }
}

/// The directory named when watching fails before any is chosen.
fn first_dir(dirs: &[PathBuf]) -> &Path {
    dirs.first().map_or(Path::new("."), PathBuf::as_path)
}

/// What the `--watch` loop hears.
enum Heard {
    Changed(notify::Result<notify::Event>),
    Stop,
}

impl Server {
    /// Bind `addr` (port 0 picks a free port) to serve `root` within `limits`.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when `root` is missing or the address cannot be bound.
    pub fn bind(root: &Path, addr: SocketAddr, limits: Limits) -> Result<Server> {
        let app = router(root)?;
        let at = PathBuf::from(addr.to_string());
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(|e| Error::io(&at, e))?;
        let listener = runtime
            .block_on(TcpListener::bind(addr))
            .map_err(|e| Error::io(&at, e))?;
        Ok(Server {
            runtime,
            listener,
            app,
            limits,
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

    /// Answer requests until Ctrl-C or SIGTERM.
    ///
    /// # Errors
    ///
    /// None today; the signature leaves room for start-up failures.
    pub fn run(self) -> Result<()> {
        self.runtime.block_on(serve_http(
            self.listener,
            self.app,
            self.limits,
            stop_signal(),
        ));
        Ok(())
    }

    /// Answer requests in the background, and call `watch.on_change` each
    /// time the content or configuration changes, until Ctrl-C or SIGTERM
    /// (a rebuild under way is finished first).
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when the paths cannot be watched.
    pub fn run_watching(self, watch: Watch<'_>) -> Result<()> {
        let (tx, rx) = mpsc::channel();
        let events = tx.clone();
        let mut watcher = notify::recommended_watcher(move |event| {
            let _ = events.send(Heard::Changed(event));
        })
        .map_err(|e| Error::io(first_dir(&watch.content_dirs), notify_io(e)))?;
        let mut content = Vec::new();
        for (i, dir) in watch.content_dirs.iter().enumerate() {
            // A language folder that does not exist is not read either.
            if i > 0 && !dir.is_dir() {
                continue;
            }
            let real = resolved(dir);
            watcher
                .watch(&real, RecursiveMode::Recursive)
                .map_err(|e| Error::io(dir, notify_io(e)))?;
            content.push(real);
        }
        let config: Vec<PathBuf> = watch.config_files.iter().map(|f| resolved(f)).collect();
        // Editors replace files by renaming: watch the configuration's folders.
        let config_dirs: BTreeSet<PathBuf> = config
            .iter()
            .map(|f| f.parent().unwrap_or(Path::new("/")).to_path_buf())
            .collect();
        for dir in &config_dirs {
            watcher
                .watch(dir, RecursiveMode::NonRecursive)
                .map_err(|e| Error::io(dir, notify_io(e)))?;
        }
        let own: Vec<PathBuf> = watch.own_paths.iter().map(|p| resolved(p)).collect();

        let (stop_server, server_stopped) = oneshot::channel::<()>();
        let server = self
            .runtime
            .spawn(serve_http(self.listener, self.app, self.limits, async {
                let _ = server_stopped.await;
            }));
        self.runtime.spawn(async move {
            stop_signal().await;
            let _ = tx.send(Heard::Stop);
        });

        let is_own = |p: &Path| {
            own.iter().any(|o| p.starts_with(o))
                || p.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with(".feedpub"))
        };
        let relevant = |event: &notify::Event| {
            !matches!(event.kind, EventKind::Access(_) | EventKind::Other)
                && event.paths.iter().any(|p| {
                    !is_own(p) && (content.iter().any(|c| p.starts_with(c)) || config.contains(p))
                })
        };
        'watching: while let Ok(heard) = rx.recv() {
            match heard {
                Heard::Stop => break,
                Heard::Changed(event) if event.as_ref().is_ok_and(relevant) => {}
                Heard::Changed(_) => continue,
            }
            // Let a burst of writes (a save, a `git checkout`) settle, but
            // rebuild within a bound even if it goes on.
            let started = Instant::now();
            while started.elapsed() < DEBOUNCE.1 {
                match rx.recv_timeout(DEBOUNCE.0) {
                    Ok(Heard::Stop) => break 'watching,
                    Ok(Heard::Changed(_)) => {}
                    Err(_) => break,
                }
            }
            (watch.on_change)();
        }
        drop(watcher);
        let _ = stop_server.send(());
        let _ = self.runtime.block_on(server);
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

    #[test]
    fn request_paths_are_cleaned_or_refused() {
        for (path, clean) in [
            ("/rss.xml", Some("/rss.xml")),
            ("/", Some("/")),
            ("", Some("/")),
            ("//categories", Some("/categories")),
            ("///categories//", Some("/categories/")),
            (
                "/countries//tajikistan/rss.xml",
                Some("/countries/tajikistan/rss.xml"),
            ),
            ("/caf%C3%A9/", Some("/caf%C3%A9/")),
            ("/../secret.txt", None),
            ("/%2e%2e/secret.txt", None),
            ("/countries%2F..%2F..%2Fsecret.txt", None),
            ("/countries%2frss.xml", None),
            ("/..%5csecret.txt", None),
            ("/a\\b", None),
            ("/%ff", None),
            ("/a%00b", None),
            ("/.feedpub.lock", None),
            ("/%2efeedpub.lock", None),
            ("/.git/config", None),
            ("/categories/.hidden/rss.xml", None),
            ("/./rss.xml", None),
        ] {
            assert_eq!(clean_path(path).as_deref(), clean, "{path:?}");
        }
    }

    #[test]
    fn if_range_compares_validators_exactly() {
        let mut headers = HeaderMap::new();
        headers.insert(header::ETAG, HeaderValue::from_static("\"abc\""));
        headers.insert(
            header::LAST_MODIFIED,
            HeaderValue::from_static("Wed, 01 May 2024 00:00:00 GMT"),
        );
        for (if_range, matches) in [
            ("\"abc\"", true),
            ("W/\"abc\"", false),
            ("\"abd\"", false),
            ("Wed, 01 May 2024 00:00:00 GMT", true),
            ("Tue, 30 Apr 2024 00:00:00 GMT", false),
        ] {
            let value = HeaderValue::from_static(if_range);
            assert_eq!(if_range_matches(&value, &headers), matches, "{if_range}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn files_open_only_below_the_root_without_symlinks() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("feeds");
        std::fs::create_dir_all(root.join("countries")).unwrap();
        std::fs::write(dir.path().join("secret.txt"), "x").unwrap();
        std::fs::write(root.join("rss.xml"), "x").unwrap();
        std::fs::write(root.join(".feedpub.lock"), "x").unwrap();
        std::os::unix::fs::symlink(dir.path().join("secret.txt"), root.join("leak.txt")).unwrap();
        std::os::unix::fs::symlink(root.join("rss.xml"), root.join("alias.xml")).unwrap();
        std::os::unix::fs::symlink(dir.path(), root.join("up")).unwrap();
        let made = std::process::Command::new("mkfifo")
            .arg(root.join("pipe.xml"))
            .status()
            .unwrap();
        assert!(made.success());
        let root = root.canonicalize().unwrap();
        for (path, opens) in [
            ("rss.xml", true),
            ("countries", true),
            ("", true),
            ("missing.xml", false),
            ("alias.xml", false),
            ("leak.txt", false),
            ("up/secret.txt", false),
            ("rss.xml/x", false),
            ("pipe.xml", false),
            (".feedpub.lock", false),
        ] {
            let result = open_beneath(&root, &root.join(path));
            assert_eq!(result.is_ok(), opens, "{path}: {result:?}");
            if let Err(e) = result {
                assert_eq!(e.kind(), io::ErrorKind::NotFound, "{path}");
            }
        }
        assert!(open_beneath(&root, &dir.path().join("secret.txt")).is_err());
    }

    #[test]
    fn paths_within_are_compared_resolved() {
        let dir = tempfile::tempdir().unwrap();
        let content = dir.path().join("content");
        std::fs::create_dir_all(&content).unwrap();
        assert!(is_within(&content.join("feeds"), &content));
        assert!(is_within(&dir.path().join("content/./feeds"), &content));
        assert!(is_within(&content, &content));
        assert!(!is_within(&dir.path().join("feeds"), &content));
        assert!(!is_within(&dir.path().join("content-feeds"), &content));
    }
}
