//! Which list operations page, and how: the query parameters and envelope fields that carry the
//! next page (offsets, page numbers, cursors, next-page links, `Link` headers).

use super::{EnvelopeField, IntKind, Operation, PageKind, Pagination, ParamLocation, Response, Ty, TypeKind};

pub(super) fn detect_pagination(types: &[super::TypeDef], op: &Operation) -> Option<Pagination> {
    /// Page-size parameters of cursor-paged lists.
    const LIMITS: &[&str] = &[
        "limit",
        "pageSize",
        "page_size",
        "maxResults",
        "max_results",
        "MaxResults",
        "maxItems",
        "max_items",
        "MaxItems",
        "per_page",
        "perPage",
    ];
    /// Cursor parameters that take a token the previous page returned.
    const TOKEN_PARAMS: &[&str] = &[
        "pageToken",
        "page_token",
        "cursor",
        "nextToken",
        "next_token",
        "NextToken",
        "continuationToken",
        "continuation_token",
        "marker",
        "Marker",
        "pageCursor",
        "page_cursor",
    ];
    /// Envelope fields that carry the next page's token.
    const TOKEN_FIELDS: &[&str] = &[
        "nextPageToken",
        "next_page_token",
        "nextToken",
        "next_token",
        "NextToken",
        "nextCursor",
        "next_cursor",
        "continuationToken",
        "continuation_token",
        "nextMarker",
        "next_marker",
        "NextMarker",
        "nextPageCursor",
        "next_page_cursor",
    ];
    /// Offset parameters besides `offset` (integers only: `start` is a date elsewhere).
    const OFFSETS: &[&str] = &["offset", "skip", "$skip", "start", "startAt", "startIndex", "start_index"];
    /// Page-number parameters.
    const PAGES: &[&str] = &["page", "Page", "pageNumber", "page_number"];
    /// Page-size parameters that go with an offset, besides [`LIMITS`]'.
    const OFFSET_LIMITS: &[&str] = &["$top", "top", "count", "rows", "size", "take"];
    /// Envelope fields that count the items of all pages (not `count`, which some APIs use for
    /// the page's own).
    const TOTALS: &[&str] = &[
        "total",
        "total_count",
        "totalCount",
        "TotalCount",
        "totalResults",
        "total_results",
        "totalItems",
        "total_items",
        "totalSize",
        "total_size",
        "totalElements",
        "totalRecords",
        "total_records",
        "total_entries",
        "numFound",
    ];
    /// Envelope fields that carry the next page's URL.
    const LINK_FIELDS: &[&str] = &[
        "next",
        "nextLink",
        "next_link",
        "@odata.nextLink",
        "odata.nextLink",
        "nextUrl",
        "next_url",
        "nextPageUrl",
        "next_page_url",
        "nextPageLink",
    ];
    if op.method != "GET" {
        return None;
    }
    let TypeKind::Params(params) = &types[op.params?].kind else { return None };
    // The first query parameter whose name `named` takes.
    let query_param = |named: &dyn Fn(&str) -> bool| {
        params
            .fields
            .iter()
            .find(|f| matches!(f.location, ParamLocation::Query(_)) && named(&f.json_name))
            .map(|f| f.json_name.clone())
    };
    let find = |names: &[&str]| query_param(&|name| names.contains(&name));
    // The page size, by any case of its name (Twilio's `PageSize`).
    let limit = || query_param(&|name| LIMITS.iter().any(|limit| limit.eq_ignore_ascii_case(name)));
    // The integer query parameter with one of these names.
    let int = |names: &[&str]| {
        params.fields.iter().find(|f| {
            matches!(f.location, ParamLocation::Query(_))
                && names.contains(&f.json_name.as_str())
                && matches!(super::resolved(&f.ty, types), Ty::Int(_))
        })
    };
    // A page number the server counts from a known first page: without one, the page after the
    // first could be 1 or 2.
    let page_number = || {
        let f = int(PAGES)?;
        Some((f.json_name.clone(), first_page(f)?))
    };
    // An offset and a page size, both integers.
    let offset = || {
        let limit = int(LIMITS).or_else(|| int(OFFSET_LIMITS))?;
        let offset = int(OFFSETS)?;
        // Counted from 1 (Europeana's `start`), the walk's offsets would be one off.
        if offset.default.as_deref().is_some_and(|default| default != "0") {
            return None;
        }
        // `start` beside `end` is one bound of a range (Mist's epoch seconds), not an offset.
        let range = ["end", "stop", "to", "until", "end_time", "endTime", "finish"];
        if offset.json_name == "start" && params.fields.iter().any(|f| range.contains(&f.json_name.as_str()))
        {
            return None;
        }
        Some((limit.json_name.clone(), offset.json_name.clone()))
    };
    // A `Link` header pages a list that takes a paging parameter (GitHub's `per_page`, `page`,
    // `since`); one declared beside nothing of the kind is for something else (`describedby`).
    let link_header = op.link_header
        && (limit().is_some()
            || find(TOKEN_PARAMS).is_some()
            || find(OFFSETS).is_some()
            || find(PAGES).is_some()
            || find(&["since", "after", "before"]).is_some());
    let Response::Json(response) = &op.response else { return None };
    if let Ty::Vec(item) = super::resolved(response, types) {
        let kind = if link_header {
            PageKind::LinkHeader { limit_param: limit() }
        } else if let Some((limit_param, offset_param)) = offset() {
            PageKind::Offset { limit_param, offset_param, has_more: None, total: None }
        } else {
            let (page_param, first) = page_number()?;
            PageKind::PageNumber { limit_param: limit(), page_param, first, has_more: None }
        };
        return Some(Pagination { envelope: None, item: (**item).clone(), kind });
    }
    let Ty::Named(envelope) = response else { return None };
    let TypeKind::Struct(_) = &types[*envelope].kind else { return None };
    let typed = |t: &Ty| super::resolved(t, types).clone();
    // The item array, of the envelope or else of an object it wraps them in (HAL's
    // `_embedded.items`, or the envelope's only field: Spotify's `{"albums": {"items": …}}`),
    // and that object.
    let sole_field = plain_fields(types, *envelope).count() == 1;
    let (items, wrapper): (Vec<&super::Field>, _) = match item_array(types, *envelope) {
        Some(items) => (vec![items], None),
        None => plain_fields(types, *envelope)
            .filter(|f| sole_field || WRAPPERS.contains(&f.json_name.as_str()))
            .find_map(|wrapper| {
                let Ty::Named(inner) = typed(&wrapper.ty) else { return None };
                let items = item_array(types, inner)?;
                // A sole field of another name is a page only if its array is named like items
                // (not an order's `line_items`).
                let named = ITEM_ARRAYS.contains(&items.json_name.as_str());
                (named || WRAPPERS.contains(&wrapper.json_name.as_str()))
                    .then(|| (vec![wrapper, items], Some((wrapper, inner))))
            })?,
    };
    let Ty::Vec(item) = typed(&items.last()?.ty) else { return None };
    // Flags, tokens, links and totals sit beside the items' wrapper or else inside it, beside
    // the items (`{"result": {"rows": [...], "total": 40}}`).
    let search = |leaf: &dyn Fn(&Ty) -> bool, accept: &dyn Fn(&[&str]) -> bool| {
        field_path(types, *envelope, leaf, accept).or_else(|| {
            let (wrapper, inner) = wrapper?;
            let path = field_path(types, inner, leaf, accept)?;
            Some(std::iter::once(EnvelopeField::of(wrapper)).chain(path).collect())
        })
    };
    let has_more = search(&|ty| *ty == Ty::Bool, &|names| names == ["has_more"]);
    // The count of all items across pages, for offset walks.
    let total = || {
        search(&|ty| matches!(ty, Ty::Int(k) if *k != IntKind::U64), &|names| {
            TOTALS.contains(&names[names.len() - 1])
        })
    };
    let kind = if let (Some(limit_param), Some(offset_param), Some(has_more)) =
        (find(&["limit"]), find(&["offset"]), has_more.clone())
    {
        PageKind::Offset { limit_param, offset_param, has_more: Some(has_more), total: total() }
    } else if let (Some(cursor_param), Some(has_more), Some(id)) =
        (find(&["starting_after"]), has_more.clone(), item_id(types, &item))
    {
        PageKind::AfterLastId { limit_param: limit(), cursor_param, has_more, id }
    } else if let Some((cursor_param, token)) = find(TOKEN_PARAMS).and_then(|cursor_param| {
        let token = search(&|ty| *ty == Ty::String, &|names| {
            let last = names[names.len() - 1];
            TOKEN_FIELDS.contains(&last) || last == cursor_param
        })?;
        Some((cursor_param, token))
    }) {
        PageKind::Token { limit_param: limit(), cursor_param, token }
    } else if let Some(link) = search(&|ty| *ty == Ty::String, &|names| {
        let last = names[names.len() - 1];
        // A field named like a query parameter (`next` for `?next=`) holds that parameter's value.
        let is_param = params.fields.iter().any(|f| f.json_name == last);
        let link = LINK_FIELDS.contains(&last)
            || (last == "href" && names.len() > 1 && names[names.len() - 2] == "next");
        link && !is_param
    }) {
        PageKind::NextLink { limit_param: limit(), cursor_param: find(TOKEN_PARAMS), link }
    } else if link_header {
        PageKind::LinkHeader { limit_param: limit() }
    } else if let Some((limit_param, offset_param)) = offset() {
        PageKind::Offset { limit_param, offset_param, has_more, total: total() }
    } else {
        let (page_param, first) = page_number()?;
        PageKind::PageNumber { limit_param: limit(), page_param, first, has_more }
    };
    let items = items.into_iter().map(EnvelopeField::of).collect();
    Some(Pagination { envelope: Some((*envelope, items)), item: (*item).clone(), kind })
}

/// The first page of a page-number parameter: its declared default; 1 when that is the smallest
/// it allows (0 as the smallest is often only a loose bound); or what its description says
/// (`(default: 1)`, `Defaults to 1`, `1-based`, `starting at 0`).
fn first_page(f: &super::Field) -> Option<u64> {
    if let Some(default) = &f.default {
        return default.parse().ok();
    }
    if f.minimum == Some(1) {
        return Some(1);
    }
    let doc = f.doc.as_deref()?.to_ascii_lowercase();
    let words: Vec<&str> =
        doc.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-')).filter(|w| !w.is_empty()).collect();
    let number = |w: &str| match w {
        "0" => Some(0),
        "1" => Some(1),
        _ => None,
    };
    words.iter().enumerate().find_map(|(i, w)| {
        if let Some((n, "based" | "indexed")) = w.split_once('-') {
            return number(n).or(match n {
                "zero" => Some(0),
                "one" => Some(1),
                _ => None,
            });
        }
        let leads = ["default", "defaults", "starting", "starts", "start", "beginning", "begins", "first"];
        if !leads.contains(w) {
            return None;
        }
        let filler = ["to", "is", "at", "from", "with", "value", "page", "of", "number"];
        let next = words[i + 1..].iter().take(4).find(|w| !filler.contains(w))?;
        number(next)
    })
}

/// Objects of an envelope that hold its paging fields (`links.next`, `meta.next_cursor`).
const CONTAINERS: &[&str] = &[
    "links",
    "_links",
    "meta",
    "_meta",
    "metadata",
    "_metadata",
    "response_metadata",
    "pagination",
    "paging",
    "page_info",
    "pageInfo",
    "cursors",
    "next",
];

/// What a list envelope's item array is called, most often.
const ITEM_ARRAYS: &[&str] = &["data", "items", "results"];

/// The field of a list envelope that holds its items: the array called `data`, `items` or
/// `results`, or else the only array.
fn item_array(types: &[super::TypeDef], envelope: super::TypeId) -> Option<&super::Field> {
    let arrays: Vec<&super::Field> = plain_fields(types, envelope)
        .filter(|f| matches!(super::resolved(&f.ty, types), Ty::Vec(_)))
        .collect();
    let named = arrays.iter().find(|f| ITEM_ARRAYS.contains(&f.json_name.as_str()));
    named.or_else(|| if arrays.len() == 1 { arrays.first() } else { None }).copied()
}

/// The fields of a struct that read as `T` or `Option<T>`: not a request type's optional nullable
/// ones, which are `Option<Nullable<T>>` (there, absent and `null` differ). Only those can be on
/// the path to a page's items, flag, token or total.
fn plain_fields(types: &[super::TypeDef], owner: super::TypeId) -> impl Iterator<Item = &super::Field> {
    let def = &types[owner];
    let fields = match &def.kind {
        TypeKind::Struct(s) => s.fields.as_slice(),
        _ => &[],
    };
    fields.iter().filter(move |f| !(def.in_request && !f.required && f.nullable))
}

/// Objects a list envelope may hold its item array in (HAL's `_embedded`, `{"data": {"items": …}}`).
const WRAPPERS: &[&str] = &["_embedded", "embedded", "data", "result", "response", "body", "payload"];

/// The shallowest field of `envelope`, or of its [`CONTAINERS`] at most two deep, of a type
/// `leaf` takes and whose JSON name `accept` takes (given the names of the containers on the
/// way, then its own), as the fields leading to it. A field that reads `null` and absent
/// differently (request types' optional nullable ones) is never on the path.
fn field_path(
    types: &[super::TypeDef],
    envelope: super::TypeId,
    leaf: &dyn Fn(&Ty) -> bool,
    accept: &dyn Fn(&[&str]) -> bool,
) -> Option<Vec<EnvelopeField>> {
    let mut level: Vec<(super::TypeId, Vec<&super::Field>)> = vec![(envelope, Vec::new())];
    for _ in 0..3 {
        let mut next = Vec::new();
        for (owner, path) in level {
            for f in plain_fields(types, owner) {
                let mut path = path.clone();
                path.push(f);
                match super::resolved(&f.ty, types) {
                    Ty::Named(id) if CONTAINERS.contains(&f.json_name.as_str()) => next.push((*id, path)),
                    ty if leaf(ty) => {
                        let names: Vec<&str> = path.iter().map(|f| f.json_name.as_str()).collect();
                        if accept(&names) {
                            return Some(path.into_iter().map(EnvelopeField::of).collect());
                        }
                    }
                    _ => {}
                }
            }
        }
        level = next;
    }
    None
}

/// An item's `id` field, when the item is an object with a string `id`.
fn item_id(types: &[super::TypeDef], item: &Ty) -> Option<EnvelopeField> {
    let Ty::Named(id) = super::resolved(item, types) else { return None };
    let f = plain_fields(types, *id)
        .find(|f| f.json_name == "id" && *super::resolved(&f.ty, types) == Ty::String)?;
    Some(EnvelopeField::of(f))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Field, ParamStyle};

    #[test]
    fn first_pages_come_from_the_default_the_minimum_or_the_description() {
        let page = |default: Option<&str>, minimum: Option<i64>, doc: Option<&str>| {
            first_page(&Field {
                json_name: "page".into(),
                rust_name: "page".into(),
                setter: "page".into(),
                ty: Ty::Int(IntKind::I64),
                required: false,
                nullable: false,
                read_only: false,
                write_only: false,
                doc: doc.map(str::to_owned),
                deprecated: false,
                default: default.map(str::to_owned),
                minimum,
                example: None,
                sent_default: None,
                boxed: false,
                location: ParamLocation::Query(ParamStyle::FORM),
            })
        };
        assert_eq!(page(Some("0"), Some(1), Some("1-based")), Some(0));
        assert_eq!(page(Some("\"1\""), None, None), None);
        assert_eq!(page(None, Some(1), None), Some(1));
        assert_eq!(page(None, Some(0), None), None);
        assert_eq!(page(None, None, None), None);
        for (doc, first) in [
            ("page number of results to return (1-based)", Some(1)),
            ("Zero-based page index.", Some(0)),
            ("Promotions' list page (default: 1).", Some(1)),
            ("The current page to fetch results from. Defaults to 1", Some(1)),
            ("Page to return, starting at page 0", Some(0)),
            ("The first page is 1.", Some(1)),
            ("Defaults to 10 items a page.", None),
            ("The default page size is 1 item.", None),
            ("A page number within the paginated result set.", None),
        ] {
            assert_eq!(page(None, None, Some(doc)), first, "{doc}");
        }
    }
}
