#!/usr/bin/python3
"""Drive the operator's page (GET /) in Debian's headless chromium.

    page-browser.py URL PROFILE_DIR SCREENSHOT [--container NAME]
                    [--pin TAG | --click reset|auto|approve|reject]
                    [--window WIDTHxHEIGHT]

The API token comes from the environment (REDOCK_PAGE_TOKEN), never the
command line; it is sent as Basic's password on every request through
CDP's Network.setExtraHTTPHeaders, as a browser that logged in sends it.

With --pin or --click, one of the page's own controls is used: --pin
types TAG into NAME's row of the containers' table and presses its Pin
button; --click reset|auto presses that row's Reset or auto-deploy
switch; --click approve|reject presses the button of NAME's row in the
pending approvals' table.  The page's answer (#message) is then read as
a user sees it: its text, whether it is displayed, whether it is inside
the window without scrolling back, and its colour.

Prints one JSON object of what the browser saw, for the test to assert
on: the containers', pending approvals' and history's rows as the page
shows them (before and after the control), the message, every console
entry (a CSP violation is one), and whether the page's script ran at
all.  Every wait is bounded (WAIT seconds)."""
import argparse
import base64
import json
import os
import sys

from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

WAIT = 30


def browser(profile, window):
    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    for a in ("--headless=new", "--no-sandbox",           # as root, in a container
              "--user-data-dir=" + profile, "--disable-gpu", "--disable-dev-shm-usage",
              "--window-size=" + window.replace("x", ","), "--no-first-run", "--no-default-browser-check",
              # nothing but the page: no update checks, sync or telemetry
              "--disable-background-networking", "--disable-component-update",
              "--disable-sync", "--disable-default-apps", "--disable-extensions",
              "--disable-domain-reliability", "--metrics-recording-only"):
        opts.add_argument(a)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)


def rows(driver, table, *classes):
    out = []
    for tr in driver.find_elements(By.CSS_SELECTOR, "#%s tbody tr" % table):
        row = {"data": {k: tr.get_attribute("data-" + k) for k in ("name", "target", "id", "container")}}
        for c in classes:
            found = tr.find_elements(By.CSS_SELECTOR, "td." + c)
            row[c] = found[0].text if found else None
            if found and found[0].get_attribute("title"):
                row[c + "-title"] = found[0].get_attribute("title")
        row["buttons"] = [b.text for b in tr.find_elements(By.CSS_SELECTOR, "button")]
        row["text"] = tr.text
        out.append(row)
    return out


def look(driver, seen):
    seen["containers"] = rows(driver, "containers", "name", "image", "digest", "pinned", "auto-deploy")
    seen["pending"] = rows(driver, "pending", "id", "container", "from", "to")
    seen["history"] = rows(driver, "history", "target", "outcome")
    seen["docker"] = driver.find_element(By.ID, "docker").text
    seen["errors"] = [li.text for li in driver.find_elements(By.CSS_SELECTOR, "#errors li")]


# The control to press: (table, row attribute, button's CSS selector)
CONTROLS = {"pin": ("containers", "data-name", "button.pin"),
            "reset": ("containers", "data-name", "button.reset"),
            "auto": ("containers", "data-name", "button.auto"),
            "approve": ("pending", "data-container", "button.approve"),
            "reject": ("pending", "data-container", "button.reject")}


def press(driver, wait, what, name, tag):
    """Press what's button in name's row; the page's answer, as shown."""
    table, attr, sel = CONTROLS[what]
    tr = [t for t in driver.find_elements(By.CSS_SELECTOR, "#%s tbody tr" % table)
          if t.get_attribute(attr) == name]
    if not tr:
        raise LookupError("no row for %s in #%s" % (name, table))
    loads = driver.execute_script("return document.body.dataset.loaded")
    if what == "pin":
        tr[0].find_element(By.CSS_SELECTOR, "input.pin-tag").send_keys(tag)
    button = tr[0].find_element(By.CSS_SELECTOR, sel)
    pressed = button.text
    # every text the message shows from the press on, the passing ones too
    driver.execute_script(
        "const m = document.getElementById('message'); window.redockSaid = [];"
        "new MutationObserver(() => window.redockSaid.push(m.textContent))"
        ".observe(m, {childList: true, characterData: true, subtree: true});")
    button.click()
    try:
        # the answer is shown (after an approval, once the page has seen
        # the update through: up to a minute), then the page loads again
        WebDriverWait(driver, 90, poll_frequency=0.2).until(lambda d: d.find_element(By.ID, "message").get_attribute("data-state") in ("ok", "error")
                   and d.execute_script("return document.body.dataset.loaded") != loads)
    except TimeoutException:
        pass
    msg = driver.find_element(By.ID, "message")
    # inside the window as it is now: the user pressed a button further
    # down and has not scrolled back
    inside = driver.execute_script(
        "const r = arguments[0].getBoundingClientRect();"
        "return r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight;", msg)
    said = []
    for t in driver.execute_script("return window.redockSaid || []"):
        if not said or said[-1] != t:
            said.append(t)
    return {"what": what, "button": pressed, "state": msg.get_attribute("data-state"), "text": msg.text,
            "said": said,
            "displayed": msg.is_displayed(), "in_window": bool(inside),
            "color": msg.value_of_css_property("color"),
            "scroll_y": driver.execute_script("return window.scrollY")}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("url")
    ap.add_argument("profile")
    ap.add_argument("screenshot")
    ap.add_argument("--container")
    ap.add_argument("--pin")
    ap.add_argument("--click", choices=("reset", "auto", "approve", "reject"))
    ap.add_argument("--window", default="1400x1000")
    a = ap.parse_args()
    what = "pin" if a.pin else a.click
    if what and not a.container:
        ap.error("--pin and --click want --container")
    token = os.environ.get("REDOCK_PAGE_TOKEN", "")
    seen = {"loaded": False, "containers": [], "pending": [], "history": [], "before": None, "action": None,
            "console": [], "error": None}

    driver = browser(a.profile, a.window)
    try:
        driver.execute_cdp_cmd("Network.enable", {})
        basic = base64.b64encode(("operator:" + token).encode()).decode()
        driver.execute_cdp_cmd("Network.setExtraHTTPHeaders", {"headers": {"Authorization": "Basic " + basic}})
        driver.get(a.url)
        wait = WebDriverWait(driver, WAIT, poll_frequency=0.2)
        # the script ran (only it sets data-loaded) and the first load is over
        try:
            wait.until(lambda d: d.execute_script("return document.body.dataset.loaded || ''") != "")
            seen["loaded"] = True
        except TimeoutException:
            seen["error"] = "the page's script never finished a load"
        if seen["loaded"] and a.container:
            try:
                wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#containers tr[data-name]"))
            except TimeoutException:
                pass
        look(driver, seen)
        if seen["loaded"] and what:
            seen["before"] = {k: seen[k] for k in ("containers", "pending")}
            seen["action"] = press(driver, wait, what, a.container, a.pin)
            look(driver, seen)
        seen["console"] = [{"level": e.get("level"), "message": e.get("message")}
                           for e in driver.get_log("browser")]
    except Exception as e:  # reported, for the test to fail on
        seen["error"] = "%s: %s" % (type(e).__name__, e)
    finally:
        # kept whatever happened: what the page showed is the evidence
        try:
            driver.save_screenshot(a.screenshot)
        except Exception as e:
            seen["error"] = seen["error"] or "screenshot: %s" % e
        driver.quit()
    json.dump(seen, sys.stdout, indent=1)
    print()
    return 0 if seen["error"] is None else 1


if __name__ == "__main__":
    sys.exit(main())
