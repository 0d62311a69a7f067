//! A value saved to disk in postcard behind a small header (magic, layout
//! version, checksum), so a file of another format or a torn write reads
//! as absent instead of as garbage. The machine state is stored this way.

use serde::Serialize;
use serde::de::DeserializeOwned;
use xxhash_rust::xxh3::xxh3_64;

/// Header: magic, format, checksum of the payload.
const HEADER_LEN: usize = 8 + 4 + 8;

/// The value in `bytes` written by [`encode_framed`] with this `magic` and
/// `format`, if the header matches and the checksum holds.
pub(crate) fn decode_framed<T: DeserializeOwned>(
    bytes: &[u8],
    magic: &[u8; 8],
    format: u32,
) -> Option<T> {
    let (header, payload) = bytes.split_at_checked(HEADER_LEN)?;
    let (found_magic, rest) = header.split_at(magic.len());
    let (found_format, checksum) = rest.split_at(4);
    if found_magic != magic
        || u32::from_le_bytes(found_format.try_into().ok()?) != format
        || u64::from_le_bytes(checksum.try_into().ok()?) != xxh3_64(payload)
    {
        return None;
    }
    postcard::from_bytes(payload).ok()
}

/// `value` in postcard behind a header: `magic`, the layout's `format`
/// version and a checksum of the payload.
pub(crate) fn encode_framed<T: Serialize>(
    value: &T,
    magic: &[u8; 8],
    format: u32,
) -> Option<Vec<u8>> {
    let payload = postcard::to_allocvec(value).ok()?;
    let mut bytes = Vec::with_capacity(HEADER_LEN + payload.len());
    bytes.extend_from_slice(magic);
    bytes.extend_from_slice(&format.to_le_bytes());
    bytes.extend_from_slice(&xxh3_64(&payload).to_le_bytes());
    bytes.extend_from_slice(&payload);
    Some(bytes)
}
