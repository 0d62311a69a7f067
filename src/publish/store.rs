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
        let failed = |e: object_store::Error| store_error(url, "cannot use the object store", &e);
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
                std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
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
            .map_err(|e| store_error(&self.url, "cannot list the object store", &e))?;
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
    /// that is in the store; the first failure stops the batch and is
    /// returned, naming the object.
    pub(super) fn put_all(
        &self,
        objects: Vec<Object>,
        cache_control: &str,
        done: &mut dyn FnMut(Object),
    ) -> Result<()> {
        self.runtime.block_on(async {
            let mut uploads = futures_util::stream::iter(objects)
                .map(|object| self.put(object, cache_control))
                .buffer_unordered(PARALLEL_UPLOADS);
            while let Some(result) = uploads.next().await {
                done(result?);
            }
            Ok(())
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
                    "upload failed; the store keeps its previous version, and the next run uploads the rest",
                    &e,
                )
            })?;
        tracing::info!(object = %object.key, "uploaded");
        Ok(object)
    }
}

/// An error about `what` (a store or object URL), with `object_store`'s
/// reason; exits 4 like any other I/O error.
fn store_error(what: impl std::fmt::Display, message: &str, error: &object_store::Error) -> Error {
    Error::io(
        what.to_string(),
        std::io::Error::other(format!("{message}: {error}")),
    )
}
