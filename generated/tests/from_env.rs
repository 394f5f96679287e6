//! `Client::from_env`: the key from `ATLAS_API_KEY`, the base URL from `ATLAS_BASE_URL` where
//! set. One test in its own binary, since it sets the process's environment.

use serde_json::json;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn from_env_reads_the_key_and_the_base_url() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/customers/cus_1"))
        .and(header("authorization", "Bearer sk_test_from_env"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "cus_1", "object": "customer"})))
        .expect(1)
        .mount(&server)
        .await;
    // SAFETY: this binary's only test, so no other thread reads the environment meanwhile.
    unsafe {
        std::env::remove_var("ATLAS_API_KEY");
        std::env::set_var("ATLAS_BASE_URL", format!("{}/v1", server.uri()));
    }
    let err = atlaspay::Client::from_env().unwrap_err();
    assert!(err.to_string().contains("ATLAS_API_KEY"), "{err}");

    // SAFETY: as above.
    unsafe { std::env::set_var("ATLAS_API_KEY", "sk_test_from_env") };
    let atlas = atlaspay::Client::from_env().unwrap();
    let customer = atlas.customers().retrieve("cus_1").await.unwrap();
    assert_eq!(customer.id, "cus_1");

    // An empty base URL is no base URL: the default stays.
    // SAFETY: as above.
    unsafe { std::env::set_var("ATLAS_BASE_URL", "") };
    let atlas = atlaspay::Client::from_env().unwrap();
    assert!(format!("{atlas:?}").contains("https://"), "{atlas:?}");
}
