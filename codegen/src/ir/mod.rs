//! The resolved model of an API: named types and operations grouped into resources.
//!
//! Everything here is already decided: names are unique Rust identifiers, `$ref`s are resolved
//! to type ids, recursion is broken with boxes. The emitters only translate it into tokens.

mod operation_names;
mod operations;
mod pagination;
mod schema;
mod security;

use serde_json::Value;

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::Spec;

pub use operations::build;
pub use schema::each_named;

/// Index into [`Api::types`].
pub type TypeId = usize;

/// The whole API.
#[derive(Debug, Clone)]
pub struct Api {
    pub title: String,
    pub description: Option<String>,
    pub version: String,
    pub base_url: String,
    pub types: Vec<TypeDef>,
    pub resources: Vec<Resource>,
    pub security_schemes: Vec<SecurityScheme>,
    /// The scheme `Client::new` takes a credential for.
    pub primary_scheme: Option<usize>,
    pub idempotency_header: Option<String>,
    /// The type of webhook events, when the config names one.
    pub webhook_event: Option<TypeId>,
    /// Examples of the description with the type they should decode into.
    pub examples: Vec<Example>,
    pub warnings: Vec<Diagnostic>,
}

impl Api {
    /// Every operation, resource by resource.
    pub fn operations(&self) -> impl Iterator<Item = &Operation> {
        self.resources.iter().flat_map(|r| &r.operations)
    }
}

/// An example value from the spec and the type it is an example of.
#[derive(Debug, Clone)]
pub struct Example {
    /// Where the example is written.
    pub pointer: String,
    pub ty: Ty,
    /// Compact JSON text.
    pub json: String,
}

/// A Rust type as used at one place (a field, a parameter, a body).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Ty {
    Bool,
    Int(IntKind),
    F64,
    String,
    /// `format: binary`: raw bytes (`runtime::Binary`): a string in JSON, a file part in
    /// multipart bodies.
    Binary,
    DateTime,
    Date,
    Uuid,
    /// Integer seconds since the Unix epoch (`format: unix-time`).
    UnixTime,
    /// Anything (`serde_json::Value`).
    Any,
    /// A free-form JSON object.
    Object,
    Vec(Box<Ty>),
    Map(Box<Ty>),
    /// `Option<T>` inside a collection (`items: {nullable: true}`); fields carry nullability in
    /// [`Field::nullable`] instead.
    Nullable(Box<Ty>),
    Named(TypeId),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IntKind {
    I8,
    I16,
    I32,
    I64,
    I128,
    U8,
    U16,
    U32,
    U64,
    U128,
}

impl IntKind {
    /// The Rust primitive's name.
    pub fn rust_name(self) -> &'static str {
        match self {
            IntKind::I8 => "i8",
            IntKind::I16 => "i16",
            IntKind::I32 => "i32",
            IntKind::I64 => "i64",
            IntKind::I128 => "i128",
            IntKind::U8 => "u8",
            IntKind::U16 => "u16",
            IntKind::U32 => "u32",
            IntKind::U64 => "u64",
            IntKind::U128 => "u128",
        }
    }
}

/// A type use with its nullability (`null` allowed as a value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TyUse {
    pub ty: Ty,
    pub nullable: bool,
}

impl TyUse {
    pub fn new(ty: Ty) -> Self {
        TyUse { ty, nullable: false }
    }
    pub fn nullable(mut self, nullable: bool) -> Self {
        self.nullable |= nullable;
        self
    }
}

/// A named type of the generated `types` module.
#[derive(Debug, Clone)]
pub struct TypeDef {
    pub name: String,
    /// Where it was defined in the spec.
    pub pointer: String,
    pub doc: Option<String>,
    pub kind: TypeKind,
    /// Reachable from a request body or parameters: gets a constructor and setters, and can
    /// express "set to null" for optional nullable fields.
    pub in_request: bool,
    /// Reachable from a success response.
    pub in_response: bool,
    /// Reachable from a variant of an untagged union (decoded as the first variant that
    /// reads): its times are read as RFC 3339 only, so that lenient reading does not change
    /// which variant a value is.
    pub in_untagged: bool,
    pub deprecated: bool,
    /// Resources (indices into `Api::resources`) whose operations use this type; the type is
    /// compiled only with one of their features. Empty: always compiled.
    pub features: Vec<usize>,
}

#[derive(Debug, Clone)]
pub enum TypeKind {
    /// Filled in later (only while building).
    Pending,
    Struct(Struct),
    /// An open string enum with an `Unknown(String)` fallback.
    Enum(StringEnum),
    Union(Union),
    /// `pub type Name = Ty;`
    Alias(Ty),
    /// `pub struct Name(pub Ty);` (an alias that would otherwise be recursive).
    Newtype(Ty),
    /// An operation's query/header/cookie parameters (not serialized with serde).
    Params(Struct),
    /// An operation's success responses when they differ by status: one variant per status.
    Responses(Vec<StatusVariant>),
}

#[derive(Debug, Clone)]
pub struct StatusVariant {
    pub name: String,
    /// `200`, `2XX` or `default`.
    pub status: String,
    pub body: Response,
}

#[derive(Debug, Clone, Default)]
pub struct Struct {
    pub fields: Vec<Field>,
    pub additional: Additional,
    /// Indices of the required fields in the order the spec lists them (`required` is an array,
    /// so this order is meaningful): the arguments of `new(…)`.
    pub constructor: Vec<usize>,
}

/// What a struct does with properties it does not declare.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Additional {
    /// Dropped (`additionalProperties: false`).
    #[default]
    Deny,
    /// Kept as JSON values so a read-modify-write loses nothing.
    Keep { field: String },
    /// Kept with a declared value type.
    Typed { field: String, ty: Ty },
}

impl Additional {
    /// The Rust name of the field that keeps them, unless they are dropped.
    pub fn field(&self) -> Option<&str> {
        match self {
            Additional::Deny => None,
            Additional::Keep { field } | Additional::Typed { field, .. } => Some(field),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Field {
    /// The name in JSON (or the parameter name).
    pub json_name: String,
    pub rust_name: String,
    /// The setter's name (differs from the field where the field name is a std method name).
    pub setter: String,
    pub ty: Ty,
    pub required: bool,
    pub nullable: bool,
    pub read_only: bool,
    pub write_only: bool,
    pub doc: Option<String>,
    pub deprecated: bool,
    /// The declared default, as JSON text (for docs).
    pub default: Option<String>,
    /// A required parameter's declared scalar default, as sent: the field is optional, and
    /// the default goes when it is unset (Azure's `api-version`, a required `page`).
    pub sent_default: Option<String>,
    /// The smallest integer the schema allows (`minimum`, raised by an exclusive one).
    pub minimum: Option<i64>,
    /// A scalar example the description gives (`"cus_9s6XKzkNRiz8i3"`, `2000`), for usage
    /// examples.
    pub example: Option<Value>,
    /// Heap-allocated to break a recursive type.
    pub boxed: bool,
    /// Only for parameters: where it goes.
    pub location: ParamLocation,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamLocation {
    /// A JSON object property.
    Body,
    Query(ParamStyle),
    Header,
    Cookie,
}

impl ParamLocation {
    /// The `RequestSpec` method that sends a parameter's value there (`query` for a query one
    /// in its plain style), and the word docs use for the location.
    pub fn function(self) -> &'static str {
        match self {
            ParamLocation::Query(_) | ParamLocation::Body => "query",
            ParamLocation::Header => "header",
            ParamLocation::Cookie => "cookie",
        }
    }
}

/// How a query or path parameter writes arrays and objects: OpenAPI's `style` and `explode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParamStyle {
    pub kind: StyleKind,
    pub explode: bool,
}

impl ParamStyle {
    /// Query parameters' default: `form`, exploded (`id=3&id=4`).
    pub const FORM: Self = Self { kind: StyleKind::Form, explode: true };
    /// Path parameters' default: `simple`, not exploded (`3,4`).
    pub const SIMPLE: Self = Self { kind: StyleKind::Simple, explode: false };
}

/// OpenAPI's parameter styles, plus `Json` for a parameter declared by `content` with a JSON
/// media type. Named as the runtime's `ParamStyle` variants are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StyleKind {
    Form,
    SpaceDelimited,
    PipeDelimited,
    DeepObject,
    Simple,
    Label,
    Matrix,
    Json,
}

impl StyleKind {
    /// The runtime's `ParamStyle` variant.
    pub fn variant(self) -> &'static str {
        match self {
            Self::Form => "Form",
            Self::SpaceDelimited => "SpaceDelimited",
            Self::PipeDelimited => "PipeDelimited",
            Self::DeepObject => "DeepObject",
            Self::Simple => "Simple",
            Self::Label => "Label",
            Self::Matrix => "Matrix",
            Self::Json => "Json",
        }
    }
}

#[derive(Debug, Clone)]
pub struct StringEnum {
    pub variants: Vec<EnumVariant>,
    /// Name of the `Unknown(String)` variant.
    pub fallback: String,
}

#[derive(Debug, Clone)]
pub struct EnumVariant {
    pub name: String,
    pub value: String,
}

#[derive(Debug, Clone)]
pub struct Union {
    pub variants: Vec<UnionVariant>,
    /// The discriminator property; `None` for untagged unions.
    pub tag: Option<String>,
    /// Name of the fallback variant of tagged unions (holds unknown payloads).
    pub fallback: String,
}

impl Union {
    /// An untagged union of objects each of which requires a property no other variant declares
    /// (all but at most one): decoded by which of those is present, not by trying each variant.
    pub fn by_presence(&self) -> bool {
        self.variants.iter().any(|v| v.presence.is_some())
    }
}

#[derive(Debug, Clone)]
pub struct UnionVariant {
    pub name: String,
    pub ty: Ty,
    pub boxed: bool,
    /// Discriminator values that select this variant.
    pub tags: Vec<String>,
    /// In an untagged union decoded by which properties are present ([`Union::by_presence`]):
    /// the property whose presence selects this variant; `None` for the one variant chosen
    /// when no other's is present.
    pub presence: Option<String>,
}

/// The generated crate's runtime features: its TLS backends, under reqwest's names (the first
/// on by default), and `blocking` (calls from synchronous code). The one list both resource
/// features (which must not take these names) and the manifest's `[features]`
/// (`emit::RUNTIME_FEATURES`) are written from.
pub const RUNTIME_FEATURES: [&str; 3] = ["rustls", "native-tls", "blocking"];

/// One accessor on the client (`client.customers()`), holding the operations of one tag.
#[derive(Debug, Clone)]
pub struct Resource {
    /// Accessor and module name (`checkout_sessions`).
    pub name: String,
    /// Struct name (`CheckoutSessions`).
    pub type_name: String,
    /// The cargo feature that enables it (on by default); never one of [`RUNTIME_FEATURES`].
    pub feature: String,
    pub doc: Option<String>,
    pub operations: Vec<Operation>,
    /// The operations with no resource of their own (no tag or path word): their methods are the
    /// client's (`client.assume_role()`), with no accessor.
    pub flat: bool,
}

impl Resource {
    /// How a call of one of its methods reads after `client.`: `customers().create`, or
    /// `assume_role` for a flat resource's. `method` as the caller wants it written (with or
    /// without `r#`).
    pub fn call(&self, method: &str) -> String {
        if self.flat { method.to_owned() } else { format!("{}().{method}", self.name) }
    }
}

/// How the server recognises a repeated request of an operation, which makes it safe to retry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Idempotency {
    /// It does not: a POST or PATCH is retried only when it certainly did not reach the server.
    None,
    /// By the client's idempotency header: the operation declares it, or no operation does and
    /// the config names it (an API that takes it everywhere, as Stripe's).
    Header,
    /// By a body field named like the header (`idempotency_key`: Atlas's bank transfers,
    /// Square's creates), a non-nullable string, filled with a generated key when optional and
    /// left out.
    BodyField { rust_name: String, json_name: String, required: bool },
    /// By a value of the caller's in a body field the operation's `x-idempotency-field` names
    /// (Atlas's sessions by `external_id`, an order id): safe to retry when the body sets it.
    /// Nothing is filled in.
    CallerBodyField { json_name: String },
}

#[derive(Debug, Clone)]
pub struct Operation {
    /// `GET`, `POST`, …
    pub method: String,
    /// The path template as written (`/customers/{customer_id}`).
    pub path: String,
    /// The method's name: while the IR is built, the operation's name before the resource's
    /// words are removed (unique within the resource only once they are).
    pub fn_name: String,
    /// The spec's `operationId`, or the name derived for an operation without one.
    pub operation_id: String,
    pub summary: Option<String>,
    pub doc: Option<String>,
    pub deprecated: bool,
    pub path_params: Vec<PathParam>,
    /// The path a request goes to: the template without what follows a `?` or `#` in it, a
    /// parameter that allows one value written in as text.
    pub segments: Vec<PathSegment>,
    /// Values sent with every request that the caller does not give (see [`FixedParam`]).
    pub fixed: Vec<FixedParam>,
    /// The generated parameters struct (query, header and cookie parameters).
    pub params: Option<TypeId>,
    pub body: Option<Body>,
    pub response: Response,
    /// Declared non-success responses: status (`404`, `4XX`, `default`) and body type.
    pub errors: Vec<(String, Option<Ty>)>,
    /// Alternatives of scheme sets (indices into `Api::security_schemes`); an empty set means
    /// no credentials are needed.
    pub security: Vec<Vec<usize>>,
    /// The OAuth scopes (or other roles) its security requirements list, each once, in order.
    pub scopes: Vec<String>,
    /// Whether a success response declares a `Link` header (RFC 8288: GitHub's next page).
    pub link_header: bool,
    /// Whether the success response also comes as a stream, which a twin operation (the same
    /// method and path, its response a [`Response::Stream`]) asks for.
    pub has_stream_twin: bool,
    /// How the server deduplicates this operation, if it does.
    pub idempotency: Idempotency,
    pub pagination: Option<Pagination>,
}

/// A value an operation sends with every request, so the caller never gives it: a query pair
/// of the path template (`/rest?method=flickr.photos.search`; pairs of a `{parameter}` are left
/// to its declaration), or a required parameter whose schema allows one value (AWS's
/// `X-Amz-Target` header and `Action` and `Version` queries, a one-value `api-version`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixedParam {
    /// Query, header or cookie.
    pub location: ParamLocation,
    pub name: String,
    /// As sent: a string as it is, a number or boolean as JSON writes it.
    pub value: String,
}

#[derive(Debug, Clone)]
pub struct PathParam {
    pub json_name: String,
    pub rust_name: String,
    pub ty: Ty,
    pub doc: Option<String>,
    pub style: ParamStyle,
    /// A scalar example the description gives, for usage examples.
    pub example: Option<Value>,
}

#[derive(Debug, Clone)]
pub enum PathSegment {
    Literal(String),
    /// Index into `path_params`.
    Param(usize),
}

#[derive(Debug, Clone)]
pub struct Body {
    pub ty: Ty,
    pub encoding: BodyEncoding,
    /// The media type sent as `Content-Type`.
    pub content_type: String,
    /// `requestBody.required` as declared: unless `true` (OpenAPI's default is `false`), the
    /// request may go without one.
    pub required: Option<bool>,
    /// A form body's properties whose lists of values are written with indices (`deepObject`)
    /// and joined by commas (`form` without `explode`), by their `encoding`; others repeat
    /// their name, OpenAPI's default.
    pub form_indexed: Vec<String>,
    pub form_joined: Vec<String>,
    /// The example the description gives of a whole body (its media type's, or else its
    /// schema's), for usage examples.
    pub example: Option<Value>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyEncoding {
    Json,
    /// JSON Lines (`application/x-ndjson`): a list, one item per line (Otoroshi's bulk
    /// operations).
    JsonLines,
    Form,
    Multipart,
    Bytes,
    Text,
}

/// What a successful call returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Response {
    /// No body (204, or no content declared).
    Empty,
    Json(Ty),
    Text,
    Bytes,
    /// Different bodies per status: the `Responses` type with that id.
    ByStatus(TypeId),
    /// Items streamed as they arrive: Server-Sent Events or JSON Lines.
    Stream(StreamBody),
}

/// A streamed response: how it is framed, and what each frame holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamBody {
    pub framing: StreamFraming,
    /// The media type the description names (`application/x-ndjson`), asked for in `Accept`.
    pub media: String,
    /// The type of an item; `None` for events handed over as they are (an event stream whose
    /// schema is a string, or that has none).
    pub item: Option<Ty>,
    /// The item's type describes the whole event, its `event` name beside its `data` (OpenAI's
    /// assistant stream events), not the data alone.
    pub whole_event: bool,
    /// With `whole_event`: the event's `data` is a string in the item's type, so it is kept as
    /// text rather than read as JSON (OpenAPI 3.2's `itemSchema` with `contentMediaType`).
    pub text_data: bool,
    /// The JSON name of a boolean property of the request body that asks for the stream
    /// (OpenAI's `stream`): `true` with every call, and `false` from the JSON twin's.
    pub flag: Option<String>,
}

/// How a streamed response is cut into items (the runtime's `Framing`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamFraming {
    /// `text/event-stream`.
    ServerSentEvents,
    /// `application/x-ndjson`, `application/jsonl` and the like: one JSON document per line.
    JsonLines,
    /// `application/json-seq` (RFC 7464).
    JsonSeq,
}

/// A media type without its parameters, in lower case (`application/json; charset=utf-8` is
/// `application/json`).
pub(crate) fn media_essence(media: &str) -> String {
    media.split(';').next().unwrap_or("").trim().to_ascii_lowercase()
}

impl StreamFraming {
    /// The framing a media type names, if it is a streamed one.
    pub fn of_media(media: &str) -> Option<Self> {
        match media_essence(media).as_str() {
            "text/event-stream" => Some(Self::ServerSentEvents),
            "application/json-seq" => Some(Self::JsonSeq),
            "application/x-ndjson"
            | "application/ndjson"
            | "application/jsonl"
            | "application/x-jsonl"
            | "application/jsonlines"
            | "application/x-jsonlines"
            | "application/json-lines"
            | "application/x-json-stream"
            | "application/stream+json" => Some(Self::JsonLines),
            _ => None,
        }
    }
}

/// A list operation that pages: it returns an envelope with an item array, and says in its
/// query which page it wants.
#[derive(Debug, Clone)]
pub struct Pagination {
    /// The envelope struct and the fields down to its item array (one, or a wrapper object's
    /// and its array's); `None` when the response is a bare array.
    pub envelope: Option<(TypeId, Vec<EnvelopeField>)>,
    pub item: Ty,
    pub kind: PageKind,
}

/// A field of a list envelope, by its Rust name; `optional` when it is an `Option`.
#[derive(Debug, Clone)]
pub struct EnvelopeField {
    pub name: String,
    pub optional: bool,
}

impl EnvelopeField {
    /// A struct field, `optional` as its Rust type is.
    pub fn of(f: &Field) -> Self {
        Self { name: f.rust_name.clone(), optional: !f.required || f.nullable }
    }
}

#[derive(Debug, Clone)]
pub enum PageKind {
    /// `limit`/`offset` query parameters (`$top`/`$skip`, `maxResults`/`startAt`...), with the
    /// envelope's `has_more` flag if it has one (without, a page with items may have more after
    /// it) and its count of all items if it has one (each the path of fields down to it).
    Offset {
        limit_param: String,
        offset_param: String,
        has_more: Option<Vec<EnvelopeField>>,
        total: Option<Vec<EnvelopeField>>,
    },
    /// Stripe's: a cursor parameter (`starting_after`) set to the last item's `id` while
    /// `has_more`.
    AfterLastId {
        limit_param: Option<String>,
        cursor_param: String,
        has_more: Vec<EnvelopeField>,
        id: EnvelopeField,
    },
    /// A cursor parameter (`pageToken`) set to a token the envelope carries (`nextPageToken`,
    /// Slack's `response_metadata.next_cursor`): the path of fields down to it.
    Token { limit_param: Option<String>, cursor_param: String, token: Vec<EnvelopeField> },
    /// The next page's URL, which the envelope carries (Azure's `nextLink`, Django REST
    /// framework's `next`, HAL's `_links.next.href`): the path of fields down to it. A token
    /// there instead of a URL goes into `cursor_param`, if the operation has one.
    NextLink { limit_param: Option<String>, cursor_param: Option<String>, link: Vec<EnvelopeField> },
    /// The next page's URL in the response's `Link` header (`rel="next"`, GitHub's).
    LinkHeader { limit_param: Option<String> },
    /// A page-number parameter counted up from its declared default (`first`), with the
    /// envelope's `has_more` if it has one.
    PageNumber {
        limit_param: Option<String>,
        page_param: String,
        first: u64,
        has_more: Option<Vec<EnvelopeField>>,
    },
}

impl PageKind {
    /// What a page is found by where that is its position in the list ("offset", "page
    /// number"), which items created or deleted during a walk shift; `None` for cursors and
    /// links, which do not shift.
    pub fn position(&self) -> Option<&'static str> {
        match self {
            PageKind::Offset { .. } => Some("offset"),
            PageKind::PageNumber { .. } => Some("page number"),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct SecurityScheme {
    /// Name in `components/securitySchemes`.
    pub name: String,
    /// Constant name in generated code (`SECRET_KEY`).
    pub const_name: String,
    /// Builder method name (`secret_key`).
    pub method_name: String,
    pub kind: SchemeKind,
    /// An OAuth 2 or OpenID Connect scheme (sent as a bearer token): its credential is an access
    /// token, not an API key.
    pub oauth: bool,
    pub doc: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemeKind {
    Bearer,
    Basic,
    /// Another HTTP scheme (`Authorization: <scheme> <credential>`); its name is a valid token.
    Http {
        scheme: String,
    },
    ApiKey {
        location: ParamLocation,
        name: String,
    },
}

/// Follows aliases to the type they stand for.
pub fn resolved<'a>(t: &'a Ty, types: &'a [TypeDef]) -> &'a Ty {
    let mut current = t;
    for _ in 0..types.len() + 1 {
        match current {
            Ty::Named(id) => match &types[*id].kind {
                TypeKind::Alias(inner) => current = inner,
                _ => return current,
            },
            _ => return current,
        }
    }
    current
}

/// The struct a type stands for (through aliases), with its id, if it is one.
pub fn resolved_struct<'t>(t: &Ty, types: &'t [TypeDef]) -> Option<(TypeId, &'t Struct)> {
    let &Ty::Named(id) = resolved(t, types) else { return None };
    match &types[id].kind {
        TypeKind::Struct(s) => Some((id, s)),
        _ => None,
    }
}

/// Builds the model; warnings land in `Api::warnings`, errors stop generation.
pub fn lower(spec: &Spec, config: &Config) -> Result<Api, Diagnostics> {
    build(spec, config)
}

/// The text of a string field of a JSON object.
pub(crate) fn str_field<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}
