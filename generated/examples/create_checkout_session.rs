//! Creates a hosted checkout session for one price (the operation the project started from).
//!
//! ```sh
//! ATLAS_API_KEY=sk_test_… cargo run -p atlaspay --example create_checkout_session
//! ```

use atlaspay::types::{CheckoutLineItemInput, CheckoutMode, CreateCheckoutSession};

#[tokio::main]
async fn main() -> Result<(), atlaspay::Error> {
    // The key from ATLAS_API_KEY (an error if it is not set), and ATLAS_BASE_URL when set.
    let atlas = atlaspay::Client::from_env()?;

    let session = atlas
        .checkout_sessions()
        .create(
            CreateCheckoutSession::new(
                CheckoutMode::Payment,
                vec![CheckoutLineItemInput::new().price("price_123").quantity(1)],
                "https://example.com/success",
                "https://example.com/cancel",
            )
            .customer_email("jane@example.com")
            .allow_promotion_codes(true),
        )
        // Safe to retry by hand too: the same key returns the same session.
        .idempotency_key("order-1234")
        .await?;
    println!("checkout session {}: send the customer to {:?}", session.id, session.url);
    Ok(())
}
