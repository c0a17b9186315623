//! The web page's access rules, over HTTP on 127.0.0.1: it asks for a token, keeps a session
//! cookie that is not the token, never shows a token, and never shows or acts on another
//! user's runs, webhooks or dispatches. (The browser test in tests/browser drives the pages.)

use apify_webhooks_emulator::{Config, DEFAULT_TOKEN, Emulator};
use reqwest::StatusCode;
use reqwest::redirect::Policy;
use std::time::Duration;

const OTHER_TOKEN: &str = "someone-elses-token";

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .unwrap()
}

/// Signs in; returns the `Cookie` header value for the session.
async fn sign_in(em: &Emulator, token: &str) -> String {
    let resp = client()
        .post(format!("{}/ui/login", em.url()))
        .form(&[("token", token)])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let set = resp.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Strict"),
        "{set}"
    );
    assert!(!set.contains(token), "the cookie must not be the token");
    set.split(';').next().unwrap().to_owned()
}

async fn get(em: &Emulator, path: &str, cookie: Option<&str>) -> (StatusCode, String) {
    let mut req = client().get(format!("{}{path}", em.url()));
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    let resp = req.send().await.unwrap();
    (resp.status(), resp.text().await.unwrap())
}

async fn post(em: &Emulator, path: &str, cookie: &str) -> StatusCode {
    client()
        .post(format!("{}{path}", em.url()))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn the_page_shows_only_the_signed_in_users_data() {
    let em = Emulator::start(
        Config::default()
            .token(OTHER_TOKEN, "OtherUser00000001")
            .retry(Duration::from_millis(20), 0),
    )
    .await
    .unwrap();
    // User A: a run with an ad-hoc webhook to a closed port (so its dispatch fails).
    let hooks = r#"[{"eventTypes":["ACTOR.RUN.SUCCEEDED"],"requestUrl":"http://127.0.0.1:9/hook?token=secret-in-url"}]"#;
    let param = apify_webhooks_core::encode::to_query_value(&apify_webhooks_core::encode::base64(
        hooks.as_bytes(),
    ));
    let run: serde_json::Value = client()
        .post(format!(
            "{}/v2/acts/scripted~succeeds/runs?waitForFinish=10&webhooks={param}",
            em.url()
        ))
        .bearer_auth(DEFAULT_TOKEN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let run_id = run["data"]["id"].as_str().unwrap().to_owned();
    assert!(em.settle(Duration::from_secs(10)).await);
    let dispatch = em.dispatches()[0]["id"].as_str().unwrap().to_owned();
    let webhook = em.webhooks()[0]["id"].as_str().unwrap().to_owned();

    // Without a session: the sign-in form, and other pages send you there.
    let (status, body) = get(&em, "/", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains(r#"name="token""#) && !body.contains(&run_id));
    for path in [
        "/ui/dispatches",
        &format!("/ui/runs/{run_id}"),
        &format!("/ui/dispatches/{dispatch}"),
    ] {
        assert_eq!(
            get(&em, path, None).await.0,
            StatusCode::SEE_OTHER,
            "{path}"
        );
    }
    let (status, _) = get(&em, "/", Some("apify_webhooks_session=guessed")).await;
    assert_eq!(status, StatusCode::OK);
    let wrong = client()
        .post(format!("{}/ui/login", em.url()))
        .form(&[("token", "wrong")])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);

    // User A sees the run, its webhook and its failed dispatch; no token anywhere.
    let a = sign_in(&em, DEFAULT_TOKEN).await;
    let pages = [
        ("/".to_owned(), &run_id),
        (format!("/ui/runs/{run_id}"), &webhook),
        (format!("/ui/dispatches/{dispatch}"), &run_id),
        ("/ui/webhooks".to_owned(), &webhook),
        ("/ui/dispatches".to_owned(), &dispatch),
    ];
    for (path, shown) in pages {
        let (status, body) = get(&em, &path, Some(&a)).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(
            body.contains(shown.as_str()),
            "{path} does not show {shown}"
        );
        assert!(
            !body.contains(DEFAULT_TOKEN) && !body.contains("secret-in-url"),
            "{path} shows a token"
        );
    }

    // User B sees none of it and cannot act on it.
    let b = sign_in(&em, OTHER_TOKEN).await;
    let (_, body) = get(&em, "/", Some(&b)).await;
    assert!(!body.contains(&run_id));
    let (_, body) = get(&em, "/ui/dispatches", Some(&b)).await;
    assert!(!body.contains(&dispatch));
    let (_, body) = get(&em, "/ui/webhooks", Some(&b)).await;
    assert!(!body.contains(&webhook));
    assert_eq!(
        get(&em, &format!("/ui/runs/{run_id}"), Some(&b)).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(&em, &format!("/ui/dispatches/{dispatch}"), Some(&b))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        post(&em, &format!("/ui/dispatches/{dispatch}/retry"), &b).await,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        post(&em, &format!("/ui/webhooks/{webhook}/test"), &b).await,
        StatusCode::NOT_FOUND
    );
    assert_eq!(em.dispatches().len(), 1, "B's attempts created nothing");
    assert_eq!(
        em.dispatches()[0]["calls"].as_array().unwrap().len(),
        1,
        "and retried nothing"
    );

    // A's retry works; signing out ends the session.
    assert_eq!(
        post(&em, &format!("/ui/dispatches/{dispatch}/retry"), &a).await,
        StatusCode::SEE_OTHER
    );
    assert!(em.settle(Duration::from_secs(10)).await);
    assert_eq!(em.dispatches()[0]["calls"].as_array().unwrap().len(), 2);
    assert_eq!(post(&em, "/ui/logout", &a).await, StatusCode::SEE_OTHER);
    let (_, body) = get(&em, "/", Some(&a)).await;
    assert!(body.contains(r#"name="token""#) && !body.contains(&run_id));
    em.shutdown().await;
}
