//! Which field names hold credentials: the one rule behind every redaction, in error bodies,
//! decode errors and the `Debug` output of generated types. The generator compiles this same
//! file to choose the fields whose `Debug` it redacts, so it depends on nothing else.

/// Whether a field (or header) of this name holds a credential. The name is read without case,
/// `_` and `-` (`client_secret`, `clientSecret` and `X-Client-Secret` alike): a part such as
/// `secret`, `password` or `apikey` anywhere in it, a name such as `token`, `cvc`,
/// `accountnumber` or `cavv`, or one ending in `token`, `cvc` or `cvv` (but a list's
/// `page_token` or `nextToken`).
pub fn is_secret_name(name: &[u8]) -> bool {
    const PARTS: [&[u8]; 5] = [b"secret", b"password", b"passwd", b"apikey", b"privatekey"];
    const NAMES: [&[u8]; 8] = [
        b"authorization",
        b"cryptogram",
        b"accountnumber",
        b"cardnumber",
        b"authenticationvalue",
        b"cavv",
        b"pin",
        b"ssn",
    ];
    const ENDINGS: [&[u8]; 3] = [b"token", b"cvc", b"cvv"];
    let name: Vec<u8> =
        name.iter().filter(|b| !matches!(b, b'_' | b'-')).map(u8::to_ascii_lowercase).collect();
    // A token that says where a list goes on (`page_token`, `nextToken`, `continuationToken`)
    // opens nothing.
    const PAGING: [&[u8]; 5] = [b"page", b"next", b"cursor", b"continuation", b"sync"];
    let paging = || PAGING.iter().any(|part| name.windows(part.len()).any(|w| w == *part));
    PARTS.iter().any(|part| name.windows(part.len()).any(|w| w == *part))
        || NAMES.contains(&name.as_slice())
        || (ENDINGS.iter().any(|ending| name.ends_with(ending)) && !paging())
}

#[cfg(test)]
mod tests {
    use super::is_secret_name;

    #[test]
    fn credentials_are_known_in_any_spelling() {
        for name in [
            "client_secret",
            "clientSecret",
            "X-Client-Secret",
            "accessToken",
            "refresh_token",
            "X-Auth-Token",
            "X-Api-Key",
            "apiKey",
            "privateKey",
            "password",
            "cardNumber",
            "account_number",
            "card_cvc",
            "cvv",
            "cryptogram",
            "authentication_value",
            "Authorization",
        ] {
            assert!(is_secret_name(name.as_bytes()), "{name}");
        }
        for name in [
            "id",
            "last4",
            "token_id",
            "card_expiry",
            "account_holder_name",
            "description",
            "api_version",
            "page_token",
            "nextPageToken",
            "NextToken",
            "continuation_token",
        ] {
            assert!(!is_secret_name(name.as_bytes()), "{name}");
        }
    }
}
