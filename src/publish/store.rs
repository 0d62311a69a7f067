//! The object store behind a URL, through Apache Arrow's `object_store`,
//! driven from a small single-threaded Tokio runtime.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use futures_util::{StreamExt, TryStreamExt};
use object_store::aws::{AmazonS3Builder, AmazonS3ConfigKey};
use object_store::azure::{AzureConfigKey, MicrosoftAzureBuilder};
use object_store::gcp::{GoogleCloudStorageBuilder, GoogleConfigKey};
use object_store::local::LocalFileSystem;
use object_store::path::Path as ObjectPath;
use object_store::{
    Attribute, Attributes, BackoffConfig, ClientConfigKey, ObjectStore, PutOptions, PutPayload,
    RetryConfig,
};
use url::Url;

use super::state::Uploaded;
use super::{Object, content_type};
use crate::error::{Error, Result};

/// How many uploads run at once.
const PARALLEL_UPLOADS: usize = 8;

/// How long to wait for a connection, and for a whole request.
const CONNECT_TIMEOUT: &str = "10s";
const REQUEST_TIMEOUT: &str = "120s";

/// A connected object store and the prefix feeds go under.
pub(super) struct Store {
    url: Url,
    inner: Arc<dyn ObjectStore>,
    prefix: ObjectPath,
    /// Local files carry no HTTP headers; `object_store` refuses attributes for them.
    headers: bool,
    runtime: tokio::runtime::Runtime,
}

impl Store {
    /// Build the client for `url`, with credentials and endpoint from the
    /// provider's environment variables. No request is made yet.
    pub(super) fn connect(url: &Url) -> Result<Store> {
        // TLS through ring: the one crypto provider compiled in.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let failed = |e: object_store::Error| {
            store_error(url, url.scheme(), "cannot use the object store", &e)
        };
        let retry = RetryConfig {
            backoff: BackoffConfig::default(),
            max_retries: 3,
            retry_timeout: Duration::from_secs(30),
        };
        let connect = ClientConfigKey::ConnectTimeout;
        let timeout = ClientConfigKey::Timeout;
        let (inner, headers): (Arc<dyn ObjectStore>, bool) = match url.scheme() {
            "s3" => (
                Arc::new(
                    AmazonS3Builder::from_env()
                        .with_url(url.as_str())
                        .with_config(AmazonS3ConfigKey::Client(connect), CONNECT_TIMEOUT)
                        .with_config(AmazonS3ConfigKey::Client(timeout), REQUEST_TIMEOUT)
                        .with_retry(retry)
                        .build()
                        .map_err(failed)?,
                ),
                true,
            ),
            "gs" => (
                Arc::new(
                    GoogleCloudStorageBuilder::from_env()
                        .with_url(url.as_str())
                        .with_config(GoogleConfigKey::Client(connect), CONNECT_TIMEOUT)
                        .with_config(GoogleConfigKey::Client(timeout), REQUEST_TIMEOUT)
                        .with_retry(retry)
                        .build()
                        .map_err(failed)?,
                ),
                true,
            ),
            "az" => (
                Arc::new(
                    MicrosoftAzureBuilder::from_env()
                        .with_url(url.as_str())
                        .with_config(AzureConfigKey::Client(connect), CONNECT_TIMEOUT)
                        .with_config(AzureConfigKey::Client(timeout), REQUEST_TIMEOUT)
                        .with_retry(retry)
                        .build()
                        .map_err(failed)?,
                ),
                true,
            ),
            _ => {
                let dir = url.to_file_path().map_err(|()| {
                    Error::io(url.as_str(), std::io::Error::other("not a local path"))
                })?;
                crate::files::create_dir_all(&dir)?;
                (
                    Arc::new(LocalFileSystem::new_with_prefix(&dir).map_err(failed)?),
                    false,
                )
            }
        };
        let prefix = if url.scheme() == "file" {
            ObjectPath::default()
        } else {
            ObjectPath::from_url_path(url.path()).map_err(|e| {
                Error::io(
                    url.as_str(),
                    std::io::Error::other(format!("bad prefix: {e}")),
                )
            })?
        };
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| Error::io(url.as_str(), e))?;
        Ok(Store {
            url: url.clone(),
            inner,
            prefix,
            headers,
            runtime,
        })
    }

    /// Every object under the prefix, by key relative to it; an ETag that
    /// is an MD5 (a single-request S3 upload) is kept, any other is not
    /// comparable and makes the object count as different.
    pub(super) fn list(&self) -> Result<HashMap<String, Uploaded>> {
        let listed = self
            .runtime
            .block_on(self.inner.list(Some(&self.prefix)).try_collect::<Vec<_>>())
            .map_err(|e| {
                store_error(
                    &self.url,
                    self.url.scheme(),
                    "cannot list the object store",
                    &e,
                )
            })?;
        Ok(listed
            .into_iter()
            .filter_map(|meta| {
                let key = meta.location.prefix_match(&self.prefix)?;
                let key = key
                    .map(|part| part.as_ref().to_string())
                    .collect::<Vec<_>>()
                    .join("/");
                let md5 = meta
                    .e_tag
                    .map(|tag| tag.trim_matches('"').to_ascii_lowercase())
                    .filter(|tag| tag.len() == 32 && tag.bytes().all(|b| b.is_ascii_hexdigit()))?;
                Some((
                    key,
                    Uploaded {
                        md5,
                        size: meta.size,
                    },
                ))
            })
            .collect())
    }

    /// Upload `objects`, several at a time, calling `done` with each one
    /// that is in the store. The first failure stops the batch: no upload
    /// starts after it, those already under way are waited for (so `done`
    /// hears of every object that went up), and it is returned, naming
    /// the object.
    pub(super) fn put_all(
        &self,
        objects: Vec<Object>,
        cache_control: &str,
        done: &mut dyn FnMut(Object),
    ) -> Result<()> {
        let failed = std::cell::Cell::new(false);
        self.runtime.block_on(async {
            let mut uploads = futures_util::stream::iter(objects)
                .take_while(|_| std::future::ready(!failed.get()))
                .map(|object| self.put(object, cache_control))
                .buffer_unordered(PARALLEL_UPLOADS);
            let mut first_error = None;
            while let Some(result) = uploads.next().await {
                match result {
                    Ok(object) => done(object),
                    Err(error) => {
                        failed.set(true);
                        first_error.get_or_insert(error);
                    }
                }
            }
            first_error.map_or(Ok(()), Err)
        })
    }

    async fn put(&self, mut object: Object, cache_control: &str) -> Result<Object> {
        let location = object
            .key
            .split('/')
            .fold(self.prefix.clone(), |path, part| path.join(part));
        let mut attributes = Attributes::new();
        if self.headers {
            attributes.insert(Attribute::ContentType, content_type(&object.key).into());
            attributes.insert(Attribute::CacheControl, cache_control.to_string().into());
        }
        let options = PutOptions {
            attributes,
            ..PutOptions::default()
        };
        let payload = PutPayload::from(std::mem::take(&mut object.bytes));
        self.inner
            .put_opts(&location, payload, options)
            .await
            .map_err(|e| {
                let object_url = format!("{}{}", self.url, object.key);
                store_error(
                    &object_url,
                    self.url.scheme(),
                    "upload failed, the store keeps its previous version and the next run uploads the rest",
                    &e,
                )
            })?;
        tracing::info!(object = %object.key, "uploaded");
        Ok(object)
    }
}

/// An error about `what` (a store or object URL) for an editor: one line
/// saying what failed, why in a few words and what to check, never
/// `object_store`'s and the HTTP client's internals (which name request
/// URLs, retry counts and response bodies). Exits 4 like any other I/O
/// error.
fn store_error(
    what: impl std::fmt::Display,
    scheme: &str,
    failed: &str,
    error: &object_store::Error,
) -> Error {
    let (cause, check) = diagnose(scheme, error);
    let message = redact_credentials(&format!("{failed}: {cause}; check {check}"));
    Error::io(what.to_string(), std::io::Error::other(message))
}

/// Why a store request failed, and what the editor should check.
fn diagnose(scheme: &str, error: &object_store::Error) -> (String, String) {
    let credentials = match scheme {
        "s3" => "the credentials (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN)",
        "gs" => "the credentials (GOOGLE_APPLICATION_CREDENTIALS or GOOGLE_SERVICE_ACCOUNT)",
        "az" => "the credentials (AZURE_STORAGE_ACCOUNT_NAME, AZURE_STORAGE_ACCOUNT_KEY)",
        _ => "the permissions of the directory",
    };
    let endpoint = match scheme {
        "s3" => "the endpoint (AWS_ENDPOINT_URL, AWS_REGION) and the network",
        "gs" => "the network, and the endpoint if one is set",
        "az" => "the account name and the network",
        _ => "the directory",
    };
    let bucket = match scheme {
        "az" => "the container name in the URL and the account",
        _ => "the bucket name in the URL and the region",
    };
    match error {
        object_store::Error::PermissionDenied { .. }
        | object_store::Error::Unauthenticated { .. } => (
            "access denied".into(),
            format!("{credentials} and that they may list and write there"),
        ),
        object_store::Error::NotFound { .. } => ("not found".into(), bucket.into()),
        object_store::Error::UnknownConfigurationKey { key, .. } => (
            format!("unknown configuration key {key}"),
            "the provider's environment variables".into(),
        ),
        _ => match Failure::of(error) {
            Failure::Connect => ("cannot connect to the store".into(), endpoint.into()),
            Failure::Timeout => ("the store did not answer in time".into(), endpoint.into()),
            Failure::Status { code, error_code } => {
                let answered = match &error_code {
                    Some(error_code) => format!("the store answered HTTP {code} ({error_code})"),
                    None => format!("the store answered HTTP {code}"),
                };
                let check = match code {
                    401 | 403 => format!("{credentials} and that they may list and write there"),
                    404 => bucket.into(),
                    301 | 307 | 400 => format!("{bucket}, and {endpoint}"),
                    500.. => "the store's status; the next run tries again".into(),
                    _ => format!("{credentials}, {bucket}, and {endpoint}"),
                };
                (answered, check)
            }
            Failure::Other(text) => (text, format!("{credentials} and {endpoint}")),
        },
    }
}

/// What went wrong under an `object_store` error, from its chain of
/// sources (`object_store` keeps its HTTP status type private; its text
/// is the only public record of the status and the store's error code).
#[derive(Debug, PartialEq, Eq)]
enum Failure {
    /// No connection could be made.
    Connect,
    /// The request timed out.
    Timeout,
    /// The store answered with an error status, and maybe its error code
    /// (`<Code>NoSuchBucket</Code>` from S3 and Azure).
    Status {
        code: u16,
        error_code: Option<String>,
    },
    /// Anything else: the innermost error's first line, shortened.
    Other(String),
}

/// The longest cause quoted from an unrecognised error.
const MAX_CAUSE_CHARS: usize = 120;

impl Failure {
    fn of(error: &(dyn std::error::Error + 'static)) -> Failure {
        let mut innermost = error;
        let mut source = Some(error);
        while let Some(current) = source {
            if let Some(http) = current.downcast_ref::<object_store::client::HttpError>() {
                match http.kind() {
                    object_store::client::HttpErrorKind::Connect => return Failure::Connect,
                    object_store::client::HttpErrorKind::Timeout => return Failure::Timeout,
                    _ => {}
                }
            }
            if let Some(failure) = Failure::from_status_text(&current.to_string()) {
                return failure;
            }
            innermost = current;
            source = current.source();
        }
        let text = innermost.to_string();
        let line = text.lines().next().unwrap_or_default();
        let mut cause: String = line.chars().take(MAX_CAUSE_CHARS).collect();
        if line.chars().count() > MAX_CAUSE_CHARS {
            cause.push('…');
        }
        Failure::Other(cause)
    }

    /// `Server returned non-2xx status code: 404 Not Found: <body>`, as
    /// `object_store` words an error status.
    fn from_status_text(text: &str) -> Option<Failure> {
        const STATUS: &str = "Server returned non-2xx status code: ";
        const RESPONSE: &str = "Server returned error response: ";
        let rest = text
            .strip_prefix(STATUS)
            .or_else(|| text.strip_prefix(RESPONSE))?;
        let code = rest.get(..3)?.parse::<u16>().ok()?;
        let error_code = rest
            .split_once("<Code>")
            .and_then(|(_, after)| after.split_once("</Code>"))
            .map(|(code, _)| code.trim().to_string())
            .filter(|code| {
                !code.is_empty()
                    && code.len() <= 64
                    && code.bytes().all(|b| b.is_ascii_alphanumeric())
            });
        Some(Failure::Status { code, error_code })
    }
}

/// The provider environment variables that hold secrets.
const SECRET_VARIABLES: &[&str] = &[
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "GOOGLE_SERVICE_ACCOUNT_KEY",
    "GOOGLE_BEARER_TOKEN",
    "AZURE_STORAGE_ACCOUNT_KEY",
    "AZURE_STORAGE_ACCESS_KEY",
    "AZURE_STORAGE_SAS_KEY",
    "AZURE_STORAGE_TOKEN",
    "AZURE_STORAGE_CLIENT_SECRET",
];

/// `message` with the value of every secret variable of the environment
/// replaced, in case a store's answer quoted one.
fn redact_credentials(message: &str) -> String {
    SECRET_VARIABLES
        .iter()
        .filter_map(|name| std::env::var(name).ok())
        .filter(|secret| secret.len() >= 8)
        .fold(message.to_string(), |text, secret| {
            text.replace(&secret, "[redacted]")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_status_is_read_with_the_stores_error_code() {
        assert_eq!(
            Failure::from_status_text(
                "Server returned non-2xx status code: 404 Not Found: <?xml version=\"1.0\"?><Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message></Error>"
            ),
            Some(Failure::Status {
                code: 404,
                error_code: Some("NoSuchBucket".into())
            })
        );
        assert_eq!(
            Failure::from_status_text("Server returned error response: 500 Internal Server Error"),
            Some(Failure::Status {
                code: 500,
                error_code: None
            })
        );
        assert_eq!(Failure::from_status_text("Error performing PUT"), None);
    }

    #[test]
    fn an_unknown_cause_is_one_shortened_line() {
        let long = std::io::Error::other(format!("{}\nsecond line", "x".repeat(300)));
        let error = object_store::Error::Generic {
            store: "S3",
            source: Box::new(long),
        };
        let Failure::Other(cause) = Failure::of(&error) else {
            panic!("not Other");
        };
        assert!(!cause.contains('\n'));
        assert_eq!(cause.chars().count(), MAX_CAUSE_CHARS + 1);
    }

    #[test]
    fn the_messages_name_what_to_check_in_the_providers_words() {
        let denied = object_store::Error::PermissionDenied {
            path: "rss.xml".into(),
            source: "403".into(),
        };
        let (cause, check) = diagnose("s3", &denied);
        assert_eq!(cause, "access denied");
        assert!(check.contains("AWS_SECRET_ACCESS_KEY"), "{check}");
        let (_, check) = diagnose("az", &denied);
        assert!(check.contains("AZURE_STORAGE_ACCOUNT_KEY"), "{check}");
    }
}
