//! The `webhooks!` macro as a user sees it: what must build, and what must fail with which
//! message at which token. Bless changed `.stderr` files with `TRYBUILD=overwrite` and review
//! the diff.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("ui/pass/*.rs");
    t.compile_fail("ui/fail/*.rs");
}
