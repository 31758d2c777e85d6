//! The stored-record decoders: any text as a pending record and as our sessionStorage
//! index. Oracle: no panic; whatever decodes encodes back to text that decodes to the
//! same thing (so nothing is lost or changed across a save and a load), and every entry
//! of a decoded index carries a state of our shape (a `done` marker: the first
//! `DONE_ID_LEN` characters of one). An index loaded as stored (not written anew until
//! its first edit) answers as the decoded one, and its first edit writes the same text.
#![no_main]

use bank_link::core::entropy::{is_base64url, is_token};
use bank_link::core::pending::PendingFlow;
use bank_link::core::store::{Index, IndexCopy, DONE_ID_LEN};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Some(flow) = PendingFlow::from_record(&text, 1, 2) {
        let again = PendingFlow::from_record(&flow.to_record(), 1, 2);
        assert_eq!(again.as_ref(), Some(&flow), "a record does not survive a round trip: {text:?}");
    }
    let index = Index::parse(&text);
    assert!(index.entries().all(|e| is_token(e.state)));
    assert!(index.markers().all(|e| e.state.len() == DONE_ID_LEN && is_base64url(e.state)));
    let reparsed = Index::parse(&index.serialize());
    assert_eq!(reparsed, index, "an index does not survive a round trip: {text:?}");
    let Ok(mut stored) = Index::load(&IndexCopy(Some(text.to_string()))) else { panic!("in memory") };
    assert!(stored.entries().eq(index.entries()), "a stored index reads other flows: {text:?}");
    assert!(stored.markers().eq(index.markers()), "a stored index reads other markers: {text:?}");
    let first = index.entries().next().map_or(String::new(), |e| e.state.to_owned());
    let mut parsed = index.clone();
    stored.remove(&first);
    parsed.remove(&first);
    assert_eq!(stored, parsed, "a stored index's first edit writes other text: {text:?}");
});
