//! Creates a customer.
//!
//! ```sh
//! ATLAS_API_KEY=sk_test_… cargo run -p atlaspay --example create_customer
//! # against the mock server (see "Running the examples against the mock server" in the repository's README):
//! ATLAS_API_KEY=sk_test_mock ATLAS_BASE_URL=http://127.0.0.1:4010 cargo run -p atlaspay --example create_customer
//! ```

use atlaspay::types::{Address, CreateCustomer};

#[tokio::main]
async fn main() -> Result<(), atlaspay::Error> {
    // The key from ATLAS_API_KEY (an error if it is not set), and ATLAS_BASE_URL when set.
    let atlas = atlaspay::Client::from_env()?;
    let customer = atlas
        .customers()
        .create(
            CreateCustomer::new("jane@example.com")
                .name("Jane Doe")
                .billing_address(Address::new().line1("1 Main St").city("Springfield").country("US"))
                .metadata([("user_id", "123")]),
        )
        .send_with_response()
        .await?;
    println!("created {} (request {:?})", customer.body.id, customer.request_id);
    Ok(())
}
