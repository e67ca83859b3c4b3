//! Signed, expiring links: which ticket's transcript a link opens, for whom, until when.
//!
//! A link's path is `/t/{guild}/{number}/{audience}/{expires}/{signature}`: the claims in the
//! clear (so a reader can see what the link is for) and an HMAC-SHA-256 over exactly those
//! claims. Changing any of them, the expiry included, breaks the signature, so a link that
//! verifies but whose time has passed really is expired (410), and anything else that does not
//! verify was altered or signed with a key since rotated (403).

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::domain::model::Snowflake;

type HmacSha256 = Hmac<Sha256>;

/// Bytes of a signing key: the HMAC-SHA-256 block-size-safe length RFC 2104 recommends at least.
pub const KEY_LEN: usize = 32;

/// The secret links are signed with; kept in the store, replaced by `ticketeer keys rotate`.
#[derive(Clone, PartialEq, Eq)]
pub struct LinkKey([u8; KEY_LEN]);

impl LinkKey {
    pub fn from_bytes(bytes: &[u8]) -> Option<LinkKey> {
        bytes.try_into().ok().map(LinkKey)
    }

    /// A fresh key from the operating system's random source.
    pub fn generate() -> LinkKey {
        let mut bytes = [0u8; KEY_LEN];
        rand::fill(&mut bytes);
        LinkKey(bytes)
    }

    pub fn as_bytes(&self) -> &[u8; KEY_LEN] {
        &self.0
    }

    fn mac(&self) -> HmacSha256 {
        // HMAC takes keys of any length; 32 bytes can never be refused.
        HmacSha256::new_from_slice(&self.0)
            .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"))
    }
}

impl std::fmt::Debug for LinkKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the secret, not even in a debug log.
        f.write_str("LinkKey(..)")
    }
}

/// Who a link is for: staff see staff-only parts of a ticket, the opener does not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Audience {
    Staff,
    Opener,
}

impl Audience {
    fn code(self) -> &'static str {
        match self {
            Audience::Staff => "s",
            Audience::Opener => "o",
        }
    }

    fn parse(code: &str) -> Option<Audience> {
        match code {
            "s" => Some(Audience::Staff),
            "o" => Some(Audience::Opener),
            _ => None,
        }
    }
}

/// What a link grants: one ticket's transcript, to one audience, until `expires`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Claims {
    pub guild: Snowflake,
    pub number: u64,
    pub audience: Audience,
    /// Seconds since the Unix epoch.
    pub expires: i64,
}

/// Why a link was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    /// Not the shape of a link at all (a typo, a truncated paste).
    #[error("not a transcript link")]
    Malformed,
    /// The signature does not match the claims: altered, or signed with a rotated key.
    #[error("the link's signature does not match")]
    Tampered,
    /// Genuine, but past its expiry.
    #[error("the link expired")]
    Expired,
}

/// The bytes the signature covers. A fixed label keeps a signature over these claims from
/// ever matching another kind of signed thing should one be added.
fn signed_message(claims: &Claims) -> String {
    format!(
        "ticketeer-transcript-v1\n{}\n{}\n{}\n{}",
        claims.guild,
        claims.number,
        claims.audience.code(),
        claims.expires
    )
}

fn signature(key: &LinkKey, claims: &Claims) -> String {
    let mut mac = key.mac();
    mac.update(signed_message(claims).as_bytes());
    URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
}

/// The link's path (starting with `/t/`), to append to the public URL.
pub fn sign(key: &LinkKey, claims: &Claims) -> String {
    format!(
        "/t/{}/{}/{}/{}/{}",
        claims.guild,
        claims.number,
        claims.audience.code(),
        claims.expires,
        signature(key, claims)
    )
}

/// The path segments after `/t/`, as the router hands them over.
#[derive(Debug, Clone, Copy)]
pub struct Token<'a> {
    pub guild: &'a str,
    pub number: &'a str,
    pub audience: &'a str,
    pub expires: &'a str,
    pub signature: &'a str,
}

/// Checks a link: its shape, then its signature (in constant time), then its expiry against
/// `now` (seconds since the Unix epoch).
pub fn verify(key: &LinkKey, token: Token<'_>, now: i64) -> Result<Claims, LinkError> {
    let claims = Claims {
        guild: parse_number(token.guild)?,
        number: parse_number(token.number)?,
        audience: Audience::parse(token.audience).ok_or(LinkError::Malformed)?,
        expires: parse_number(token.expires)?
            .try_into()
            .map_err(|_| LinkError::Malformed)?,
    };
    let given = URL_SAFE_NO_PAD
        .decode(token.signature)
        .map_err(|_| LinkError::Tampered)?;
    let mut mac = key.mac();
    mac.update(signed_message(&claims).as_bytes());
    // `verify_slice` compares in constant time, so timing tells nothing about how close a
    // forged signature came.
    mac.verify_slice(&given).map_err(|_| LinkError::Tampered)?;
    if now >= claims.expires {
        return Err(LinkError::Expired);
    }
    Ok(claims)
}

/// Plain decimal digits only: `+5`, ` 5` or `05` would let one claim have many spellings.
fn parse_number(raw: &str) -> Result<u64, LinkError> {
    let canonical = !raw.is_empty()
        && raw.len() <= 20
        && raw.bytes().all(|b| b.is_ascii_digit())
        && (raw == "0" || !raw.starts_with('0'));
    if !canonical {
        return Err(LinkError::Malformed);
    }
    raw.parse().map_err(|_| LinkError::Malformed)
}

/// A stats page's link path (`/s/{guild}/{expires}/{signature}`): staff-only by nature, so it
/// carries no audience; its own label keeps it from ever verifying as a transcript link.
pub fn sign_stats(key: &LinkKey, guild: Snowflake, expires: i64) -> String {
    format!(
        "/s/{guild}/{expires}/{}",
        stats_signature(key, guild, expires)
    )
}

fn stats_signature(key: &LinkKey, guild: Snowflake, expires: i64) -> String {
    let mut mac = key.mac();
    mac.update(format!("ticketeer-stats-v1\n{guild}\n{expires}").as_bytes());
    URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
}

/// Checks a stats link as [`verify`] checks a transcript link; returns its guild.
pub fn verify_stats(
    key: &LinkKey,
    guild: &str,
    expires: &str,
    signature: &str,
    now: i64,
) -> Result<Snowflake, LinkError> {
    let guild = parse_number(guild)?;
    let expires: i64 = parse_number(expires)?
        .try_into()
        .map_err(|_| LinkError::Malformed)?;
    let given = URL_SAFE_NO_PAD
        .decode(signature)
        .map_err(|_| LinkError::Tampered)?;
    let mut mac = key.mac();
    mac.update(format!("ticketeer-stats-v1\n{guild}\n{expires}").as_bytes());
    mac.verify_slice(&given).map_err(|_| LinkError::Tampered)?;
    if now >= expires {
        return Err(LinkError::Expired);
    }
    Ok(guild)
}

/// The key links are signed with, and the earlier keys whose links still verify: those of data
/// files a reshard merged into this one, whose guilds' links were signed there.
#[derive(Clone, Debug)]
pub struct Keyring {
    current: LinkKey,
    earlier: Vec<LinkKey>,
}

impl Keyring {
    pub fn new(current: LinkKey, earlier: Vec<LinkKey>) -> Keyring {
        Keyring { current, earlier }
    }

    /// [`verify`] with each key in turn: the first that accepts the signature answers.
    pub fn verify(&self, token: Token<'_>, now: i64) -> Result<Claims, LinkError> {
        self.first_accepting(|key| verify(key, token, now))
    }

    /// [`verify_stats`] with each key in turn.
    pub fn verify_stats(
        &self,
        guild: &str,
        expires: &str,
        signature: &str,
        now: i64,
    ) -> Result<Snowflake, LinkError> {
        self.first_accepting(|key| verify_stats(key, guild, expires, signature, now))
    }

    /// A signature no key made is tampered with; one that a key made answers as that key
    /// says (valid or expired).
    fn first_accepting<T>(
        &self,
        check: impl Fn(&LinkKey) -> Result<T, LinkError>,
    ) -> Result<T, LinkError> {
        let mut answer = check(&self.current);
        for key in &self.earlier {
            if !matches!(answer, Err(LinkError::Tampered)) {
                break;
            }
            answer = check(key);
        }
        answer
    }
}

/// Seconds since the Unix epoch, now.
pub fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(byte: u8) -> LinkKey {
        LinkKey([byte; KEY_LEN])
    }

    fn claims() -> Claims {
        Claims {
            guild: 111,
            number: 7,
            audience: Audience::Opener,
            expires: 2_000,
        }
    }

    fn token(path: &str) -> Token<'_> {
        let parts: Vec<&str> = path.trim_start_matches("/t/").split('/').collect();
        assert_eq!(parts.len(), 5, "{path}");
        Token {
            guild: parts[0],
            number: parts[1],
            audience: parts[2],
            expires: parts[3],
            signature: parts[4],
        }
    }

    #[test]
    fn a_signed_link_verifies_until_it_expires() {
        let path = sign(&key(1), &claims());
        assert!(path.starts_with("/t/111/7/o/2000/"), "{path}");
        assert_eq!(verify(&key(1), token(&path), 1_999), Ok(claims()));
        assert_eq!(
            verify(&key(1), token(&path), 2_000),
            Err(LinkError::Expired)
        );
    }

    #[test]
    fn every_altered_claim_is_tampering() {
        let path = sign(&key(1), &claims());
        let t = token(&path);
        for altered in [
            Token { guild: "112", ..t },
            Token { number: "8", ..t },
            Token { audience: "s", ..t },
            // Pushing the expiry out is the forgery most worth trying.
            Token {
                expires: "9999",
                ..t
            },
        ] {
            assert_eq!(verify(&key(1), altered, 0), Err(LinkError::Tampered));
        }
        let mut sig = t.signature.to_owned();
        let last = sig.pop().map(|c| if c == 'A' { 'B' } else { 'A' });
        sig.extend(last);
        assert_eq!(
            verify(
                &key(1),
                Token {
                    signature: &sig,
                    ..t
                },
                0
            ),
            Err(LinkError::Tampered)
        );
        assert_eq!(
            verify(
                &key(1),
                Token {
                    signature: "!!",
                    ..t
                },
                0
            ),
            Err(LinkError::Tampered)
        );
    }

    #[test]
    fn a_rotated_key_refuses_older_links() {
        let path = sign(&key(1), &claims());
        assert_eq!(verify(&key(2), token(&path), 0), Err(LinkError::Tampered));
        // An expired link signed with the old key says tampered, not expired: the server cannot
        // tell it was ever genuine.
        assert_eq!(
            verify(&key(2), token(&path), 5_000),
            Err(LinkError::Tampered)
        );
    }

    /// After a reshard a file's guilds may have had their links signed in another file: those
    /// keys verify as earlier keys; links no key signed stay refused.
    #[test]
    fn a_keyring_accepts_the_links_of_its_earlier_keys_only() {
        let ring = Keyring::new(key(1), vec![key(2), key(3)]);
        for signer in [1, 2, 3] {
            let path = sign(&key(signer), &claims());
            assert_eq!(ring.verify(token(&path), 0), Ok(claims()), "key {signer}");
            assert_eq!(ring.verify(token(&path), 5_000), Err(LinkError::Expired));
            let stats = sign_stats(&key(signer), 111, 2_000);
            let parts: Vec<&str> = stats.trim_start_matches("/s/").split('/').collect();
            let checked = ring.verify_stats(parts[0], parts[1], parts[2], 10);
            assert_eq!(checked, Ok(111), "stats, key {signer}");
        }
        let stranger = sign(&key(4), &claims());
        assert_eq!(ring.verify(token(&stranger), 0), Err(LinkError::Tampered));
        let alone = Keyring::new(key(1), Vec::new());
        let earlier = sign(&key(2), &claims());
        assert_eq!(alone.verify(token(&earlier), 0), Err(LinkError::Tampered));
    }

    #[test]
    fn malformed_claims_are_refused_before_any_signature_work() {
        let path = sign(&key(1), &claims());
        let t = token(&path);
        for bad in [
            Token { guild: "", ..t },
            Token { guild: "0111", ..t },
            Token { guild: "+111", ..t },
            Token { number: "7a", ..t },
            Token {
                number: "99999999999999999999999",
                ..t
            },
            Token { audience: "x", ..t },
            Token {
                expires: "18446744073709551615",
                ..t
            },
        ] {
            assert_eq!(
                verify(&key(1), bad, 0),
                Err(LinkError::Malformed),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn audiences_sign_differently() {
        let staff = sign(
            &key(1),
            &Claims {
                audience: Audience::Staff,
                ..claims()
            },
        );
        let opener = sign(&key(1), &claims());
        assert_ne!(token(&staff).signature, token(&opener).signature);
        assert_eq!(
            verify(&key(1), token(&staff), 0).map(|c| c.audience),
            Ok(Audience::Staff)
        );
    }

    #[test]
    fn stats_links_verify_and_never_pass_for_transcript_links() {
        let path = sign_stats(&key(1), 111, 2_000);
        let parts: Vec<&str> = path.trim_start_matches("/s/").split('/').collect();
        assert_eq!(
            verify_stats(&key(1), parts[0], parts[1], parts[2], 10),
            Ok(111)
        );
        assert_eq!(
            verify_stats(&key(1), parts[0], parts[1], parts[2], 2_000),
            Err(LinkError::Expired)
        );
        assert_eq!(
            verify_stats(&key(1), "112", parts[1], parts[2], 10),
            Err(LinkError::Tampered)
        );
        assert_eq!(
            verify_stats(&key(2), parts[0], parts[1], parts[2], 10),
            Err(LinkError::Tampered)
        );
        // A stats signature grafted onto a transcript link of the same guild does not verify.
        let forged = Token {
            guild: "111",
            number: "0",
            audience: "s",
            expires: "2000",
            signature: parts[2],
        };
        assert_eq!(verify(&key(1), forged, 10), Err(LinkError::Tampered));
    }

    #[test]
    fn keys_are_random_and_never_printed() {
        let (a, b) = (LinkKey::generate(), LinkKey::generate());
        assert_ne!(a, b);
        assert_eq!(format!("{a:?}"), "LinkKey(..)");
        assert_eq!(LinkKey::from_bytes(a.as_bytes()), Some(a));
        assert_eq!(LinkKey::from_bytes(&[0; 31]), None);
    }
}
