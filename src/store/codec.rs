//! The one place stored bytes are produced and parsed.
//!
//! Every value starts with a format version byte. bincode is not self-describing, so a record that
//! gains a field gets a new version byte here, and `decode` learns to read both; nothing outside
//! this module knows how a value is laid out.
//!
//! Decoding treats its input as hostile (a damaged file, a file edited by hand): it returns an
//! error and never panics, and bincode's allocation limit keeps a forged length prefix from
//! reserving gigabytes.

use std::io::{Read, Write};

use flate2::Compression;
use flate2::read::DeflateDecoder;
use flate2::write::DeflateEncoder;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Format of plain bincode values (settings, ticket records).
pub const VERSION_V1: u8 = 1;
/// Format of transcripts: version byte, then deflate of the bincode of `(html, text)`.
pub const TRANSCRIPT_V1: u8 = 1;

/// No single record we store comes near this; anything larger is damage, not data.
const RECORD_LIMIT: usize = 16 * 1024 * 1024;
/// A decompressed transcript larger than this is refused (a deflate bomb, or damage).
pub const TRANSCRIPT_LIMIT: usize = 64 * 1024 * 1024;

type RecordConfig = bincode::config::Configuration<
    bincode::config::LittleEndian,
    bincode::config::Varint,
    bincode::config::Limit<RECORD_LIMIT>,
>;
type TranscriptConfig = bincode::config::Configuration<
    bincode::config::LittleEndian,
    bincode::config::Varint,
    bincode::config::Limit<TRANSCRIPT_LIMIT>,
>;

fn record_config() -> RecordConfig {
    bincode::config::standard().with_limit::<RECORD_LIMIT>()
}

fn transcript_config() -> TranscriptConfig {
    bincode::config::standard().with_limit::<TRANSCRIPT_LIMIT>()
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodecError {
    #[error("empty value")]
    Empty,
    #[error("unknown value format version {0} (written by a newer Ticketeer?)")]
    UnknownVersion(u8),
    #[error("malformed value: {0}")]
    Malformed(String),
    #[error("{0} trailing bytes after the value")]
    TrailingBytes(usize),
    #[error("value could not be encoded: {0}")]
    Encode(String),
    #[error("transcript larger than {TRANSCRIPT_LIMIT} bytes once decompressed")]
    TooLarge,
}

/// Version byte followed by the bincode of `value`.
pub fn encode<T: Serialize>(value: &T) -> Result<Vec<u8>, CodecError> {
    let mut out = vec![VERSION_V1];
    bincode::serde::encode_into_std_write(value, &mut out, record_config())
        .map_err(|e| CodecError::Encode(e.to_string()))?;
    Ok(out)
}

/// Parses what [`encode`] produced; any other bytes give an error.
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, CodecError> {
    let (&version, body) = bytes.split_first().ok_or(CodecError::Empty)?;
    match version {
        VERSION_V1 => {
            let (value, used) = bincode::serde::decode_from_slice(body, record_config())
                .map_err(|e| CodecError::Malformed(e.to_string()))?;
            if used != body.len() {
                return Err(CodecError::TrailingBytes(body.len() - used));
            }
            Ok(value)
        }
        other => Err(CodecError::UnknownVersion(other)),
    }
}

/// Version byte followed by the deflated bincode of `(html, text)`.
pub fn encode_transcript(html: &str, text: &str) -> Result<Vec<u8>, CodecError> {
    let raw = bincode::serde::encode_to_vec((html, text), transcript_config())
        .map_err(|e| CodecError::Encode(e.to_string()))?;
    let mut encoder = DeflateEncoder::new(vec![TRANSCRIPT_V1], Compression::default());
    encoder
        .write_all(&raw)
        .map_err(|e| CodecError::Encode(e.to_string()))?;
    encoder
        .finish()
        .map_err(|e| CodecError::Encode(e.to_string()))
}

/// Parses what [`encode_transcript`] produced into `(html, text)`.
pub fn decode_transcript(bytes: &[u8]) -> Result<(String, String), CodecError> {
    let (&version, body) = bytes.split_first().ok_or(CodecError::Empty)?;
    if version != TRANSCRIPT_V1 {
        return Err(CodecError::UnknownVersion(version));
    }
    let mut raw = Vec::new();
    // One byte past the limit tells "exactly at the limit" from "over it".
    DeflateDecoder::new(body)
        .take(TRANSCRIPT_LIMIT as u64 + 1)
        .read_to_end(&mut raw)
        .map_err(|e| CodecError::Malformed(e.to_string()))?;
    if raw.len() > TRANSCRIPT_LIMIT {
        return Err(CodecError::TooLarge);
    }
    let (value, used) = bincode::serde::decode_from_slice(&raw, transcript_config())
        .map_err(|e| CodecError::Malformed(e.to_string()))?;
    if used != raw.len() {
        return Err(CodecError::TrailingBytes(raw.len() - used));
    }
    Ok(value)
}
