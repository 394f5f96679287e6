//! One positive contract case per operation of the spec, keyed by its `operationId`.
//!
//! Each case calls the generated method with valid path and query parameters and a valid body, and
//! sets every optional field and query parameter that makes sense, so that a misnamed field fails:
//! the request body schemas are closed (`additionalProperties: false`), and Prism reports any
//! violation in the `sl-violations` header. When fields are alternatives (a card or a wallet token,
//! a percentage or an amount off), the case sends one request per alternative.

use std::future::Future;
use std::pin::Pin;

use atlaspay::Client;
use atlaspay::runtime::{Error, Response, UnixTime};
use atlaspay::types::*;
use chrono::{DateTime, TimeZone, Utc};
use indexmap::IndexMap;
use serde_json::{Map, Value, json};

/// What a case returns: `Err` with a readable reason when the client broke the contract.
pub type Outcome = Result<(), String>;
/// The future of one case.
pub type CaseFuture = Pin<Box<dyn Future<Output = Outcome> + Send>>;

/// A contract case: the operation it covers and how to run it against a client.
pub struct Case {
    /// The spec's `operationId` (what the enumeration test matches).
    pub operation_id: &'static str,
    /// Runs every request of the case.
    pub run: Box<dyn Fn(Client) -> CaseFuture + Send + Sync>,
}

fn case<F, Fut>(operation_id: &'static str, run: F) -> Case
where
    F: Fn(Client) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Outcome> + Send + 'static,
{
    Case { operation_id, run: Box::new(move |client| Box::pin(run(client))) }
}

/// Passes when the answer is a 2xx without an `sl-violations` header (Prism adds it when the request
/// or its own response breaks the spec) and the body decoded into the generated type.
pub fn check<T>(result: Result<Response<T>, Error>) -> Outcome {
    match result {
        Ok(response) => {
            let mut problems = Vec::new();
            if !response.status.is_success() {
                problems.push(format!("status {} is not 2xx", response.status));
            }
            if let Some(violations) = response.headers.get("sl-violations") {
                problems.push(format!(
                    "Prism reported sl-violations: {}",
                    String::from_utf8_lossy(violations.as_bytes())
                ));
            }
            if problems.is_empty() { Ok(()) } else { Err(problems.join("; ")) }
        }
        Err(Error::Api(api)) => {
            let violations = api
                .headers
                .get("sl-violations")
                .map(|v| format!("; Prism reported sl-violations: {}", String::from_utf8_lossy(v.as_bytes())))
                .unwrap_or_default();
            let body = String::from_utf8_lossy(&api.raw);
            Err(format!("{api}{violations}; body: {}", body.chars().take(600).collect::<String>()))
        }
        Err(Error::Decode(decode)) => {
            Err(format!("the body did not decode into the generated type: {decode}"))
        }
        Err(other) => Err(format!("request failed: {other}")),
    }
}

// Identifiers of the spec's examples.
const SESSION_ID: &str = "3c90c3cc-0d44-4b50-8888-8dd25736052a";
const PAYMENT_ID: &str = "7f3e2a1b-5c4d-4e6f-8a9b-0c1d2e3f4a5b";
const ROUTING_PROFILE_ID: &str = "5b0f3a7e-9c1d-4e2f-8a6b-3d4c5e6f7a8b";
const THREE_DS_SESSION_ID: &str = "0e1f2a3b-4c5d-4e6f-8a7b-9c0d1e2f3a4b";
const NETWORK_TOKEN_ID: &str = "nt_abc123";
const CARD_TOKEN: &str = "tok_4f8a2c1e9d";
const CUSTOMER_ID: &str = "cus_9s6XKzkNRiz8i3";
const PRODUCT_ID: &str = "prod_PmKz4fGh7Qw2";
const PRICE_ID: &str = "price_1OaBcD2eZvKYlo2C";
const SUBSCRIPTION_ID: &str = "sub_1OaBcD2eZvKYlo2C";
const SUBSCRIPTION_ITEM_ID: &str = "si_OaBcD2eZvKYl";
const INVOICE_ID: &str = "in_1OaBcD2eZvKYlo2C";
const COUPON_ID: &str = "SUMMER50";
const CHECKOUT_SESSION_ID: &str = "cs_live_a1B2c3D4e5F6";
const PORTAL_SESSION_ID: &str = "bps_1OaBcD2eZvKYlo2C";
const PAYMENT_METHOD_ID: &str = "pm_1OaBcD2eZvKYlo2C";
const BANK_ACCOUNT_ID: &str = "ba_abc123";
const BANK_MANDATE_ID: &str = "6f1d2c3b-4a5e-4f60-9b8a-7c6d5e4f3a2b";
const BANK_TRANSFER_ID: &str = "8c7b6a59-4d3e-4f21-8a0b-1c2d3e4f5a6b";

fn metadata() -> IndexMap<String, String> {
    [("order_id".to_owned(), "6735".to_owned()), ("channel".to_owned(), "web".to_owned())]
        .into_iter()
        .collect()
}

fn at(seconds: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(seconds, 0).single().expect("a valid timestamp")
}

fn address() -> Address {
    Address::new()
        .line1("510 Townsend St")
        .line2("Floor 2")
        .city("San Francisco")
        .state("CA")
        .postal_code("94103")
        .country("US")
}

fn session_address() -> SessionAddress {
    SessionAddress::new()
        .recipient_name("Jane Doe")
        .street("510 Townsend St")
        .city("San Francisco")
        .state("CA")
        .postal_code("94103")
        .country("US")
}

fn session_customer() -> SessionCustomer {
    SessionCustomer::new().email("jane@example.com").name("Jane Doe").phone("+14155550123")
}

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        other => panic!("not a JSON object: {other}"),
    }
}

/// Every case, in spec order.
pub fn all() -> Vec<Case> {
    let mut cases = Vec::new();
    cases.extend(sessions_and_payments());
    cases.extend(billing());
    cases.extend(checkout_and_portal());
    cases.extend(bank());
    cases.push(case("getHealth", |c| async move { check(c.health().retrieve().send_with_response().await) }));
    cases
}

fn sessions_and_payments() -> Vec<Case> {
    vec![
        case("createSession", |c| async move {
            let full = CreateSession::new(4990, "USD")
                .external_id("order_6735")
                .merchant_reference("INV-6735")
                .description("Order #6735")
                .capture_method(CaptureMethod::Manual)
                .customer(session_customer())
                .billing_address(session_address())
                .shipping_address(session_address())
                .browser(CreateSessionBrowser::new().ip_address("203.0.113.7").user_agent("Mozilla/5.0"))
                .payment_method_types(vec![
                    PaymentMethodType::Card,
                    PaymentMethodType::ApplePay,
                    PaymentMethodType::GooglePay,
                ])
                .success_url("https://shop.example.com/success")
                .cancel_url("https://shop.example.com/cancel")
                .statement_descriptor("ATLAS*SHOP")
                .expires(SessionExpires::Integer(3600))
                .metadata(metadata());
            check(c.sessions().create(full).send_with_response().await)?;
            // The other form of `expires`: an ISO 8601 timestamp.
            let dated = CreateSession::new(1200, "EUR").expires(SessionExpires::DateTime(at(1_704_931_200)));
            check(c.sessions().create(dated).send_with_response().await)
        }),
        case("retrieveSession", |c| async move {
            check(c.sessions().retrieve(SESSION_ID).send_with_response().await)
        }),
        case("updateSession", |c| async move {
            let body = UpdateSession::new()
                .amount(5990)
                .currency("USD")
                .statement_descriptor("ATLAS*SHOP")
                .description("Order #6735, with gift wrap")
                .customer(session_customer())
                .billing_address(session_address())
                .shipping_address(session_address())
                .metadata(metadata());
            check(c.sessions().update(SESSION_ID, body).send_with_response().await)
        }),
        case("cancelSession", |c| async move {
            let body = CancelSession::new().cancellation_reason(CancellationReason::RequestedByCustomer);
            check(c.sessions().cancel(SESSION_ID, body).send_with_response().await)
        }),
        case("getSessionConfig", |c| async move {
            check(c.sessions().get_config(SESSION_ID).send_with_response().await)
        }),
        case("confirmPayment", |c| async move {
            let payments = c.payments();
            let card = ConfirmPayment::new(PaymentMethodType::Card, TokenProvider::BasisTheory)
                .token_id(CARD_TOKEN)
                .psp(Psp::Stripe)
                .routing_profile_id(ROUTING_PROFILE_ID);
            check(payments.confirm(SESSION_ID, card).send_with_response().await)?;
            let vgs = ConfirmPayment::new(PaymentMethodType::Card, TokenProvider::Vgs).vgs_data(
                ConfirmPaymentVgsData::new()
                    .card_number("tok_sandbox_number")
                    .card_expiry("tok_sandbox_expiry")
                    .card_cvc("tok_sandbox_cvc"),
            );
            check(payments.confirm(SESSION_ID, vgs).send_with_response().await)?;
            let apple_pay = ConfirmPayment::new(PaymentMethodType::ApplePay, TokenProvider::Atlas)
                .apple_pay_token("eyJkYXRhIjoiYXBwbGUtcGF5In0=");
            check(payments.confirm(SESSION_ID, apple_pay).send_with_response().await)?;
            let google_pay = ConfirmPayment::new(PaymentMethodType::GooglePay, TokenProvider::Atlas)
                .google_pay_token("eyJzaWduYXR1cmUiOiJnb29nbGUtcGF5In0=");
            check(payments.confirm(SESSION_ID, google_pay).send_with_response().await)?;
            let bank = ConfirmPayment::new(PaymentMethodType::BankAccount, TokenProvider::Atlas)
                .token_id("btok_7c1e")
                .bank_account(
                    ConfirmPaymentBankAccount::new()
                        .account_holder_name("Jane Doe")
                        .account_type(BankAccountType::Checking),
                );
            check(payments.confirm(SESSION_ID, bank).send_with_response().await)
        }),
        case("capturePayment", |c| async move {
            let partial = CapturePayment::new().amount(2500);
            check(c.payments().capture(PAYMENT_ID, partial).send_with_response().await)
        }),
        case("refundPayment", |c| async move {
            let body = RefundPayment::new().amount(1000).reason("requested_by_customer");
            check(c.payments().refund(PAYMENT_ID, body).send_with_response().await)
        }),
        case("validateApplePayMerchant", |c| async move {
            let body = ValidateApplePayMerchant::new(
                "https://apple-pay-gateway.apple.com/paymentservices/startSession",
                "shop.example.com",
                SESSION_ID,
            );
            check(c.apple_pay().validate_merchant(body).send_with_response().await)
        }),
        case("syncTransactions", |c| async move {
            let data = object(json!({"order_id": "5O190127TN364715T", "status": "COMPLETED"}));
            let body = SyncTransactions::new(SESSION_ID, "paypal", data).timestamp(at(1_704_844_800));
            check(c.transactions().sync(body).send_with_response().await)
        }),
        case("proxyCardCollection", |c| async move {
            let body = object(json!({
                "card": {"number": "4242424242424242", "exp_month": 12, "exp_year": 2030, "cvc": "123"},
                "amount": 4990
            }));
            let params = ProxyCardCollectionParams::new("proxy_key_4f8a2c");
            check(c.card_collection_proxy().proxy_card_collection(params, body).send_with_response().await)
        }),
        case("authenticateThreeDSecure", |c| async move {
            let body = AuthenticateThreeDSecure::new(SESSION_ID, CARD_TOKEN, 4990, "USD")
                .challenge_preference(AuthenticateThreeDSecureChallengePreference::ChallengeRequested);
            check(c.three_d_secure().authenticate(body).send_with_response().await)
        }),
        case("retrieveThreeDSecureResult", |c| async move {
            check(c.three_d_secure().retrieve_result(THREE_DS_SESSION_ID).send_with_response().await)
        }),
        case("completeThreeDSecureChallenge", |c| async move {
            check(c.three_d_secure().complete_challenge(THREE_DS_SESSION_ID).send_with_response().await)
        }),
        case("createNetworkToken", |c| async move {
            let body = CreateNetworkToken::new(SESSION_ID, CARD_TOKEN).request_cryptogram(true);
            check(c.network_tokens().create(body).send_with_response().await)
        }),
        case("generateNetworkTokenCryptogram", |c| async move {
            let body = GenerateNetworkTokenCryptogram::new(SESSION_ID);
            check(c.network_tokens().generate_cryptogram(NETWORK_TOKEN_ID, body).send_with_response().await)
        }),
        case("retrieveNetworkToken", |c| async move {
            let params = RetrieveNetworkTokenParams::new(SESSION_ID);
            check(c.network_tokens().retrieve(NETWORK_TOKEN_ID, params).send_with_response().await)
        }),
        case("deleteNetworkToken", |c| async move {
            let params = DeleteNetworkTokenParams::new(SESSION_ID);
            check(c.network_tokens().delete(NETWORK_TOKEN_ID, params).send_with_response().await)
        }),
    ]
}

fn billing() -> Vec<Case> {
    vec![
        // Customers.
        case("createCustomer", |c| async move {
            let body = CreateCustomer::new("jane@example.com")
                .name("Jane Doe")
                .phone("+14155550123")
                .description("Customer since the 2024 spring sale")
                .billing_address(address())
                .shipping_address(address())
                .tax_exempt(false)
                .tax_ids(vec![TaxId::new().r#type("eu_vat").value("DE123456789")])
                .metadata(metadata());
            check(c.customers().create(body).send_with_response().await)
        }),
        case("listCustomers", |c| async move {
            let params = ListCustomersParams::new().limit(20).offset(0).email("jane@example.com");
            check(c.customers().list(params).send_with_response().await)
        }),
        case("retrieveCustomer", |c| async move {
            check(c.customers().retrieve(CUSTOMER_ID).send_with_response().await)
        }),
        case("updateCustomer", |c| async move {
            let body = UpdateCustomer::new()
                .email("jane.doe@example.com")
                .name("Jane Doe")
                .phone("+14155550199")
                .description("Moved to the enterprise plan")
                .billing_address(address())
                .shipping_address(address())
                .default_payment_method(PAYMENT_METHOD_ID)
                .tax_exempt(true)
                .metadata(metadata());
            check(c.customers().update(CUSTOMER_ID, body).send_with_response().await)
        }),
        case("deleteCustomer", |c| async move {
            check(c.customers().delete(CUSTOMER_ID).send_with_response().await)
        }),
        // Products.
        case("createProduct", |c| async move {
            let body = CreateProduct::new("Pro plan")
                .description("Everything in Basic, plus priority support")
                .statement_descriptor("ATLAS PRO")
                .unit_label("seat")
                .images(vec!["https://cdn.example.com/pro.png".to_owned()])
                .is_active(true)
                .metadata(metadata());
            check(c.products().create(body).send_with_response().await)
        }),
        case("listProducts", |c| async move {
            let params =
                ListProductsParams::new().limit(20).offset(0).active(true).expand(ListProductsExpand::Prices);
            check(c.products().list(params).send_with_response().await)
        }),
        case("retrieveProduct", |c| async move {
            let params = RetrieveProductParams::new().expand(ListProductsExpand::Prices);
            check(c.products().retrieve(PRODUCT_ID, params).send_with_response().await)
        }),
        case("updateProduct", |c| async move {
            let body = UpdateProduct::new()
                .name("Pro plan (2024)")
                .description("Everything in Basic, plus priority support and SSO")
                .statement_descriptor("ATLAS PRO")
                .unit_label("seat")
                .images(vec!["https://cdn.example.com/pro-2024.png".to_owned()])
                .is_active(false)
                .metadata(metadata());
            check(c.products().update(PRODUCT_ID, body).send_with_response().await)
        }),
        case("deleteProduct", |c| async move {
            check(c.products().delete(PRODUCT_ID).send_with_response().await)
        }),
        // Prices.
        case("createPrice", |c| async move {
            let per_unit = CreatePrice::new(PRODUCT_ID, "USD")
                .unit_amount(2000)
                .r#type(PriceType::OneTime)
                .billing_scheme(BillingScheme::PerUnit)
                .nickname("Setup fee")
                .is_active(true)
                .metadata(metadata());
            check(c.prices().create(per_unit).send_with_response().await)?;
            let tiered = CreatePrice::new(PRODUCT_ID, "USD")
                .r#type(PriceType::Recurring)
                .billing_scheme(BillingScheme::Tiered)
                .recurring(
                    PriceRecurring::new()
                        .interval(RecurringInterval::Month)
                        .interval_count(1)
                        .usage_type(UsageType::Metered)
                        .aggregate_usage(AggregateUsage::Sum),
                )
                .tiers(vec![
                    PriceTier::new().up_to(1000).unit_amount(10).flat_amount(500),
                    PriceTier::new().unit_amount(5),
                ])
                .tiers_mode(TiersMode::Graduated)
                .nickname("API calls")
                .is_active(true);
            check(c.prices().create(tiered).send_with_response().await)
        }),
        case("listPrices", |c| async move {
            let params = ListPricesParams::new()
                .limit(20)
                .offset(0)
                .product(PRODUCT_ID)
                .active(true)
                .r#type(ListPricesType::Recurring);
            check(c.prices().list(params).send_with_response().await)
        }),
        case(
            "retrievePrice",
            |c| async move { check(c.prices().retrieve(PRICE_ID).send_with_response().await) },
        ),
        case("updatePrice", |c| async move {
            let body = UpdatePrice::new().nickname("Monthly (legacy)").is_active(false).metadata(metadata());
            check(c.prices().update(PRICE_ID, body).send_with_response().await)
        }),
        // Subscriptions.
        case("createSubscription", |c| async move {
            let items = vec![SubscriptionItemInput::new(PRICE_ID).quantity(2)];
            let automatic = CreateSubscription::new(CUSTOMER_ID, items.clone())
                .trial_period_days(14)
                .cancel_at_period_end(false)
                .collection_method(CollectionMethod::ChargeAutomatically)
                .default_payment_method(PAYMENT_METHOD_ID)
                .metadata(metadata());
            check(c.subscriptions().create(automatic).send_with_response().await)?;
            let invoiced = CreateSubscription::new(CUSTOMER_ID, items)
                .trial_end(UnixTime(1_706_745_600))
                .billing_cycle_anchor(UnixTime(1_706_745_600))
                .collection_method(CollectionMethod::SendInvoice)
                .days_until_due(30);
            check(c.subscriptions().create(invoiced).send_with_response().await)
        }),
        case("listSubscriptions", |c| async move {
            let params = ListSubscriptionsParams::new()
                .limit(20)
                .offset(0)
                .customer(CUSTOMER_ID)
                .status(SubscriptionStatus::Active);
            check(c.subscriptions().list(params).send_with_response().await)
        }),
        case("retrieveSubscription", |c| async move {
            check(c.subscriptions().retrieve(SUBSCRIPTION_ID).send_with_response().await)
        }),
        case("updateSubscription", |c| async move {
            let body = UpdateSubscription::new()
                .cancel_at_period_end(true)
                .default_payment_method(PAYMENT_METHOD_ID)
                .metadata(metadata())
                .proration_behavior(ProrationBehavior::CreateProrations)
                .items(vec![SubscriptionItemInput::new(PRICE_ID).quantity(3)]);
            check(c.subscriptions().update(SUBSCRIPTION_ID, body).send_with_response().await)
        }),
        case("cancelSubscription", |c| async move {
            check(c.subscriptions().cancel(SUBSCRIPTION_ID).send_with_response().await)
        }),
        case("pauseSubscription", |c| async move {
            check(c.subscriptions().pause(SUBSCRIPTION_ID).send_with_response().await)
        }),
        case("resumeSubscription", |c| async move {
            check(c.subscriptions().resume(SUBSCRIPTION_ID).send_with_response().await)
        }),
        // Subscription items.
        case("createSubscriptionItem", |c| async move {
            let body = CreateSubscriptionItem::new(SUBSCRIPTION_ID, PRICE_ID)
                .quantity(5)
                .proration_behavior(ProrationBehavior::None);
            check(c.subscription_items().create(body).send_with_response().await)
        }),
        case("retrieveSubscriptionItem", |c| async move {
            check(c.subscription_items().retrieve(SUBSCRIPTION_ITEM_ID).send_with_response().await)
        }),
        case("updateSubscriptionItem", |c| async move {
            let body = UpdateSubscriptionItem::new()
                .quantity(7)
                .proration_behavior(ProrationBehavior::CreateProrations);
            check(c.subscription_items().update(SUBSCRIPTION_ITEM_ID, body).send_with_response().await)
        }),
        case("deleteSubscriptionItem", |c| async move {
            check(c.subscription_items().delete(SUBSCRIPTION_ITEM_ID).send_with_response().await)
        }),
        // Usage records.
        case("createUsageRecord", |c| async move {
            let body = CreateUsageRecord::new(SUBSCRIPTION_ITEM_ID, 120)
                .timestamp(UnixTime(1_704_844_800))
                .action(UsageRecordAction::Increment);
            check(c.usage_records().create(body).send_with_response().await)
        }),
        case("listUsageRecords", |c| async move {
            let params = ListUsageRecordsParams::new(SUBSCRIPTION_ITEM_ID).limit(20).offset(0);
            check(c.usage_records().list(params).send_with_response().await)
        }),
        case("retrieveUsageRecordSummary", |c| async move {
            let params = RetrieveUsageRecordSummaryParams::new(SUBSCRIPTION_ITEM_ID);
            check(c.usage_records().retrieve_summary(params).send_with_response().await)
        }),
        // Invoices.
        case("createInvoice", |c| async move {
            let body = CreateInvoice::new(CUSTOMER_ID)
                .subscription(SUBSCRIPTION_ID)
                .collection_method(CollectionMethod::SendInvoice)
                .days_until_due(30)
                .auto_advance(true)
                .description("Consulting, January")
                .metadata(metadata());
            check(c.invoices().create(body).send_with_response().await)
        }),
        case("listInvoices", |c| async move {
            let params = ListInvoicesParams::new()
                .limit(20)
                .offset(0)
                .customer(CUSTOMER_ID)
                .subscription(SUBSCRIPTION_ID)
                .status(InvoiceStatus::Open);
            check(c.invoices().list(params).send_with_response().await)
        }),
        case("retrieveInvoice", |c| async move {
            check(c.invoices().retrieve(INVOICE_ID).send_with_response().await)
        }),
        case(
            "voidInvoice",
            |c| async move { check(c.invoices().void(INVOICE_ID).send_with_response().await) },
        ),
        case("finalizeInvoice", |c| async move {
            check(c.invoices().finalize(INVOICE_ID).send_with_response().await)
        }),
        case("payInvoice", |c| async move {
            let body = PayInvoice::new().payment_method(PAYMENT_METHOD_ID);
            check(c.invoices().pay(INVOICE_ID, body).send_with_response().await)
        }),
        case("markInvoiceUncollectible", |c| async move {
            check(c.invoices().mark_uncollectible(INVOICE_ID).send_with_response().await)
        }),
        // Coupons.
        case("createCoupon", |c| async move {
            let percent = CreateCoupon::new(CouponDuration::Repeating)
                .id(COUPON_ID)
                .name("Summer sale")
                .percent_off(25.5)
                .duration_in_months(3)
                .max_redemptions(100)
                .redeem_by(UnixTime(1_725_148_800))
                .applies_to(CreateCouponAppliesTo::new().products(vec![PRODUCT_ID.to_owned()]))
                .metadata(metadata());
            check(c.coupons().create(percent).send_with_response().await)?;
            let amount =
                CreateCoupon::new(CouponDuration::Once).name("$5 off").amount_off(500).currency("USD");
            check(c.coupons().create(amount).send_with_response().await)
        }),
        case("listCoupons", |c| async move {
            check(c.coupons().list(ListCouponsParams::new().limit(20).offset(0)).send_with_response().await)
        }),
        case("retrieveCoupon", |c| async move {
            check(c.coupons().retrieve(COUPON_ID).send_with_response().await)
        }),
        case("updateCoupon", |c| async move {
            let body = UpdateCoupon::new().name("Summer sale (extended)").metadata(metadata());
            check(c.coupons().update(COUPON_ID, body).send_with_response().await)
        }),
        case(
            "deleteCoupon",
            |c| async move { check(c.coupons().delete(COUPON_ID).send_with_response().await) },
        ),
    ]
}

fn checkout_and_portal() -> Vec<Case> {
    vec![
        case("createCheckoutSession", |c| async move {
            let line_items = vec![CheckoutLineItemInput::new().price(PRICE_ID).quantity(1)];
            let payment = CreateCheckoutSession::new(
                CheckoutMode::Payment,
                line_items.clone(),
                "https://shop.example.com/success",
                "https://shop.example.com/cancel",
            )
            .customer_email("jane@example.com")
            .allow_promotion_codes(true)
            .expires_at(UnixTime(1_704_931_200))
            .metadata(metadata());
            check(c.checkout_sessions().create(payment).send_with_response().await)?;
            let subscription = CreateCheckoutSession::new(
                CheckoutMode::Subscription,
                line_items,
                "https://shop.example.com/success",
                "https://shop.example.com/cancel",
            )
            .customer(CUSTOMER_ID)
            .discounts(vec![CreateCheckoutSessionDiscount::new().coupon(COUPON_ID)])
            .subscription_data(CreateCheckoutSessionSubscriptionData::new().trial_period_days(14));
            check(c.checkout_sessions().create(subscription).send_with_response().await)
        }),
        case("retrieveCheckoutSession", |c| async move {
            check(c.checkout_sessions().retrieve(CHECKOUT_SESSION_ID).send_with_response().await)
        }),
        case("createPortalSession", |c| async move {
            let features = PortalConfigurationFeatures::new()
                .subscription_cancel(PortalFeature::new().enabled(true))
                .subscription_pause(PortalFeature::new().enabled(false))
                .payment_method_update(PortalFeature::new().enabled(true))
                .invoice_history(PortalFeature::new().enabled(true));
            let body = CreatePortalSession::new(CUSTOMER_ID, "https://shop.example.com/account")
                .configuration(PortalConfiguration::new().features(features));
            check(c.portal_sessions().create(body).send_with_response().await)
        }),
        case("retrievePortalSession", |c| async move {
            check(c.portal_sessions().retrieve(PORTAL_SESSION_ID).send_with_response().await)
        }),
    ]
}

fn bank() -> Vec<Case> {
    vec![
        // Bank accounts.
        case("createBankAccount", |c| async move {
            let body = CreateBankAccount::new(CUSTOMER_ID, "Jane Doe", "000123456789", "110000000")
                .account_type(BankAccountType::Checking)
                .account_holder_name("Jane Doe")
                .account_holder_type(CreateBankAccountAccountHolderType::Individual)
                .country("US")
                .currency("USD")
                .metadata(metadata());
            check(c.bank_accounts().create(body).send_with_response().await)
        }),
        case("listBankAccounts", |c| async move {
            let params = ListBankAccountsParams::new()
                .limit(20)
                .offset(0)
                .customer_id(CUSTOMER_ID)
                .verification_status("verified");
            check(c.bank_accounts().list(params).send_with_response().await)
        }),
        case("retrieveBankAccount", |c| async move {
            check(c.bank_accounts().retrieve(BANK_ACCOUNT_ID).send_with_response().await)
        }),
        case("updateBankAccount", |c| async move {
            let body = UpdateBankAccount::new().nickname("Payroll").is_default(true).metadata(metadata());
            check(c.bank_accounts().update(BANK_ACCOUNT_ID, body).send_with_response().await)
        }),
        case("deleteBankAccount", |c| async move {
            check(c.bank_accounts().delete(BANK_ACCOUNT_ID).send_with_response().await)
        }),
        case("verifyBankAccount", |c| async move {
            let body = VerifyBankAccount::new(vec![32, 45]);
            check(c.bank_accounts().verify(BANK_ACCOUNT_ID, body).send_with_response().await)
        }),
        case("initiateBankAccountMicrodeposits", |c| async move {
            check(c.bank_accounts().initiate_microdeposits(BANK_ACCOUNT_ID).send_with_response().await)
        }),
        // Mandates.
        case("createBankMandate", |c| async move {
            let body = CreateBankMandate::new(
                BANK_ACCOUNT_ID,
                "I authorize Atlas to debit my account for the amounts of my invoices.",
                "203.0.113.7",
            )
            .customer_id(CUSTOMER_ID)
            .authorization_type(MandateAuthorizationType::Debit)
            .frequency(MandateFrequency::Recurring)
            .amount_limit(100_000)
            .daily_limit(50_000)
            .monthly_limit(200_000)
            .user_agent("Mozilla/5.0")
            .subscription_id(SUBSCRIPTION_ID)
            .expires_at(at(1_767_225_600))
            .metadata(metadata());
            check(c.bank_mandates().create(body).send_with_response().await)
        }),
        case("listBankMandates", |c| async move {
            let params = ListBankMandatesParams::new()
                .limit(20)
                .offset(0)
                .bank_account_id(BANK_ACCOUNT_ID)
                .customer_id(CUSTOMER_ID)
                .status("active");
            check(c.bank_mandates().list(params).send_with_response().await)
        }),
        case("retrieveBankMandate", |c| async move {
            check(c.bank_mandates().retrieve(BANK_MANDATE_ID).send_with_response().await)
        }),
        case("revokeBankMandate", |c| async move {
            let body = RevokeBankMandate::new().reason("customer_request");
            check(c.bank_mandates().revoke(BANK_MANDATE_ID, body).send_with_response().await)
        }),
        // Transfers.
        case("createBankTransfer", |c| async move {
            let body = CreateBankTransfer::new(BANK_ACCOUNT_ID, 4990, TransferDirection::Debit)
                .currency("USD")
                .mandate_id(BANK_MANDATE_ID)
                .statement_descriptor("ATLAS INV 6735")
                .description("Invoice 6735")
                .settlement_provider(SettlementProvider::Nacha)
                .idempotency_key("transfer-inv-6735")
                .metadata(metadata());
            check(c.bank_transfers().create(body).send_with_response().await)
        }),
        case("listBankTransfers", |c| async move {
            let params = ListBankTransfersParams::new()
                .limit(20)
                .offset(0)
                .bank_account_id(BANK_ACCOUNT_ID)
                .status("pending")
                .direction(TransferDirection::Debit);
            check(c.bank_transfers().list(params).send_with_response().await)
        }),
        case("retrieveBankTransfer", |c| async move {
            check(c.bank_transfers().retrieve(BANK_TRANSFER_ID).send_with_response().await)
        }),
        case("cancelBankTransfer", |c| async move {
            check(c.bank_transfers().cancel(BANK_TRANSFER_ID).send_with_response().await)
        }),
    ]
}
