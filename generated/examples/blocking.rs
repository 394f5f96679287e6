//! Calls the API from synchronous code, with the `blocking` feature: a customer, then every
//! invoice of theirs.
//!
//! ```sh
//! ATLAS_API_KEY=sk_test_… cargo run -p atlaspay --features blocking --example blocking
//! # against the mock server (see "Running the examples against the mock server" in the repository's README):
//! ATLAS_API_KEY=sk_test_mock ATLAS_BASE_URL=http://127.0.0.1:4010 cargo run -p atlaspay --features blocking --example blocking
//! ```

use atlaspay::types::ListInvoicesParams;

fn main() -> Result<(), atlaspay::Error> {
    let atlas = atlaspay::Client::from_env()?;
    let customer = atlas.customers().retrieve("cus_9s6XKzkNRiz8i3").send_blocking()?;
    let invoices = atlas.invoices().list(ListInvoicesParams::new().customer(customer.id));
    for invoice in invoices.into_iter_blocking() {
        let invoice = invoice?;
        println!("{} {:?}", invoice.id, invoice.amount_due);
    }
    Ok(())
}
