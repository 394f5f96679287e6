//! Client construction (`src/client.rs`) and credentials (`src/auth.rs`).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs;
use super::tokens::ident;
use crate::config::Config;
use crate::ir::{Api, ParamLocation, SchemeKind};

/// `src/auth.rs`: the security schemes and the client defaults.
pub fn auth_file(api: &Api, config: &Config) -> TokenStream {
    let base_url = &api.base_url;
    let user_agent = format!("{}/{} (rust)", config.crate_name, config.crate_version);
    let idempotency = match &api.idempotency_header {
        Some(h) => quote!(Some(#h)),
        None => quote!(None),
    };
    let env = match &config.api_key_env {
        Some(e) => quote!(Some(#e)),
        None => quote!(None),
    };
    let schemes = api.security_schemes.iter().map(|s| {
        let c = ident(&s.const_name);
        let name = &s.name;
        let kind = match &s.kind {
            SchemeKind::Bearer => quote!(crate::runtime::SchemeKind::Bearer),
            SchemeKind::Basic => quote!(crate::runtime::SchemeKind::Basic),
            SchemeKind::ApiKey { location, name } => {
                let loc = match location {
                    ParamLocation::Query => quote!(Query),
                    ParamLocation::Cookie => quote!(Cookie),
                    ParamLocation::Header | ParamLocation::Body => quote!(Header),
                };
                quote!(crate::runtime::SchemeKind::ApiKey { location: crate::runtime::ApiKeyLocation::#loc, name: #name })
            }
        };
        let doc = docs::outer(Some(&docs::paragraphs([
            Some(format!("The `{name}` security scheme.").as_str()),
            s.doc.as_deref(),
        ])));
        quote! {
            #doc
            pub const #c: crate::runtime::SecurityScheme = crate::runtime::SecurityScheme { name: #name, kind: #kind };
        }
    });
    quote! {
        //! Credentials the API accepts and the client's defaults.
        /// Base URL, user agent and other defaults of [`Client`](crate::Client).
        pub static DEFAULTS: crate::runtime::ClientDefaults = crate::runtime::ClientDefaults {
            base_url: #base_url,
            user_agent: #user_agent,
            idempotency_header: #idempotency,
            api_key_env: #env,
        };
        #(#schemes)*
    }
}

/// `src/client.rs`: constructors, credential setters and resource accessors.
pub fn client_file(api: &Api, config: &Config) -> TokenStream {
    let krate = config.crate_ident();
    let primary = api.primary_scheme.map(|i| &api.security_schemes[i]);
    let new_fn = match primary {
        Some(s) if s.kind == SchemeKind::Basic => {
            let m = ident(&s.method_name);
            quote! {
                /// Creates a client with the default settings and HTTP basic credentials.
                pub fn new(username: impl Into<String>, password: impl Into<String>) -> Self {
                    Self::builder().#m(username, password).build_infallible()
                }
            }
        }
        Some(s) => {
            let m = ident(&s.method_name);
            let doc =
                format!(" Creates a client with the default settings that authenticates with `{}`.", s.name);
            let example = docs::trusted(&format!(
                "```\nlet client = {krate}::Client::new(\"my-api-key\");\n// The key never shows in debug output or errors.\nassert!(!format!(\"{{client:?}}\").contains(\"my-api-key\"));\n```"
            ));
            quote! {
                #[doc = #doc]
                ///
                /// A misconfiguration cannot happen here; if the HTTP stack fails to start, every
                /// request returns that error (see [`ClientBuilder::build`](crate::ClientBuilder::build)
                /// to handle it up front).
                ///
                #example
                pub fn new(api_key: impl Into<String>) -> Self {
                    Self::builder().#m(api_key).build_infallible()
                }
            }
        }
        // No `Default` impl to go with it: see the runtime's `api_client!`.
        None => quote! {
            /// Creates a client with the default settings.
            #[allow(clippy::new_without_default)]
            pub fn new() -> Self {
                Self::builder().build_infallible()
            }
        },
    };
    let from_env = match (primary, &config.api_key_env) {
        (Some(s), Some(var)) if s.kind != SchemeKind::Basic => {
            let c = ident(&s.const_name);
            let doc = format!(" Creates a client from the `{var}` environment variable.");
            let example = docs::trusted(&format!(
                "```no_run\n# fn main() -> Result<(), {krate}::Error> {{\nlet client = {krate}::Client::from_env()?; // reads {var}\n# Ok(())\n# }}\n```"
            ));
            quote! {
                #[doc = #doc]
                ///
                #example
                pub fn from_env() -> Result<Self, crate::Error> {
                    Self::builder().credential_from_env(&crate::auth::#c).build()
                }
            }
        }
        _ => quote!(),
    };
    let builder_methods = api.security_schemes.iter().map(|s| {
        let m = ident(&s.method_name);
        let c = ident(&s.const_name);
        let doc = format!(" Sets the credential for the `{}` security scheme.", s.name);
        match s.kind {
            SchemeKind::Basic => quote! {
                #[doc = #doc]
                pub fn #m(self, username: impl Into<String>, password: impl Into<String>) -> Self {
                    self.basic_auth(&crate::auth::#c, username, password)
                }
            },
            _ => quote! {
                #[doc = #doc]
                pub fn #m(self, token: impl Into<String>) -> Self {
                    self.credential(&crate::auth::#c, token)
                }
            },
        }
    });
    let with_methods = api.security_schemes.iter().filter(|s| s.kind != SchemeKind::Basic).map(|s| {
        let m = format_ident!("with_{}", s.method_name.trim_start_matches("r#"));
        let c = ident(&s.const_name);
        let doc = format!(
            " A copy of this client that also authenticates with `{}` (for operations that take it).",
            s.name
        );
        quote! {
            #[doc = #doc]
            pub fn #m(&self, token: impl Into<String>) -> Self {
                self.with_credential(&crate::auth::#c, token)
            }
        }
    });
    let accessors = api.resources.iter().map(|r| {
        let m = ident(&r.name);
        let t = ident(&r.type_name);
        let doc = docs::outer(Some(&docs::paragraphs([
            Some(format!("The `{}` operations.", r.name.trim_start_matches("r#")).as_str()),
            r.doc.as_deref(),
        ])));
        let feature = &r.feature;
        quote! {
            #doc
            #[cfg(feature = #feature)]
            pub fn #m(&self) -> crate::resources::#t<'_> {
                crate::resources::#t::new(self)
            }
        }
    });
    // The builder example's line that sets the primary credential (a line of the doc example
    // the runtime's `api_client!` writes).
    let credential_line = primary.map(|s| {
        let setter = s.method_name.trim_start_matches("r#");
        match s.kind {
            SchemeKind::Basic => format!("    .{setter}(\"user\", \"password\")"),
            _ => format!("    .{setter}(\"my-api-key\")"),
        }
    });
    let credential_line = credential_line.map(|line| quote!(, #line));
    let krate = ident(&krate);
    // The credential setters, if the API declares any credentials.
    let builder_impl = (!api.security_schemes.is_empty()).then(|| {
        quote! {
            impl ClientBuilder {
                #(#builder_methods)*
            }
        }
    });
    quote! {
        //! The API's [`Client`]: constructors, credential setters and resource accessors.
        use crate::auth::DEFAULTS;
        crate::runtime::api_client::api_client!(#krate, DEFAULTS #credential_line);
        impl Client {
            #new_fn
            #from_env
            #(#with_methods)*
            #(#accessors)*
        }
        #builder_impl
    }
}
