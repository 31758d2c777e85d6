//! `storage: "local"` in real browsers: a flow kept in localStorage, handled by
//! `handleCallback(location, { storage: "local" })` as a tab that did not start it would
//! (this tab's sessionStorage holds nothing of it), the claim that keeps it single-use
//! across tabs, and the sweep that keeps nothing past its TTL. Two real tabs racing, and
//! a callback opened in a new browsing context, are in the end-to-end suite.
#![cfg(target_arch = "wasm32")]

use bank_link::core::claim::{claim_key, claim_value};
use bank_link::core::store::{done_id, Index, INDEX_KEY};
use bank_link::web::{handle_callback, start_authorization};
use js_sys::{Promise, JSON};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

mod common;
use common::browser::{code_of, get, origin, window};

fn local() -> web_sys::Storage {
    window().local_storage().unwrap().unwrap()
}

fn session() -> web_sys::Storage {
    window().session_storage().unwrap().unwrap()
}

fn index(area: &web_sys::Storage) -> Index {
    Index::parse(&area.get_item(INDEX_KEY).unwrap().unwrap_or_default())
}

fn clear() {
    local().clear().unwrap();
    session().remove_item(INDEX_KEY).unwrap();
}

fn local_option() -> JsValue {
    JSON::parse(r#"{"storage":"local"}"#).unwrap()
}

/// Starts a `storage: "local"` flow without navigating: its state.
async fn start_local(extra: &str) -> String {
    let json = format!(
        r#"{{"provider":"oauth2","authorizeUrl":"https://as.example/authorize","clientId":"c","redirectUri":"{}/cb","navigate":false,"storage":"local"{extra}}}"#,
        origin()
    );
    let started = JsFuture::from(start_authorization(JSON::parse(&json).unwrap())).await.unwrap();
    get(&started, "state").as_string().unwrap()
}

/// `handleCallback(url, { storage: "local" })`: it must return a Promise.
async fn handle_local(url: &str) -> Result<JsValue, JsValue> {
    let p = handle_callback(url.into(), local_option()).unwrap();
    assert!(p.is_instance_of::<Promise>(), "{p:?}");
    JsFuture::from(p.unchecked_into::<Promise>()).await
}

#[wasm_bindgen_test]
async fn a_local_flow_completes_in_a_tab_that_did_not_start_it_once() {
    clear();
    let state = start_local("").await;
    assert_eq!(index(&local()).pending.len(), 1, "the flow is in localStorage");
    assert!(index(&session()).pending.is_empty(), "and not in this tab's sessionStorage");
    let url = format!("{}/cb?code=local-code&state={state}", origin());
    let r = handle_local(&url).await.unwrap();
    assert_eq!(get(&r, "ok"), JsValue::TRUE);
    assert_eq!(get(&r, "code").as_string().as_deref(), Some("local-code"));
    assert_eq!(get(&r, "codeVerifier").as_string().map(|v| v.len()), Some(43));
    // The same URL again in this page: the same answer (React StrictMode).
    let again = handle_local(&url).await.unwrap();
    assert_eq!(get(&again, "code").as_string().as_deref(), Some("local-code"));
    completed_once(&state, &url).await;
    clear();
}

/// After `state`'s flow completed through `url`: in localStorage its `done` marker alone,
/// no claim left, and a replay under another URL (a reload in another tab) refused.
async fn completed_once(state: &str, url: &str) {
    let after = index(&local());
    assert!(after.pending.is_empty(), "{after:?}");
    assert_eq!(after.done.iter().map(|(s, _)| s.as_str()).collect::<Vec<_>>(), [done_id(state)]);
    assert_eq!(local().get_item(&claim_key(state)).unwrap(), None, "the claim goes once the flow is done");
    let replay = handle_local(&format!("{url}&x=1")).await.unwrap_err();
    assert_eq!(code_of(&replay), "already_handled");
}

#[wasm_bindgen_test]
async fn two_calls_at_once_in_one_page_share_one_answer() {
    clear();
    let state = start_local("").await;
    let url = format!("{}/cb?code=c2&state={state}", origin());
    let first = handle_callback(url.as_str().into(), local_option()).unwrap();
    let second = handle_callback(url.as_str().into(), local_option()).unwrap();
    let (a, b) = (
        JsFuture::from(first.unchecked_into::<Promise>()).await.unwrap(),
        JsFuture::from(second.unchecked_into::<Promise>()).await.unwrap(),
    );
    assert_eq!(get(&a, "code").as_string().as_deref(), Some("c2"));
    assert_eq!(get(&b, "code").as_string().as_deref(), Some("c2"));
    clear();
}

#[wasm_bindgen_test]
async fn a_flow_another_tab_is_claiming_is_already_handled_and_stays() {
    clear();
    let state = start_local("").await;
    let now = js_sys::Date::now() as u64;
    local().set_item(&claim_key(&state), &claim_value("other-tab", now)).unwrap();
    let url = format!("{}/cb?code=c3&state={state}", origin());
    assert_eq!(code_of(&handle_local(&url).await.unwrap_err()), "already_handled");
    assert_eq!(index(&local()).pending.len(), 1, "the other tab's flow is not touched");
    // A claim whose tab closed during its wait is stale after 5 s: taken over.
    local().set_item(&claim_key(&state), &claim_value("closed-tab", now - 6_000)).unwrap();
    let r = handle_local(&format!("{url}&retry=1")).await.unwrap();
    assert_eq!(get(&r, "code").as_string().as_deref(), Some("c3"));
    clear();
}

#[wasm_bindgen_test]
async fn without_the_option_a_local_flow_is_unknown_here_and_this_tab_s_own_flows_still_work() {
    clear();
    let state = start_local("").await;
    let url = format!("{}/cb?code=c4&state={state}", origin());
    let e = handle_callback(url.as_str().into(), JsValue::UNDEFINED).unwrap_err();
    assert_eq!(code_of(&e), "unknown_state", "the sync path reads this tab's sessionStorage only");
    assert_eq!(index(&local()).pending.len(), 1);
    // A session flow of this tab, handled with the option: the usual path, same answer.
    let json = format!(
        r#"{{"provider":"oauth2","authorizeUrl":"https://as.example/authorize","clientId":"c","redirectUri":"{}/cb","navigate":false}}"#,
        origin()
    );
    let own = JsFuture::from(start_authorization(JSON::parse(&json).unwrap())).await.unwrap();
    let own_url = format!("{}/cb?code=c5&state={}", origin(), get(&own, "state").as_string().unwrap());
    let r = handle_local(&own_url).await.unwrap();
    assert_eq!(get(&r, "code").as_string().as_deref(), Some("c5"));
    assert!(index(&session()).pending.is_empty());
    clear();
}

#[wasm_bindgen_test]
async fn expired_local_flows_are_swept_at_every_local_start_and_callback() {
    // A browser restarted an hour later: localStorage still holds a flow long expired.
    clear();
    let stale = "S".repeat(43);
    local().set_item(INDEX_KEY, &format!("p.{stale}.1000.2000.v=1&provider=oauth2")).unwrap();
    let r = handle_local(&format!("{}/cb?nothing=here", origin())).await.unwrap();
    assert!(r.is_null(), "no callback: null");
    assert_eq!(local().get_item(INDEX_KEY).unwrap(), None, "swept at a callback");
    local().set_item(INDEX_KEY, &format!("p.{stale}.1000.2000.v=1&provider=oauth2")).unwrap();
    let state = start_local("").await;
    let left: Vec<String> = index(&local()).pending.into_iter().map(|e| e.state).collect();
    assert_eq!(left, [state], "swept at a start");
    clear();
}

#[wasm_bindgen_test]
async fn local_storage_that_throws_is_storage_unavailable_and_bad_options_are_refused() {
    clear();
    let restore: js_sys::Function = js_sys::Function::new_no_args(
        "const d = Object.getOwnPropertyDescriptor(window, 'localStorage');
         Object.defineProperty(window, 'localStorage', { configurable: true, get() { throw new DOMException('no', 'SecurityError'); } });
         return () => Object.defineProperty(window, 'localStorage', d);",
    )
    .call0(&JsValue::NULL)
    .unwrap()
    .unchecked_into();
    let json = format!(
        r#"{{"provider":"oauth2","authorizeUrl":"https://as.example/authorize","clientId":"c","redirectUri":"{}/cb","navigate":false,"storage":"local"}}"#,
        origin()
    );
    let started = JsFuture::from(start_authorization(JSON::parse(&json).unwrap())).await;
    let callback = handle_local(&format!("{}/cb?code=x&state={}", origin(), "Q".repeat(43))).await;
    restore.call0(&JsValue::NULL).unwrap();
    assert_eq!(code_of(&started.unwrap_err()), "storage_unavailable");
    assert_eq!(code_of(&callback.unwrap_err()), "storage_unavailable");
    let bad = JSON::parse(r#"{"storage":"indexedDB"}"#).unwrap();
    let e = handle_callback(format!("{}/cb", origin()).into(), bad).unwrap_err();
    assert_eq!((code_of(&e), get(&e, "field").as_string()), ("invalid_config".into(), Some("storage".into())));
    clear();
}

/// A popup flow's copy in localStorage (the opener's, written at `startAuthorization`),
/// made here from a local flow by its record's mode: what a tab the bank's app opened
/// finds, with no copy in its own sessionStorage and no opener.
async fn popup_copy_in_local_storage() -> String {
    let state = start_local("").await;
    let blob = local().get_item(INDEX_KEY).unwrap().unwrap();
    assert!(blob.contains("&mode=redirect"), "{blob}");
    local().set_item(INDEX_KEY, &blob.replace("&mode=redirect", "&mode=popup")).unwrap();
    state
}

#[wasm_bindgen_test]
async fn a_popup_flow_s_answer_in_another_tab_goes_to_the_opener_on_its_channel_and_is_handled_here_if_none_answers() {
    clear();
    let state = popup_copy_in_local_storage().await;
    // The opener's side of the channel: it records what arrives, and says nothing back.
    let heard = js_sys::Array::new();
    let channel = web_sys::BroadcastChannel::new(&format!("bank-link:{state}")).unwrap();
    let sink = heard.clone();
    let on_message =
        wasm_bindgen::closure::Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
            sink.push(&e.data());
        });
    channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    let url = format!("{}/cb?code=relayed-code&state={state}", origin());
    let t = js_sys::Date::now();
    let r = handle_local(&url).await.unwrap();
    let waited = js_sys::Date::now() - t;
    channel.close();
    // The relay went out on the flow's channel, shaped as a popup's.
    assert_eq!(heard.length(), 1, "one relay on the channel");
    let relay = heard.get(0);
    assert_eq!(get(&relay, "type").as_string().as_deref(), Some("bank-link:callback"));
    assert_eq!(get(&relay, "state").as_string().as_deref(), Some(state.as_str()));
    assert_eq!(get(&relay, "href").as_string().as_deref(), Some(url.as_str()));
    // No settled word within the wait: the opener is gone, and this tab completed the flow,
    // once, through the claim (the wait, then the claim's own).
    assert!(waited >= 1500.0, "answered after {waited} ms, before the wait for the opener ended");
    assert_eq!(get(&r, "ok"), JsValue::TRUE);
    assert_eq!(get(&r, "code").as_string().as_deref(), Some("relayed-code"));
    completed_once(&state, &url).await;
    clear();
}

#[wasm_bindgen_test]
async fn a_popup_flow_the_opener_is_completing_is_left_to_it_and_this_tab_says_return_to_the_app() {
    clear();
    let state = popup_copy_in_local_storage().await;
    // The opener heard the relay and claimed the flow, but its claim's wait outlasts this
    // tab's (a background tab's throttled timers): no settled word within the wait.
    let claim = claim_value("the-opener", js_sys::Date::now() as u64);
    local().set_item(&claim_key(&state), &claim).unwrap();
    // The page this tab would replace with its message: a stand-in body, so the test
    // runner's own page stays.
    let body: js_sys::Function = js_sys::eval(
        "(() => { const b = { textContent: '' }; Object.defineProperty(document, 'body', \
           { get: () => b, configurable: true }); return () => { delete document.body; return b.textContent } })()",
    )
    .unwrap()
    .unchecked_into();
    let url = format!("{}/cb?code=c&state={state}", origin());
    let r = handle_local(&url).await;
    let said = body.call0(&JsValue::NULL).unwrap().as_string().unwrap_or_default();
    assert!(r.unwrap().is_null(), "this tab's part is done: null");
    assert!(said.contains("You can return to the app"), "{said:?}");
    assert_eq!(index(&local()).pending.len(), 1, "the flow stays the opener's");
    clear();
}
