"""Drives chatserver's chat page (GET /) in a real headless Chromium, through Selenium and chromedriver.

Usage: browser_chat_test.py PAGE_URL --name NAME --room ROOM --peer PEER
           --history-text TEXT --peer-text TEXT --say TEXT --whisper TEXT

Run by Tests/ChatKitTests/WebPageTests.swift, whose ChatKit client PEER is in ROOM and has already said
HISTORY_TEXT there. The script opens the page, joins ROOM as NAME, checks the history and the member
list, waits for PEER_TEXT (which the Swift side sends once NAME is in the room) and checks that it is shown
as literal text with no element created from it, says SAY, whispers WHISPER to PEER, then disconnects and
checks the close code shown. Every wait is bounded. Exits 0 and prints a JSON summary, or exits 1 with
what went wrong, the page's message list and the browser console on stderr.

With CHATKIT_PAGE_SCREENSHOT=/tmp/page.png in the environment, it saves a screenshot of the conversation.
"""
import argparse
import json
import os
import shutil
import sys
import traceback

from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

# Seconds any one condition may take; the Swift side's message comes only after it has seen NAME join.
WAIT_SECONDS = 45


def start_browser():
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_path = shutil.which("chromedriver")
    if not chromium or not driver_path:
        raise SystemExit("chromium or chromedriver is missing: run `bash .ci/install-deps`")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--window-size=1100,640", "--no-first-run", "--disable-extensions"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    # An explicit driver path: Selenium Manager never tries to download anything.
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    driver.set_page_load_timeout(WAIT_SECONDS)
    return driver


def wait_for(driver, what, condition):
    """Polls `condition(driver)` until it returns something truthy, for at most WAIT_SECONDS."""
    return WebDriverWait(driver, WAIT_SECONDS, poll_frequency=0.05).until(condition, message=f"waiting for {what}")


def log_lines(driver, css_class=None):
    """The message list as (class, textContent without the time) pairs, straight from the DOM."""
    return driver.execute_script(
        """
        return [...document.querySelectorAll("#log li")]
            .filter((li) => !arguments[0] || li.classList.contains(arguments[0]))
            .map((li) => [li.className, li.lastChild.textContent]);
        """,
        css_class,
    )


def line_shown(css_class, text):
    return lambda driver: any(content == text for _, content in log_lines(driver, css_class))


def type_line(driver, text):
    field = driver.find_element(By.ID, "text")
    field.send_keys(text)
    field.send_keys(Keys.ENTER)
    wait_for(driver, "the message field to clear", lambda d: d.find_element(By.ID, "text").get_property("value") == "")


def run(driver, args):
    summary = {}
    driver.get(args.url)
    # The script ran (so the policy allowed it) when the name field has its generated default.
    wait_for(driver, "the page script", lambda d: d.find_element(By.ID, "name").get_property("value").startswith("watcher-"))
    summary["title"] = driver.title

    for field_id, value in (("name", args.name), ("room", args.room)):
        field = driver.find_element(By.ID, field_id)
        field.clear()
        field.send_keys(value)
    driver.find_element(By.ID, "connect-button").click()
    wait_for(driver, "the connection", lambda d: d.find_element(By.ID, "status").text == f"Connected as {args.name}.")
    wait_for(driver, "the message field", lambda d: d.find_element(By.ID, "text").is_enabled())

    history = f"[{args.room}] {args.peer}: {args.history_text}"
    wait_for(driver, f"history line {history!r}", line_shown("history", history))
    members = wait_for(
        driver, "both names in the member list",
        lambda d: (names := [li.text for li in d.find_elements(By.CSS_SELECTOR, "#members li")])
        and {args.name, args.peer} <= set(names) and names)
    summary["members"] = members
    summary["current_room"] = driver.find_element(By.ID, "current-room").text

    # The Swift side sends markup once it sees us in the room: it must arrive as text, nothing else.
    peer_line = f"[{args.room}] {args.peer}: {args.peer_text}"
    wait_for(driver, f"message {peer_line!r}", line_shown("message", peer_line))
    injected = driver.find_elements(By.CSS_SELECTOR, "#log img, #log b, #log script, body img")
    if injected:
        raise AssertionError(f"user text created elements: {[element.tag_name for element in injected]}")
    visible = [li.text for li in driver.find_elements(By.CSS_SELECTOR, "#log li.message")]
    if not any(text.endswith(peer_line) for text in visible):
        raise AssertionError(f"{peer_line!r} is not visible as text; visible lines: {visible}")
    try:
        alert = driver.switch_to.alert
        raise AssertionError(f"an alert opened: {alert.text!r}")
    except NoAlertPresentException:
        pass
    summary["peer_line_visible"] = True

    type_line(driver, args.say)
    wait_for(driver, "our own message echoed", line_shown("message", f"[{args.room}] {args.name}: {args.say}"))
    type_line(driver, f"/w {args.peer} {args.whisper}")
    wait_for(driver, "our whisper echoed",
             line_shown("whisper", f"{args.name} → {args.peer} (whisper): {args.whisper}"))

    screenshot = os.environ.get("CHATKIT_PAGE_SCREENSHOT")
    if screenshot:
        driver.save_screenshot(screenshot)
        summary["screenshot"] = screenshot

    driver.find_element(By.ID, "connect-button").click()
    wait_for(driver, "the close code", line_shown("closed", "Disconnected: close code 1000."))
    wait_for(driver, "the form to come back", lambda d: d.find_element(By.ID, "name").is_enabled())

    violations = [entry["message"] for entry in driver.get_log("browser")
                  if "Content Security Policy" in entry["message"] or "Refused to" in entry["message"]]
    if violations:
        raise AssertionError(f"the page broke its own Content-Security-Policy: {violations}")
    summary["log"] = [content for _, content in log_lines(driver)]
    return summary


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    for option in ("--name", "--room", "--peer", "--history-text", "--peer-text", "--say", "--whisper"):
        parser.add_argument(option, required=True)
    args = parser.parse_args()

    driver = start_browser()
    try:
        summary = run(driver, args)
    except Exception:  # noqa: BLE001 - report everything the page knew, then fail
        traceback.print_exc()
        try:
            print("message list:", json.dumps(log_lines(driver), ensure_ascii=False), file=sys.stderr)
            print("status:", driver.find_element(By.ID, "status").text, file=sys.stderr)
            print("console:", json.dumps(driver.get_log("browser"), ensure_ascii=False), file=sys.stderr)
        except Exception as error:  # noqa: BLE001
            print(f"(could not read the page: {error})", file=sys.stderr)
        return 1
    finally:
        driver.quit()
    print(json.dumps(summary, ensure_ascii=False, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
