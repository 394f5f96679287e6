//! The operation ids of the spec, read with a line scan (the crate has no YAML dependency).

/// The `operationId`s under the top-level `paths:` key, in spec order. Webhooks (`x-webhooks:`)
/// describe requests Atlas sends, not operations of the client, and are skipped.
pub fn operation_ids(spec: &str) -> Vec<String> {
    let mut in_paths = false;
    let mut ids = Vec::new();
    for line in spec.lines() {
        let top_level = line.starts_with(|c: char| !c.is_whitespace() && c != '#');
        if top_level {
            in_paths = line.trim_end() == "paths:";
            continue;
        }
        if !in_paths {
            continue;
        }
        if let Some(value) = line.trim_start().strip_prefix("operationId:") {
            let value = value.split(" #").next().unwrap_or_default().trim();
            ids.push(value.trim_matches(|c| c == '\'' || c == '"').to_owned());
        }
    }
    ids
}

#[test]
fn scans_only_operations_under_paths() {
    let spec = "openapi: '3.0.3'\n\
                paths:\n  /a:\n    get:\n      operationId: getA\n    post:\n      operationId: 'createA' # c\n\
                # a comment\n  /b:\n    delete:\n      operationId: \"deleteB\"\n\
                components:\n  x:\n    operationId: notAnOperation\n\
                x-webhooks:\n  event:\n    post:\n      operationId: receiveEvent\n";
    assert_eq!(operation_ids(spec), ["getA", "createA", "deleteB"]);
}
