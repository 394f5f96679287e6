//! Creates a customer.
//!
//! ```sh
//! ATLAS_API_KEY=sk_test_… cargo run -p atlaspay --example create_customer
//! # against the mock server (see the README):
//! ATLAS_API_KEY=sk_test_mock ATLAS_BASE_URL=http://127.0.0.1:4010 cargo run -p atlaspay --example create_customer
//! ```

use atlaspay::types::{Address, CreateCustomer};

#[tokio::main]
async fn main() -> Result<(), atlaspay::Error> {
    let atlas = client()?;
    let customer = atlas
        .customers()
        .create(
            CreateCustomer::new("jane@example.com")
                .name("Jane Doe")
                .billing_address(Address::new().line1("1 Main St").city("Springfield").country("US"))
                .metadata([("user_id".to_owned(), "123".to_owned())].into_iter().collect()),
        )
        .send_with_response()
        .await?;
    println!("created {} (request {:?})", customer.body.id, customer.request_id);
    Ok(())
}

/// A client from `ATLAS_API_KEY`, pointed at `ATLAS_BASE_URL` when set.
fn client() -> Result<atlaspay::Client, atlaspay::Error> {
    let key = std::env::var("ATLAS_API_KEY").unwrap_or_default();
    let mut builder = atlaspay::Client::builder().secret_key(key);
    if let Ok(url) = std::env::var("ATLAS_BASE_URL") {
        builder = builder.base_url(url);
    }
    builder.build()
}
