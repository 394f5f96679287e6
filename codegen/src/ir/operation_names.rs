//! Names of operations: from the path's shape where the spec gives no `operationId` (or one that
//! only spells out the path), and method names with their resource's words taken out.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use super::operations::{METHODS, resolve_object};
use super::str_field;
use crate::naming;

/// `get /pets/{petId}/toys` → `get_pets_by_pet_id_toys`.
pub(super) fn derived_operation_id(method: &str, path: &str) -> String {
    let mut parts = vec![method.to_owned()];
    for seg in path.split('/').filter(|s| !s.is_empty()) {
        if let Some(param) = seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            parts.push(format!("by_{}", naming::words_snake(param)));
        } else {
            parts.push(naming::words_snake(seg));
        }
    }
    parts.join("_")
}

/// One segment of a path, for naming: a parameter, or a literal's words in snake case.
enum NameSegment {
    Param,
    Literal(String),
}

/// The segments of a path that say something: `None` when a segment mixes literal text and a
/// parameter (`{id}.json`) or has no ASCII letter or digit (`日本`, `-`). Version segments
/// (`v1`, `v2.1`) and `api` are dropped.
fn name_segments(path: &str) -> Option<Vec<NameSegment>> {
    let mut out = Vec::new();
    for seg in path.split('/').filter(|s| !s.is_empty()) {
        if is_param_segment(seg) && seg.matches('{').count() == 1 {
            out.push(NameSegment::Param);
        } else if seg.contains(['{', '}']) {
            return None;
        } else {
            let words = naming::words_snake(seg);
            // A segment without ASCII letters or digits (`日本`, `-`) cannot be named, and
            // dropping it would name another path.
            if words.is_empty() {
                return None;
            }
            if !is_location_segment(seg) {
                out.push(NameSegment::Literal(words));
            }
        }
    }
    Some(out)
}

/// A segment that says where the API lives, not what an operation does: a version (`v1`,
/// `v2.1`) or `api`.
fn is_location_segment(seg: &str) -> bool {
    let is_version =
        seg.len() > 1 && seg.starts_with('v') && seg[1..].chars().all(|c| c.is_ascii_digit() || c == '.');
    is_version || seg == "api"
}

/// `{id}`: a segment that is a parameter (at least in form).
fn is_param_segment(seg: &str) -> bool {
    seg.starts_with('{') && seg.ends_with('}')
}

/// A path with its parameters written `{}`, so that `/a/{id}` and `/a/{a_id}` compare equal.
fn path_shape(segments: &[&str]) -> String {
    let mut out = String::new();
    for seg in segments {
        out.push('/');
        out.push_str(if is_param_segment(seg) { "{}" } else { seg });
    }
    out
}

/// The shapes of every path prefix that a parameter segment follows somewhere in the document:
/// `/v1/customers` when `/v1/customers/{customer}` exists. Those name collections.
fn collection_prefixes(root: &Value) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for path in root.get("paths").and_then(Value::as_object).into_iter().flat_map(|p| p.keys()) {
        let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        for (i, seg) in segments.iter().enumerate() {
            if i > 0 && is_param_segment(seg) {
                out.insert(path_shape(&segments[..i]));
            }
        }
    }
    out
}

/// The function name in FastAPI's default `operationId`, which appends the path (every character
/// but letters, digits and `_` made `_`) and the method to it: `read_item` of
/// `read_item_items__item_id__get` for `GET /items/{item_id}`. Any other id as it is.
pub(super) fn without_fastapi_suffix<'a>(id: &'a str, method: &str, path: &str) -> &'a str {
    let path: String = path.chars().map(|c| if c.is_alphanumeric() || c == '_' { c } else { '_' }).collect();
    let suffix = format!("{path}_{}", method.to_ascii_lowercase());
    match id.strip_suffix(suffix.as_str()) {
        Some(name) if name.chars().any(char::is_alphanumeric) => name,
        _ => id,
    }
}

/// What the document's `operationId`s are called, read in one walk of its paths.
pub(super) struct DeclaredIds {
    /// Every id in `snake_case`: a name without its articles must not become another's.
    pub snake: BTreeSet<String>,
    /// The function names FastAPI ids share once [`without_fastapi_suffix`] takes their paths
    /// off (a `list` in each of two routers): those are kept apart by their resource's name.
    pub shared_fastapi: BTreeSet<String>,
}

pub(super) fn declared_ids(root: &Value) -> DeclaredIds {
    let mut seen = BTreeSet::new();
    let mut ids = DeclaredIds { snake: BTreeSet::new(), shared_fastapi: BTreeSet::new() };
    for (path, item) in root.get("paths").and_then(Value::as_object).into_iter().flatten() {
        let Ok((_, item)) = resolve_object(root, "#/paths", item) else { continue };
        for method in METHODS {
            let Some(id) = item.get(*method).and_then(|op| str_field(op, "operationId")) else { continue };
            ids.snake.insert(naming::plain_snake(id));
            let name = without_fastapi_suffix(id, method, path);
            if name.len() != id.len() && !seen.insert(naming::plain_snake(name)) {
                ids.shared_fastapi.insert(naming::plain_snake(name));
            }
        }
    }
    ids
}

/// Whether an `operationId` only spells out its method and path, as Stripe's
/// `GetCustomersCustomerBankAccountsId` does for `GET /v1/customers/{customer}/bank_accounts/{id}`
/// (versions and `api` may be left out): it names nothing the path does not.
pub(super) fn echoes_path(id: &str, method: &str, path: &str) -> bool {
    let id_words = naming::words_snake(id);
    let mut all = vec![method.to_owned()];
    let mut named = vec![method.to_owned()];
    for seg in path.split('/').filter(|s| !s.is_empty()) {
        let words = naming::words_snake(seg);
        if words.is_empty() {
            continue;
        }
        if !is_location_segment(seg) {
            named.push(words.clone());
        }
        all.push(words);
    }
    id_words == all.join("_") || id_words == named.join("_")
}

/// A name for an operation the spec does not name (no `operationId`, or one that echoes the
/// path), the way hand-written SDKs name them: from the path's shape and the method.
///
/// - an item (`/customers/{id}`): `retrieve_customer`, `update_customer`, `delete_customer`;
/// - a collection (a path that an item path extends): `list_customers`, `create_customer`;
/// - a singleton (another literal with a `GET` and a write): `retrieve_customer_discount`;
/// - a `GET` of another literal: listed when plural (`list_invoices_upcoming_lines`, `list_stats`),
///   else its words (`customers_search`, `retrieve_balance`);
/// - a `POST` to another literal is an action: `verify_customer_source` for
///   `/customers/{customer}/sources/{id}/verify`, `apple_pay_sessions` for `/applePay/sessions`
///   (`None` when it is the first literal).
///
/// The resource's own words are removed later (`list`, `verify_source`). `None` when the path
/// has no literal, a segment mixes text and parameters, or two parameters end it
/// (`/timezone/{area}/{location}`), and for `HEAD`/`OPTIONS`/`TRACE`.
fn rest_operation_id(
    method: &str,
    path: &str,
    item: &Map<String, Value>,
    collections: &BTreeSet<String>,
) -> Option<String> {
    let segments = name_segments(path)?;
    let target = segments.iter().rposition(|s| matches!(s, NameSegment::Literal(_)))?;
    let NameSegment::Literal(target_words) = &segments[target] else { return None };
    let is_item = target + 1 < segments.len();
    // `/timezone/{area}/{location}`: one verb cannot tell it from `/timezone/{area}`.
    if target + 2 < segments.len() {
        return None;
    }
    // Literals before the target, singular where a parameter follows (`customers/{id}` →
    // `customer`).
    let mut context: Vec<String> = Vec::new();
    for (i, seg) in segments[..target].iter().enumerate() {
        if let NameSegment::Literal(words) = seg {
            let before_param = matches!(segments.get(i + 1), Some(NameSegment::Param));
            context.push(if before_param { singular_phrase(words) } else { words.clone() });
        }
    }
    let raw: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let literal_end = raw.iter().rposition(|s| !is_param_segment(s)).map_or(0, |i| i + 1);
    let is_collection = is_item || collections.contains(&path_shape(&raw[..literal_end]));
    let write = |m: &str| matches!(m, "post" | "put" | "patch");
    let verb_of = |method: &str| match method {
        "get" => Some("retrieve"),
        "delete" => Some("delete"),
        m if write(m) => Some("update"),
        _ => None,
    };
    let mut words: Vec<String> = Vec::new();
    if is_item {
        words.push(verb_of(method)?.to_owned());
        words.extend(context);
        words.push(singular_phrase(target_words));
    } else if is_collection {
        let (verb, noun) = match method {
            "get" => ("list", target_words.clone()),
            "post" => ("create", singular_phrase(target_words)),
            "put" | "patch" => ("update", target_words.clone()),
            "delete" => ("delete", target_words.clone()),
            _ => return None,
        };
        words.push(verb.to_owned());
        words.extend(context);
        words.push(noun);
    } else {
        let has_write = ["post", "put", "patch", "delete"].iter().any(|m| item.contains_key(*m));
        let singleton = item.contains_key("get") && has_write;
        let plural = singular_phrase(target_words) != *target_words;
        match method {
            // A plural is read as a list (`/invoices/upcoming/lines`, `/stats`), anything else
            // as what it names (`/customers/search`, or `retrieve_balance` for `/balance`).
            "get" if plural => {
                words.push("list".to_owned());
                words.extend(context);
                words.push(target_words.clone());
            }
            "get" if !singleton && !context.is_empty() => {
                words.extend(context);
                words.push(target_words.clone());
            }
            // A `POST` beside a `GET` of a plural adds to that list (`/conversations/{id}/messages`).
            "post" if plural && item.contains_key("get") => {
                words.push("create".to_owned());
                words.extend(context);
                words.push(singular_phrase(target_words));
            }
            // Any other `POST` is an action, never an update: `POST /search` beside `GET /search`
            // queries. One to the first literal keeps its method's name: the resource's name as
            // a method name (`search().search()`) says less.
            "post" if context.is_empty() => return None,
            // An action on an item is named verb first (`verify_customer_source`), one under
            // a namespace in path order (`apple_pay_sessions`).
            "post" if matches!(segments[target - 1], NameSegment::Param) => {
                words.push(target_words.clone());
                words.extend(context);
            }
            "post" => {
                words.extend(context);
                words.push(target_words.clone());
            }
            _ => {
                words.push(verb_of(method)?.to_owned());
                words.extend(context);
                words.push(target_words.clone());
            }
        }
    }
    Some(words.join("_"))
}

/// `bank_accounts` → `bank_account`: the last word made singular.
pub(super) fn singular_phrase(words: &str) -> String {
    match words.rsplit_once('_') {
        Some((head, last)) => format!("{head}_{}", naming::singular(last)),
        None => naming::singular(words),
    }
}

/// The resource of the operations that have neither a tag nor a path word of their own (AWS's
/// `/#Action=AssumeRole`).
pub(super) const UNGROUPED: &str = "operations";

/// What an operation is grouped by: its first tag, or its path's first word unless that word is
/// only the operation's own name and no other operation's path starts with it
/// (`/createDestination` of `CreateDestination`: a resource of one method named like it says
/// nothing). `None` groups it with the other operations of no resource. `shared`: the
/// [`shared_path_words`].
pub(super) fn resource_key(op: &Value, path: &str, shared: &BTreeSet<String>) -> Option<String> {
    let tag = op.get("tags").and_then(Value::as_array).and_then(|t| t.first()).and_then(Value::as_str);
    if let Some(tag) = tag {
        return Some(tag.to_owned());
    }
    let word = first_path_word(path)?;
    let own_name = !shared.contains(&word)
        && str_field(op, "operationId")
            .is_some_and(|id| naming::plain_snake(id) == naming::plain_snake(&word));
    (!own_name).then_some(word)
}

/// The first path words that more than one operation's path starts with.
pub(super) fn shared_path_words(root: &Value) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut shared = BTreeSet::new();
    for (path, item) in root.get("paths").and_then(Value::as_object).into_iter().flatten() {
        let Ok((_, item)) = resolve_object(root, "#/paths", item) else { continue };
        let Some(word) = first_path_word(path) else { continue };
        for _ in METHODS.iter().filter(|method| item.get(**method).is_some()) {
            if !seen.insert(word.clone()) {
                shared.insert(word.clone());
            }
        }
    }
    shared
}

/// How many leading words of the resources' names (snake case) only say where the API lives:
/// the words every name starts with, up to and including the last version among them
/// (`messaging_v1` of Twilio's `MessagingV1Service` and `MessagingV1PhoneNumber` tags, which
/// would otherwise read `messaging_v1_service().list_service()` for `service().list()`). None
/// when fewer than two resources or no shared version.
pub(super) fn location_prefix_len<'a>(names: impl IntoIterator<Item = &'a str>) -> usize {
    let names: BTreeSet<&str> = names.into_iter().collect();
    let names: Vec<Vec<&str>> = names.into_iter().map(|n| n.split('_').collect()).collect();
    let Some((first, rest)) = names.split_first() else { return 0 };
    if rest.is_empty() {
        return 0;
    }
    // Every name keeps at least one word.
    let shared = (0..first.len() - 1)
        .take_while(|&i| rest.iter().all(|n| n.len() > i + 1 && n[i] == first[i]))
        .count();
    (0..shared).rev().find(|&i| is_version_word(first[i])).map_or(0, |i| i + 1)
}

/// A word of a name that is a version: `v1`, `v2beta`, `v1beta1`, `20100401`, `api20100401`.
fn is_version_word(word: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    // `v`, digits, then perhaps a stage (`beta`, `alpha`) and its number.
    let after_v = word.strip_prefix('v').is_some_and(|rest| {
        let number = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
        let stage = &rest[number..];
        let letters = stage.find(|c: char| !c.is_ascii_lowercase()).unwrap_or(stage.len());
        number > 0 && stage[letters..].chars().all(|c| c.is_ascii_digit())
    });
    digits(word) || after_v || word.strip_prefix("api").is_some_and(digits)
}

/// A resource's name without the first `prefix` words (see [`location_prefix_len`]), unless
/// what is left is a keyword or a method the client has (Twilio's `Api20100401Credential`).
pub(super) fn without_location(snake: &str, prefix: usize) -> String {
    let left = snake.split('_').skip(prefix).collect::<Vec<_>>().join("_");
    let clear =
        !super::operations::CLIENT_METHODS.contains(&left.as_str()) && naming::field_name(&left) == left;
    if prefix > 0 && clear { left } else { snake.to_owned() }
}

/// Names for the operations the spec does not name (see `rest_operation_id`), by
/// `"<method> <path>"`. One that would get the same method on its resource as another operation
/// (`/api/baskets/{name}` beside `/baskets/{name}`, or a named `export` beside
/// `/users/{id}/export`) keeps the name derived from its full path instead.
/// `shared`: the [`shared_path_words`].
pub(super) fn path_operation_names(root: &Value, shared: &BTreeSet<String>) -> BTreeMap<String, String> {
    let collections = collection_prefixes(root);
    let mut named: BTreeMap<String, String> = BTreeMap::new();
    // Per resource and method name: the operations named from their paths, and whether one the
    // spec names has it too.
    let mut by_method: BTreeMap<(String, String), (Vec<String>, bool)> = BTreeMap::new();
    let mut operations = Vec::new();
    for (path, item) in root.get("paths").and_then(Value::as_object).into_iter().flatten() {
        let Ok((_, item)) = resolve_object(root, "#/paths", item) else { continue };
        let Some(item) = item.as_object() else { continue };
        operations
            .extend(METHODS.iter().filter_map(|method| Some((path, item, *method, item.get(*method)?))));
    }
    let keys: Vec<Option<String>> =
        operations.iter().map(|(path, _, _, op)| resource_key(op, path, shared)).collect();
    // Operations of no resource of their own do not keep the others from losing a prefix.
    let keyed: Vec<String> = keys.iter().flatten().map(|key| naming::plain_snake(key)).collect();
    let prefix = location_prefix_len(keyed.iter().map(String::as_str));
    let resources: Vec<String> =
        keys.iter().map(|key| naming::plain_snake(key.as_deref().unwrap_or(UNGROUPED))).collect();
    for ((path, item, method, op), resource) in operations.into_iter().zip(&resources) {
        let spec_id = str_field(op, "operationId").filter(|s| !s.trim().is_empty());
        let explicit = spec_id
            .map(|id| without_fastapi_suffix(id, method, path))
            .filter(|id| !echoes_path(id, method, path));
        let Some(name) =
            explicit.map(str::to_owned).or_else(|| rest_operation_id(method, path, item, &collections))
        else {
            continue;
        };
        let resource = without_location(resource, prefix);
        let words: Vec<&str> = resource.split('_').collect();
        let method_name = strip_words(&naming::plain_snake(&name), &words);
        let entry = by_method.entry((resource, method_name)).or_default();
        if explicit.is_some() {
            entry.1 = true;
        } else {
            let key = format!("{method} {path}");
            entry.0.push(key.clone());
            named.insert(key, name);
        }
    }
    for (keys, named_by_spec) in by_method.into_values() {
        if keys.len() > 1 || named_by_spec {
            for key in keys {
                named.remove(&key);
            }
        }
    }
    named
}

/// A path key cut where its path ends, at the first `#` or `?` outside a `{parameter}` (AWS's
/// `/#X-Amz-Target=Service.Operation` and `/?Action=Operation` tell operations of one endpoint
/// apart), and the query after a `?`, without a fragment after it.
pub(super) fn split_path_key(key: &str) -> (&str, Option<&str>) {
    let mut depth = 0usize;
    let cut = key.char_indices().find(|&(_, c)| {
        match c {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        depth == 0 && matches!(c, '#' | '?')
    });
    match cut {
        None => (key, None),
        Some((at, '?')) => (&key[..at], key[at + 1..].split('#').next()),
        Some((at, _)) => (&key[..at], None),
    }
}

/// The first path segment that names something (`/v1/customers/{id}` → `customers`), in the
/// path part of the key (see [`split_path_key`]).
fn first_path_word(path: &str) -> Option<String> {
    split_path_key(path)
        .0
        .split('/')
        .filter(|s| !s.is_empty() && !s.starts_with('{'))
        .find(|s| !is_location_segment(s))
        .map(str::to_owned)
}

/// Removes the resource's words from an operation name, its last word in either number
/// (`list_applications` and `get_application` on `application`, `create_customer` on
/// `customers`).
pub(super) fn strip_words(fn_name: &str, resource: &[&str]) -> String {
    strip_resource_words(fn_name, resource).0
}

/// [`strip_words`], and whether the words removed read as the resource does or as its singular
/// (`get_customer` on `customers`) rather than as the plural of a singular resource
/// (`get_items` on `item`): of two names that read alike without them, that one keeps the short
/// name.
pub(super) fn strip_resource_words(fn_name: &str, resource: &[&str]) -> (String, bool) {
    let words: Vec<&str> = fn_name.split('_').filter(|w| !w.is_empty()).collect();
    // The earliest occurrence, as the name's first words or right after its verb:
    // `list_account_external_accounts` on `accounts` is `list_external_accounts`, not
    // `list_account_external`, and `delete_client_role` on `roles` stays (`delete_client`
    // would name another object).
    let n = resource.len();
    if n == 0 || n >= words.len() {
        return (fn_name.to_owned(), true);
    }
    let last = naming::singular(resource[n - 1]);
    let matches = |start: usize| {
        words[start..start + n - 1] == resource[..n - 1] && naming::singular(words[start + n - 1]) == last
    };
    match (0..=(words.len() - n).min(1)).find(|&s| matches(s)) {
        // The resource right after the verb, and after it only whose it is (`save_albums_user`
        // saves the user's albums): without it, `save_user` would act on a user.
        Some(1) if words.len() == n + 2 && ["user", "me", "self"].contains(&words[n + 1]) => {
            (fn_name.to_owned(), true)
        }
        Some(start) => {
            let removed = words[start + n - 1];
            let exact = removed == resource[n - 1] || removed == last;
            (words[..start].iter().chain(&words[start + n..]).copied().collect::<Vec<_>>().join("_"), exact)
        }
        None => (fn_name.to_owned(), true),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_resource_words() {
        assert_eq!(strip_words("create_customer", &["customers"]), "create");
        assert_eq!(strip_words("list_customers", &["customers"]), "list");
        assert_eq!(strip_words("list_applications", &["application"]), "list");
        assert_eq!(strip_words("get_application", &["application"]), "get");
        assert_eq!(strip_words("create_checkout_session", &["checkout", "sessions"]), "create");
        assert_eq!(
            strip_words("retrieve_three_d_secure_result", &["three", "d", "secure"]),
            "retrieve_result"
        );
        assert_eq!(strip_words("customers", &["customers"]), "customers");
        assert_eq!(strip_words("customers_search", &["customers"]), "search");
        assert_eq!(strip_words("list_account_external_accounts", &["accounts"]), "list_external_accounts");
        assert_eq!(strip_words("delete_client_role", &["roles"]), "delete_client_role");
        assert_eq!(strip_words("save_albums_user", &["albums"]), "save_albums_user");
        assert_eq!(strip_words("get_dashboards_paginated", &["dashboards"]), "get_paginated");
        assert_eq!(strip_words("list_albums", &["albums"]), "list");
        assert_eq!(
            strip_words("proxy_card_collection", &["card", "collection", "proxy"]),
            "proxy_card_collection"
        );
    }

    #[test]
    fn derives_operation_ids_and_resources() {
        assert_eq!(derived_operation_id("get", "/pets/{petId}/toys"), "get_pets_by_pet_id_toys");
        assert_eq!(first_path_word("/v1/customers/{id}").as_deref(), Some("customers"));
        assert_eq!(first_path_word("/api/v2.1/x").as_deref(), Some("x"));
        assert_eq!(first_path_word("/{id}"), None);
        // AWS's operations of one endpoint, told apart after a `#` or `?`.
        assert_eq!(first_path_word("/#X-Amz-Target=CertificateManager.AddTagsToCertificate"), None);
        assert_eq!(first_path_word("/?Action=AssumeRole&Version=2011-06-15"), None);
        assert_eq!(first_path_word("/queues/#Action=SendMessage").as_deref(), Some("queues"));
    }

    #[test]
    fn a_path_word_that_only_names_its_operation_is_no_resource() {
        let op = |id: &str| serde_json::json!({ "operationId": id });
        let none = BTreeSet::new();
        assert_eq!(resource_key(&op("CreateDestination"), "/createDestination", &none), None);
        assert_eq!(resource_key(&op("search"), "/search", &none), None);
        assert_eq!(resource_key(&op("listPets"), "/pets", &none).as_deref(), Some("pets"));
        let tagged = serde_json::json!({ "operationId": "search", "tags": ["Search"] });
        assert_eq!(resource_key(&tagged, "/search", &none).as_deref(), Some("Search"));
        // Another operation under `/search` makes it a resource after all.
        let root = serde_json::json!({ "paths": {
            "/search": { "get": op("search"), "post": op("searchAdvanced") },
            "/users": { "get": op("users") }
        } });
        let shared = shared_path_words(&root);
        assert_eq!(shared, BTreeSet::from(["search".to_owned()]));
        assert_eq!(resource_key(&op("search"), "/search", &shared).as_deref(), Some("search"));
        assert_eq!(resource_key(&op("users"), "/users", &shared), None);
    }

    #[test]
    fn a_version_every_resource_name_starts_with_is_left_out() {
        let twilio = ["messaging_v1_service", "messaging_v1_phone_number", "messaging_v1_brand_vetting"];
        assert_eq!(location_prefix_len(twilio), 2);
        assert_eq!(without_location("messaging_v1_phone_number", 2), "phone_number");
        assert_eq!(location_prefix_len(["api20100401_account", "api20100401_call", "api20100401_call"]), 1);
        assert_eq!(location_prefix_len(["1_0_artist", "1_0_setlist"]), 2);
        assert_eq!(location_prefix_len(["v2beta_users", "v2beta_groups"]), 1);
        assert_eq!(location_prefix_len(["k8s_v1beta1_pods", "k8s_v1beta1_nodes"]), 2);
        assert_eq!(location_prefix_len(["vision_users", "vision_groups"]), 0);
        // Shared words that are not a version stay (`play_by_play` and `play_by_play_delta`).
        assert_eq!(location_prefix_len(["play_by_play", "play_by_play_delta"]), 0);
        assert_eq!(location_prefix_len(["admin_v1_users", "admin_v2_users"]), 0);
        // The whole name is never taken, nor the name of a sole resource.
        assert_eq!(location_prefix_len(["v1", "v1_users"]), 0);
        assert_eq!(location_prefix_len(["chat_v1_service"]), 0);
        assert_eq!(location_prefix_len(["chat_v1_service", "chat_v1_service"]), 0);
        // A name left a keyword or a method of the client keeps its words.
        assert_eq!(without_location("api20100401_credential", 1), "api20100401_credential");
        assert_eq!(without_location("api20100401_type", 1), "api20100401_type");
        assert_eq!(without_location("api20100401_call", 0), "api20100401_call");
    }

    #[test]
    fn recognizes_operation_ids_that_echo_the_path() {
        assert!(echoes_path(
            "GetCustomersCustomerBankAccountsId",
            "get",
            "/v1/customers/{customer}/bank_accounts/{id}"
        ));
        assert!(echoes_path("get_v1_customers", "get", "/v1/customers"));
        assert!(echoes_path("getHealth", "get", "/health"));
        assert!(!echoes_path("listCustomers", "get", "/customers"));
        assert!(!echoes_path("GetCustomer", "get", "/v1/customers/{customer}"));
    }

    #[test]
    fn takes_fastapis_path_and_method_off_its_operation_ids() {
        let cases = [
            ("read_item_items__item_id__get", "get", "/items/{item_id}", "read_item"),
            ("list_applications_api_v1_app__get", "get", "/api/v1/app/", "list_applications"),
            ("Get_generated_items_v1_history_get", "get", "/v1/history", "Get_generated_items"),
            ("read_root__get", "get", "/", "read_root"),
            // Not FastAPI's: another method, another path, or nothing before the path.
            ("read_item_items__item_id__get", "post", "/items/{item_id}", "read_item_items__item_id__get"),
            ("listItems", "get", "/items", "listItems"),
            ("_items_get", "get", "/items", "_items_get"),
        ];
        for (id, method, path, name) in cases {
            assert_eq!(without_fastapi_suffix(id, method, path), name, "{method} {path}");
        }
    }
}
