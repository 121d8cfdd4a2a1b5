"""Screenshots of the home and search pages at phone and desktop width for the README.

python scripts/screenshots.py http://127.0.0.1:8000   (a running `make run`)"""

import sys
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
PAGES = {"home": "/", "search": "/search?near=B69+3DE&when=week&sort=next"}
SIZES = {"phone": (390, 1100), "desktop": (1280, 1000)}


def main(base: str) -> None:
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--hide-scrollbars"):  # fmt: skip
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service("/usr/bin/chromedriver"))
    OUT.mkdir(parents=True, exist_ok=True)
    try:
        for size_name, (width, height) in SIZES.items():
            driver.set_window_size(width, height)
            for page_name, path in PAGES.items():
                driver.get(base + path)
                target = OUT / f"{page_name}-{size_name}.png"
                driver.save_screenshot(str(target))
                print(target)
    finally:
        driver.quit()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000")
