#!/usr/bin/env python3
"""`lockstep serve` in a real browser: headless Chromium driven by WebDriver (Debian's chromium-driver, Selenium).

On the example case: open the overview, search a handle, open the account, label it, reload and see the
label, re-run `analyze` into the folder and see it kept, and a POST without the CSRF token is refused.
On a hostile input (the XSS corpus of Tests/EndToEndTests/BrowserTests.swift planted in posts and
profiles): no payload executes or adds an element on any page. Screenshots of each page go to --shots.

Usage: workspace_test.py --lockstep .build/debug/lockstep [--shots docs/screenshots]
Exit status 0 when every check passes; each failure is printed with the page it happened on.
"""
import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what, flush=True)
    if not ok:
        failures.append(what)


class Server:
    """`lockstep serve DIR --port 0`; the URL is the first line of its standard output."""

    def __init__(self, lockstep, folder):
        self.proc = subprocess.Popen([lockstep, "serve", folder, "--port", "0"], stdout=subprocess.PIPE, text=True)
        self.url = self.proc.stdout.readline().strip().rstrip("/")
        if not self.url.startswith("http://127.0.0.1:"):
            raise SystemExit(f"serve printed {self.url!r} instead of its URL")

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=20)


def analyze(lockstep, inputs, out, *extra):
    subprocess.run([lockstep, "analyze", *inputs, "--out", out, "-q", *extra], check=True)


def browser():
    o = Options()
    for a in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1400,1000", "--lang=en"]:
        o.add_argument(a)
    if os.path.exists("/usr/bin/chromium"):
        o.binary_location = "/usr/bin/chromium"
    driver = "/usr/bin/chromedriver" if os.path.exists("/usr/bin/chromedriver") else None
    return webdriver.Chrome(options=o, service=Service(driver) if driver else None)


def shot(b, shots, name):
    if shots:
        os.makedirs(shots, exist_ok=True)
        # The whole page, not the window: resize to the document's height (capped) first.
        height = min(b.execute_script("return document.documentElement.scrollHeight"), 4000)
        b.set_window_size(1400, max(height, 600))
        b.save_screenshot(os.path.join(shots, name + ".png"))
        b.set_window_size(1400, 1000)


def no_alert(b):
    try:
        b.switch_to.alert
        return False
    except NoAlertPresentException:
        return True


def workflow(lockstep, b, work, shots):
    case = os.path.join(work, "case")
    example = os.path.join(REPO, "Examples", "troll-factory")
    analyze(lockstep, [example], case)
    s = Server(lockstep, case)
    try:
        b.get(s.url + "/")
        check(b.find_element(By.TAG_NAME, "h1").text == "Case overview", "overview opens")
        shot(b, shots, "overview")
        b.get(s.url + "/accounts")
        box = b.find_element(By.NAME, "q")
        box.send_keys("Sarah9117")
        box.submit()
        first = b.find_element(By.CSS_SELECTOR, "table.accounts tr:nth-child(2) td:nth-child(2)").text
        check(first == "Sarah9117", f"searching a handle lists that account first (got {first!r})")
        shot(b, shots, "accounts")
        b.find_element(By.LINK_TEXT, "Sarah9117").click()
        check("/accounts/35908873" in b.current_url, "the search result opens the account")
        b.find_element(By.CSS_SELECTOR, "input[name=verdict][value=confirmed]").click()
        b.find_element(By.NAME, "note").send_keys("same minute, same client as 14 partners")
        b.find_element(By.NAME, "author").send_keys("browser-test")
        b.find_element(By.CSS_SELECTOR, "section.label button[type=submit]").click()
        check("confirmed" in b.find_element(By.ID, "current-label").text, "the label shows after saving")
        b.refresh()
        check("confirmed" in b.find_element(By.ID, "current-label").text, "the label shows after a reload")
        shot(b, shots, "account")
        b.get(s.url + "/clusters/1")
        check(b.find_element(By.TAG_NAME, "h1").text.startswith("Cluster 1"), "cluster page opens")
        shot(b, shots, "cluster")
        for page, name in [("/operations/1", "operation"), ("/hijacks", "hijacks"), ("/surges", "surges")]:
            b.get(s.url + page)
            check(b.find_element(By.TAG_NAME, "h1").text != "", f"{page} opens")
            shot(b, shots, name)
        # A form posted from elsewhere carries no token.
        req = urllib.request.Request(s.url + "/accounts/35908873/label", data=b"verdict=dismissed&note=forged", method="POST",
                                     headers={"Content-Type": "application/x-www-form-urlencoded"})
        try:
            urllib.request.urlopen(req)
            check(False, "a POST without the CSRF token is refused")
        except urllib.error.HTTPError as e:
            check(e.code == 403, f"a POST without the CSRF token is refused (got {e.code})")
    finally:
        s.stop()
    # Re-run into the same folder, restart, and the label is still there.
    analyze(lockstep, [example], case)
    s = Server(lockstep, case)
    try:
        b.get(s.url + "/accounts/35908873")
        label = b.find_element(By.ID, "current-label").text
        check("confirmed" in label and "browser-test" in label, "the label survives a re-run of analyze and a restart")
        b.get(s.url + "/accounts?label=confirmed")
        check("1 account(s)" in b.find_element(By.ID, "total").text, "the label filter finds the labelled account")
    finally:
        s.stop()


HEADER = ("tweetid,userid,user_display_name,user_screen_name,user_reported_location,user_profile_description,user_profile_url,"
          "follower_count,following_count,account_creation_date,account_language,tweet_language,tweet_text,tweet_time,"
          "tweet_client_name,in_reply_to_userid,in_reply_to_tweetid,quoted_tweet_tweetid,is_retweet,retweet_userid,retweet_tweetid,"
          "latitude,longitude,quote_count,reply_count,like_count,retweet_count,hashtags,urls,user_mentions")

XSS = [
    "<script>document.title='PWNED'</script>",
    "<img src=x onerror=\"document.title='PWNED'\">",
    "\"><svg onload=\"document.title='PWNED'\"><b id=\"xss-marker\">",
    "<svg><script>document.title='PWNED'</script></svg>",
    "' onmouseover='document.title=1' x='",
    "</td></tr></table><b id=\"xss-marker\">broken out</b>",
    "<a href=\"javascript:document.title='PWNED'\">click</a>",
    "<iframe src=\"https://evil.example/\"></iframe>",
    "<style>body{display:none}</style>",
    "\u202egnp.exe",
]


def hostile(lockstep, b, work):
    path = os.path.join(work, "hostile.csv")
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, quoting=csv.QUOTE_ALL, lineterminator="\n")
        w.writerow(HEADER.split(","))
        for i, p in enumerate(XSS):
            w.writerow([str(100 + i), f"u{i}", p, f"h{i}{p}", p, p, f"javascript:alert({i})", "0", "1", "2017-09-03", "zh-cn", "zh", p,
                        f"2020-01-0{1 + i % 9} 0{i % 9}:00", p, "", "", "", "False", "", "", "", "", "0", "0", "0", "0",
                        "['" + p.replace("'", "") + "']", f"['javascript:alert(1)', 'https://ok.example/{p}']", "[]"])
    case = os.path.join(work, "hostile")
    analyze(lockstep, [path], case, "--case-posts", "all")
    s = Server(lockstep, case)
    try:
        pages = ["/", "/accounts", "/accounts?q=" + urllib.parse.quote("<script>"), "/hijacks", "/surges"]
        pages += [f"/accounts/u{i}" for i in range(len(XSS))]
        for page in pages:
            b.get(s.url + page)
            # The payloads set the title to exactly 'PWNED' or '1'; the handle itself may show the words as text.
            ok = (b.title.endswith("· Lockstep") and b.title not in ("PWNED", "1") and no_alert(b)
                  and not b.find_elements(By.ID, "xss-marker")
                  and not b.find_elements(By.CSS_SELECTOR, "main script, main iframe, main img, main style, [onerror], [onload], [onmouseover]")
                  and not b.find_elements(By.CSS_SELECTOR, "a[href^='javascript']"))
            check(ok, f"hostile text stays text on {page}")
        b.get(s.url + "/accounts/u0")
        check("<script>document.title='PWNED'</script>" in b.find_element(By.TAG_NAME, "main").text, "the payload is shown as text")
    finally:
        s.stop()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lockstep", default=os.path.join(REPO, ".build", "debug", "lockstep"))
    ap.add_argument("--shots", default=None, help="folder for page screenshots (docs/screenshots in the repository)")
    args = ap.parse_args()
    b = browser()
    try:
        with tempfile.TemporaryDirectory() as work:
            workflow(args.lockstep, b, work, args.shots)
            hostile(args.lockstep, b, work)
    finally:
        b.quit()
    if failures:
        print(f"{len(failures)} browser check(s) failed", file=sys.stderr)
        sys.exit(1)
    print("browser checks passed")


if __name__ == "__main__":
    main()
