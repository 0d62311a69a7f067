//! A value saved to disk in postcard behind a small header (magic, layout
//! version, checksum), so a file of another format or a torn write reads
//! as absent instead of as garbage. The machine state and the ledger's
//! mirror are stored this way.

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
    postcard::from_bytes(unframe(bytes, magic, format)?).ok()
}

/// `value` in postcard behind a header: `magic`, the layout's `format`
/// version and a checksum of the payload.
pub(crate) fn encode_framed<T: Serialize>(
    value: &T,
    magic: &[u8; 8],
    format: u32,
) -> Option<Vec<u8>> {
    Some(frame(&postcard::to_allocvec(value).ok()?, magic, format))
}

/// The payload in `bytes` written by [`frame`] with this `magic` and
/// `format`, if the header matches and the checksum holds.
pub(crate) fn unframe<'a>(bytes: &'a [u8], magic: &[u8; 8], format: u32) -> Option<&'a [u8]> {
    let (header, payload) = bytes.split_at_checked(HEADER_LEN)?;
    let (found_magic, rest) = header.split_at(magic.len());
    let (found_format, checksum) = rest.split_at(4);
    let intact = found_magic == magic
        && u32::from_le_bytes(found_format.try_into().ok()?) == format
        && u64::from_le_bytes(checksum.try_into().ok()?) == xxh3_64(payload);
    intact.then_some(payload)
}

/// `payload` behind a header: `magic`, the layout's `format` version and
/// a checksum of the payload.
pub(crate) fn frame(payload: &[u8], magic: &[u8; 8], format: u32) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(HEADER_LEN + payload.len());
    bytes.extend_from_slice(magic);
    bytes.extend_from_slice(&format.to_le_bytes());
    bytes.extend_from_slice(&xxh3_64(payload).to_le_bytes());
    bytes.extend_from_slice(payload);
    bytes
}
