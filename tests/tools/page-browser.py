#!/usr/bin/python3
"""Drive the operator's page (GET /) in Debian's headless chromium.

    page-browser.py URL PROFILE_DIR SCREENSHOT [--container NAME] [--pin TAG]

The API token comes from the environment (REDOCK_PAGE_TOKEN), never the
command line; it is sent as Basic's password on every request through
CDP's Network.setExtraHTTPHeaders, as a browser that logged in sends it.

Prints one JSON object of what the browser saw, for the test to assert
on: the containers' and history's rows as the page shows them, the
message after a pin through the page's own control, every console entry
(a CSP violation is one), and whether the page's script ran at all.
Every wait is bounded (WAIT seconds)."""
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


def browser(profile):
    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    for a in ("--headless=new", "--no-sandbox",           # as root, in a container
              "--user-data-dir=" + profile, "--disable-gpu", "--disable-dev-shm-usage",
              "--window-size=1400,1000", "--no-first-run", "--no-default-browser-check",
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
        row = {"data": {k: tr.get_attribute("data-" + k) for k in ("name", "target", "id")}}
        for c in classes:
            found = tr.find_elements(By.CSS_SELECTOR, "td." + c)
            row[c] = found[0].text if found else None
        row["text"] = tr.text
        out.append(row)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("url")
    ap.add_argument("profile")
    ap.add_argument("screenshot")
    ap.add_argument("--container")
    ap.add_argument("--pin")
    a = ap.parse_args()
    token = os.environ.get("REDOCK_PAGE_TOKEN", "")
    seen = {"loaded": False, "containers": [], "history": [], "pin": None, "console": [], "error": None}

    driver = browser(a.profile)
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
        seen["containers"] = rows(driver, "containers", "name", "image", "pinned", "auto-deploy")
        seen["history"] = rows(driver, "history", "target", "outcome")
        seen["docker"] = driver.find_element(By.ID, "docker").text

        if seen["loaded"] and a.container and a.pin:
            tr = [t for t in driver.find_elements(By.CSS_SELECTOR, "#containers tbody tr")
                  if t.get_attribute("data-name") == a.container]
            if not tr:
                seen["error"] = "no row for " + a.container
            else:
                loads = driver.execute_script("return document.body.dataset.loaded")
                tr[0].find_element(By.CSS_SELECTOR, "input.pin-tag").send_keys(a.pin)
                tr[0].find_element(By.CSS_SELECTOR, "button.pin").click()
                try:
                    # the answer is shown, then the page loads again
                    wait.until(lambda d: d.find_element(By.ID, "message").get_attribute("data-state")
                               in ("ok", "error")
                               and d.execute_script("return document.body.dataset.loaded") != loads)
                except TimeoutException:
                    pass
                msg = driver.find_element(By.ID, "message")
                seen["pin"] = {"state": msg.get_attribute("data-state"), "text": msg.text}
                seen["containers"] = rows(driver, "containers", "name", "image", "pinned", "auto-deploy")
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
