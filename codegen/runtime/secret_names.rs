//! Which field names hold credentials: the one rule behind every redaction, in error bodies,
//! decode errors and the `Debug` output of generated types. The generator compiles this same
//! file to choose the fields whose `Debug` it redacts, so it depends on nothing else.

/// Whether a JSON field of this name holds a credential: a part such as `secret`,
/// `password` or `api_key` anywhere in it, a name such as `token`, `cvc` or `account_number`, or
/// a name ending in `_token`, `_cvc` or `_cvv` (any case).
pub fn is_secret_name(name: &[u8]) -> bool {
    let name = name.to_ascii_lowercase();
    const PARTS: [&[u8]; 6] = [b"secret", b"password", b"passwd", b"api_key", b"apikey", b"private_key"];
    const NAMES: [&[u8]; 8] = [
        b"token",
        b"authorization",
        b"cryptogram",
        b"account_number",
        b"card_number",
        b"cvc",
        b"cvv",
        b"ssn",
    ];
    PARTS.iter().any(|part| name.windows(part.len()).any(|w| w == *part))
        || NAMES.contains(&name.as_slice())
        || [b"_token".as_slice(), b"_cvc", b"_cvv"].iter().any(|suffix| name.ends_with(suffix))
}
