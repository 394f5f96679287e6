//! Walks every customer, page by page (pages of 100 are fetched only as the loop needs them).
//!
//! ```sh
//! ATLAS_API_KEY=sk_test_… cargo run -p atlaspay --example list_customers
//! ```

use atlaspay::runtime::TryStreamExt;
use atlaspay::types::ListCustomersParams;

#[tokio::main]
async fn main() -> Result<(), atlaspay::Error> {
    // The key from ATLAS_API_KEY (an error if it is not set), and ATLAS_BASE_URL when set.
    let atlas = atlaspay::Client::from_env()?;

    let mut customers = atlas.customers().list(ListCustomersParams::new().limit(100)).into_stream();
    let mut count = 0usize;
    while let Some(customer) = customers.try_next().await? {
        count += 1;
        println!("{} {}", customer.id, customer.email.as_deref().unwrap_or("-"));
        if count >= 1_000 {
            break; // a bounded demo
        }
    }
    println!("{count} customers");
    Ok(())
}
