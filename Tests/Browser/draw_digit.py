#!/usr/bin/env python3
"""The kiso serve page in a real browser (headless Chromium driven by Selenium).

Loads the page, draws a stroke on #digit with the mouse, waits for #prediction to show a class,
checks the probability bars, the 28x28 input and (for a convolutional network) the first layer's
filters, switches models when there are several, fails on any console error, and saves a
screenshot.

    python3 Tests/Browser/draw_digit.py --url http://127.0.0.1:PORT/ --screenshot serve.png
"""
import argparse
import sys

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait


def browser(chromium, chromedriver):
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--window-size=1180,1000", "--hide-scrollbars"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(executable_path=chromedriver), options=options)


def draw_seven(driver, canvas):
    """A 7: a bar from left to right, then a stem down to the lower left, in small mouse moves."""
    size = canvas.size["width"]
    actions = ActionChains(driver, duration=10)
    # Offsets are from the canvas's centre.
    actions.move_to_element_with_offset(canvas, -int(size * 0.28), -int(size * 0.30)).click_and_hold()
    for _ in range(12):
        actions.move_by_offset(int(size * 0.05), 0)
    for _ in range(16):
        actions.move_by_offset(-int(size * 0.015), int(size * 0.04))
    actions.release().perform()


def canvas_ink(driver, element_id):
    """The sum of the red channel over a canvas: 0 when it is all black."""
    return driver.execute_script(
        "const c = document.getElementById(arguments[0]);"
        "const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
        "let s = 0; for (let i = 0; i < d.length; i += 4) s += d[i]; return s;", element_id)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--screenshot", required=True)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--chromedriver", default="/usr/bin/chromedriver")
    args = parser.parse_args()

    failures = []

    def check(condition, message):
        print(("ok   " if condition else "FAIL ") + message)
        if not condition:
            failures.append(message)

    driver = browser(args.chromium, args.chromedriver)
    try:
        wait = WebDriverWait(driver, 20)
        driver.get(args.url)
        wait.until(lambda d: d.execute_script("return document.querySelectorAll('#model option').length") > 0)
        models = [o.get_attribute("value") for o in driver.find_elements(By.CSS_SELECTOR, "#model option")]
        check(True, f"page loaded with models {models}")
        prediction = driver.find_element(By.ID, "prediction")
        check(prediction.get_attribute("data-class") is None, "no class before drawing")

        draw_seven(driver, driver.find_element(By.ID, "digit"))
        idle = "return !document.body.dataset.busy"
        wait.until(lambda d: prediction.get_attribute("data-class") is not None and d.execute_script(idle))
        shown = prediction.get_attribute("data-class")
        check(shown in [str(k) for k in range(10)], f"#prediction shows class {shown}: {prediction.text!r}")
        bars = driver.execute_script("return [...document.querySelectorAll('#bars .bar .value')].map(e => e.textContent)")
        check(len(bars) == 10 and all(b.endswith("%") for b in bars), f"ten probability bars {bars}")
        check(canvas_ink(driver, "input") > 0, "the 28x28 input shows the drawing")
        if driver.find_element(By.ID, "layer").is_displayed():
            wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#filters .unit")) > 0)
            units = len(driver.find_elements(By.CSS_SELECTOR, "#filters .unit"))
            check(units > 0, f"{units} first-layer filters with their activation maps")
        driver.save_screenshot(args.screenshot)
        check(True, f"screenshot saved to {args.screenshot}")

        if len(models) > 1:
            Select(driver.find_element(By.ID, "model")).select_by_value(models[1])
            wait.until(lambda d: prediction.get_attribute("data-class") is not None and d.execute_script(idle)
                       and len(d.find_elements(By.CSS_SELECTOR, "#bars .bar.best")) == 1)
            check(True, f"model {models[1]} predicts class {prediction.get_attribute('data-class')}")

        driver.find_element(By.ID, "clear").click()
        check(prediction.get_attribute("data-class") is None and canvas_ink(driver, "digit") == 0, "Clear empties the page")

        errors = [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
        for entry in errors:
            print("console error:", entry["message"])
        check(not errors, "no console errors")
    finally:
        driver.quit()

    print(f"browser: {0 if failures else 1} passed, {1 if failures else 0} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
