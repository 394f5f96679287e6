use atlaspay::runtime::TryStreamExt;
use atlaspay::types::{
    CheckoutLineItemInput, CheckoutMode, CreateCheckoutSession, CreateCustomer, ListCustomersParams,
};

#[tokio::main]
async fn main() -> Result<(), atlaspay::Error> {
    let atlas = atlaspay::Client::from_env()?; // ATLAS_API_KEY=sk_test_…

    let customer = atlas.customers().create(CreateCustomer::new("jane@example.com").name("Jane Doe")).await?;

    let session = atlas
        .checkout_sessions()
        .create(
            CreateCheckoutSession::new(
                CheckoutMode::Payment,
                vec![CheckoutLineItemInput::new().price("price_123").quantity(1)],
                "https://example.com/success",
                "https://example.com/cancel",
            )
            .customer(customer.id.clone()),
        )
        .await?;
    println!("pay at {:?}", session.url);

    // Every page, fetched lazily.
    let mut customers = atlas.customers().list(ListCustomersParams::new().limit(100)).into_stream();
    while let Some(c) = customers.try_next().await? {
        println!("{} {:?}", c.id, c.email);
    }
    Ok(())
}
