"""Render feeds/index.html in headless Chromium and check what a visitor sees.

Usage: check_page.py INDEX_HTML [SCREENSHOT_DIR]

At 390 px and 1280 px wide: nothing overflows horizontally, every link to a
feed file resolves to a file that exists, and the browser finds one
autodiscovery link per feed file. Prints one JSON line per width; exits 1 on
the first failed check.
"""
import json
import os
import sys
from urllib.parse import unquote, urlparse

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

page = os.path.abspath(sys.argv[1])
shots = sys.argv[2] if len(sys.argv) > 2 else None

options = webdriver.ChromeOptions()
options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
for flag in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
             "--no-first-run", "--disable-background-networking",
             "--disable-component-update", "--disable-sync",
             "--hide-scrollbars"]:
    options.add_argument(flag)
service = Service(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver"))
driver = webdriver.Chrome(options=options, service=service)
failures = []
try:
    for width in (390, 1280):
        driver.set_window_size(width, 900)
        driver.get("file://" + page)
        # The layout viewport, not the window: what the page has to fit.
        viewport = driver.execute_script("return document.documentElement.clientWidth")
        scroll = driver.execute_script("return document.documentElement.scrollWidth")
        wide = driver.execute_script("""
            const w = document.documentElement.clientWidth;
            return [...document.querySelectorAll('body *')]
              .filter(e => e.getBoundingClientRect().right > w + 0.5)
              .map(e => e.tagName + '.' + e.className).slice(0, 5);""")
        discovered = driver.execute_script("""
            return [...document.querySelectorAll('link[rel=alternate]')]
              .map(l => [l.type, l.href]);""")
        links = driver.execute_script("""
            return [...document.querySelectorAll('a[href]')].map(a => a.href)
              .filter(h => h.startsWith('file:'));""")
        missing = [h for h in links + [h for _, h in discovered]
                   if not os.path.isfile(unquote(urlparse(h).path))]
        report = {"width": width, "viewport": viewport, "scroll_width": scroll,
                  "overflowing": wide, "discovery_links": len(discovered),
                  "local_links": len(links), "missing": missing}
        print(json.dumps(report))
        if scroll > viewport or wide:
            failures.append(f"{width}px: page is {scroll}px wide in a {viewport}px viewport: {wide}")
        if missing:
            failures.append(f"{width}px: links to missing files: {missing}")
        if not discovered:
            failures.append(f"{width}px: no autodiscovery link found")
        if shots:
            driver.save_screenshot(os.path.join(shots, f"feeds-page-{width}.png"))
finally:
    driver.quit()
if failures:
    print("\n".join(failures), file=sys.stderr)
    sys.exit(1)
